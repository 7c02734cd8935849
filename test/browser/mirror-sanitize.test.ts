import { expect } from '@open-wc/testing';
import { isSafeUrl, sanitizeAttribute, sanitizeCss, sanitizeSrcset } from '../../agent/mirror/sanitize.js';

describe('mirror sanitize: isSafeUrl', () => {
  const safe = [
    'https://shop.example/a.png',
    'http://shop.example/',
    '/relative/path.png',
    'image.png',
    '#section',
    '?q=1',
    '',
    'about:blank',
    'mailto:help@shop.example',
    'tel:+4912345',
    'data:image/png;base64,iVBORw0KGgo=',
    'data:image/svg+xml,%3Csvg%3E%3C/svg%3E',
    'data:font/woff2;base64,AAAA',
  ];
  const unsafe = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    '  javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0000javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'DATA:text/html;base64,PHNjcmlwdD4=',
    'data:application/xhtml+xml,<x/>',
    'data:,hello',
    'livescript:x',
    'filesystem:https://x/y',
    'chrome://settings',
    'view-source:https://x',
    'jar:https://x!/',
  ];
  for (const url of safe) it(`accepts ${JSON.stringify(url)}`, () => expect(isSafeUrl(url)).to.equal(true));
  for (const url of unsafe) it(`rejects ${JSON.stringify(url)}`, () => expect(isSafeUrl(url)).to.equal(false));
});

describe('mirror sanitize: sanitizeAttribute', () => {
  const dropped: [string, string, string][] = [
    ['img', 'onerror', 'alert(1)'],
    ['svg', 'onload', 'alert(1)'],
    ['body', 'ONLOAD', 'alert(1)'],
    ['a', 'href', 'javascript:alert(1)'],
    ['a', 'xlink:href', 'javascript:alert(1)'],
    ['form', 'action', 'javascript:alert(1)'],
    ['button', 'formaction', 'javascript:alert(1)'],
    ['object', 'data', 'data:text/html,x'],
    ['video', 'poster', 'javascript:alert(1)'],
    ['table', 'background', 'javascript:alert(1)'],
    ['iframe', 'srcdoc', '<p>x</p>'],
    ['iframe', 'src', 'https://shop.example/frame'],
    ['meta', 'http-equiv', 'refresh'],
    ['meta', 'content', '0;url=javascript:alert(1)'],
    ['a', 'ping', 'https://shop.example/ping'],
    ['a', 'target', '_top'],
    ['input', 'autofocus', ''],
    ['script', 'src', 'https://shop.example/a.js'],
    ['base', 'href', 'https://evil.example/'],
    ['animate', 'attributeName', 'href'],
    ['set', 'to', 'javascript:alert(1)'],
    ['animate', 'values', 'https://x/;javascript:alert(1)'],
    ['div', 'data-x', 'javascript:alert(1)'],
    ['div', 'a b', 'x'],
    ['div', '<x', 'x'],
    ['div', '', 'x'],
    ['div', 'data-cobrowse-mirror-masked', ''],
    ['img', 'srcset', 'a.png 1x, javascript:alert(1) 2x'],
    ['link', 'rel', 'import'],
    ['use', 'href', "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>"],
  ];
  for (const [tag, name, value] of dropped) {
    it(`drops <${tag} ${name}=${JSON.stringify(value)}>`, () =>
      expect(sanitizeAttribute(tag, name, value)).to.equal(null));
  }

  const kept: [string, string, string][] = [
    ['a', 'href', 'https://shop.example/help'],
    ['img', 'src', 'https://cdn.shop.example/a.png'],
    ['div', 'class', 'card'],
    ['input', 'value', 'javascript: is a language'],
    ['img', 'alt', 'javascript:void(0)'],
    ['svg', 'viewBox', '0 0 10 10'],
    ['animate', 'attributeName', 'opacity'],
    ['div', 'data-cobrowse-mask', ''],
    ['img', 'src', 'data:image/svg+xml,%3Csvg%3E%3C/svg%3E'],
  ];
  for (const [tag, name, value] of kept) {
    it(`keeps <${tag} ${name}=${JSON.stringify(value)}>`, () =>
      expect(sanitizeAttribute(tag, name, value)).to.equal(value));
  }

  it('rewrites unsafe URLs inside style attributes', () => {
    const value = sanitizeAttribute(
      'div',
      'style',
      'background: url(javascript:alert(1)); width: expression(alert(1))',
    );
    expect(value).to.be.a('string');
    expect(value).not.to.match(/javascript/i);
    expect(value).not.to.match(/expression\(/i);
  });
});

describe('mirror sanitize: CSS', () => {
  it('neutralises javascript: and escaped schemes in url(), @import and image-set()', () => {
    const css = [
      'a{background:url("javascript:alert(1)")}',
      "b{background:url('\\6a avascript:alert(1)')}",
      'c{background:url(  vbscript:x  )}',
      '@import "javascript:alert(1)";',
      'd{background-image:image-set("javascript:alert(1)" 1x)}',
      'e{-moz-binding:url(x.xml#y); behavior:url(x.htc)}',
    ].join('\n');
    const out = sanitizeCss(css);
    expect(out).not.to.match(/javascript|vbscript/i);
    expect(out).not.to.match(/-moz-binding\s*:/i);
    expect(out).not.to.match(/[\s;{]behavior\s*:/i);
  });

  it('resolves safe URLs through the resolver', () => {
    const out = sanitizeCss('a{background:url(img/a.png)}', (url) => new URL(url, 'https://shop.example/css/').href);
    expect(out).to.contain('url("https://shop.example/css/img/a.png")');
  });

  it('keeps a srcset whose every candidate is safe', () => {
    expect(sanitizeSrcset('a.png 1x, https://x.example/b.png 2x')).to.equal('a.png 1x, https://x.example/b.png 2x');
  });
});
