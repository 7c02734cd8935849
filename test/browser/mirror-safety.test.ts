import { expect } from '@open-wc/testing';
import { MIRROR_CSP } from '../../agent/mirror/build-node.js';
import { htmlPayloads, payloadScript, pokeEverything } from './helpers/mirror-payloads.js';
import {
  mirrorRoots,
  mountMirror,
  mutationsFrame,
  NodeBuilder,
  settle,
  snapshotFrame,
  type MountedMirror,
} from './helpers/mirror-frames.js';

declare global {
  interface Window {
    __pwned?: string[];
    __pwnedParent?: string;
  }
}

function flagsWith(marker: string): string[] {
  const flags = (window.__pwned ?? []).filter((flag) => flag.startsWith(`${marker}:`));
  if (window.__pwnedParent?.startsWith(`${marker}:`)) flags.push(`parent ${window.__pwnedParent}`);
  return flags;
}

/** Resource requests whose URL carries the marker, as seen by the test page and by every mirror frame. */
function markerRequests(marker: string, windows: (Window | null | undefined)[]): string[] {
  const names: string[] = [];
  for (const view of [window, ...windows]) {
    if (!view) continue;
    for (const entry of view.performance.getEntriesByType('resource'))
      if (entry.name.includes(marker)) names.push(entry.name);
  }
  return names;
}

/** Everything in the mirror that could run code or navigate, whatever the payload was. */
function violations(doc: Document): string[] {
  const found: string[] = [];
  for (const root of mirrorRoots(doc)) {
    for (const element of root.querySelectorAll('*')) {
      const where = `<${element.localName}> in ${root.nodeName}`;
      if (
        ['script', 'object', 'embed', 'applet', 'base', 'noscript', 'frame', 'portal'].includes(
          element.localName.toLowerCase(),
        )
      )
        found.push(`element ${where}`);
      if (element.localName === 'iframe' && element.hasAttribute('src')) found.push(`iframe src ${where}`);
      if (element.localName === 'iframe' && element.getAttribute('sandbox') !== 'allow-same-origin')
        found.push(`iframe sandbox ${where}`);
      if (
        element.localName === 'meta' &&
        element.hasAttribute('http-equiv') &&
        element.getAttribute('content') !== MIRROR_CSP
      )
        found.push(`meta ${where}`);
      for (const attribute of element.attributes) {
        const value = attribute.value
          .replace(/[\t\n\r]/g, '')
          .trim()
          .toLowerCase();
        if (attribute.name.toLowerCase().startsWith('on')) found.push(`${attribute.name} on ${where}`);
        if (attribute.name === 'srcdoc' || attribute.name === 'autofocus' || attribute.name === 'ping')
          found.push(`${attribute.name} on ${where}`);
        if (
          /(^|\()\s*['"]?\s*(javascript|vbscript):/.test(value) ||
          /^data:(text\/html|application\/xhtml)/.test(value)
        )
          found.push(`${attribute.name}=${value.slice(0, 40)} on ${where}`);
      }
      if (element.localName === 'style' && /javascript:/i.test(element.textContent ?? ''))
        found.push(`style text ${where}`);
    }
  }
  return found;
}

function framesOf(doc: Document): Window[] {
  return mirrorRoots(doc)
    .filter((root): root is Document => root.nodeType === Node.DOCUMENT_NODE)
    .map((root) => root.defaultView)
    .filter((view): view is Window & typeof globalThis => view !== null);
}

describe('mirror: script safety', function () {
  this.timeout(30_000);

  it('the payloads are live: in an unprotected frame many of them run (control)', async () => {
    const marker = `ctl${Math.random().toString(36).slice(2)}`;
    const payloads = htmlPayloads(marker);
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const doc = frame.contentDocument;
    if (!doc) throw new Error('no control frame');
    doc.open();
    doc.write(
      `<!DOCTYPE html><html><body>${payloads.map((payload) => `<div>${payload.html}</div>`).join('')}</body></html>`,
    );
    doc.close();
    for (const link of doc.querySelectorAll('a'))
      if (link.getAttribute('href')?.startsWith('javascript:')) link.click();
    await settle(700);
    const ran = new Set(
      [...flagsWith(marker), ...markerRequests(marker, [frame.contentWindow])].map((hit) =>
        hit.split(/[:/]/).filter(Boolean).pop(),
      ),
    );
    frame.remove();
    // Not every payload fires in a modern browser, but enough must for the real test to mean something.
    expect(ran.size, [...ran].join(', ')).to.be.greaterThan(10);
  });

  describe('in the mirror', () => {
    let mounted: MountedMirror;
    const marker = `pwn${Math.random().toString(36).slice(2)}`;
    const js = (name: string): string => payloadScript(marker, name);
    let payloadCount = 0;

    before(async () => {
      mounted = mountMirror();
      const b = new NodeBuilder();
      const { head, body } = b.page();
      b.el(head, 'meta', { name: 'viewport', content: 'width=device-width' });
      const headStyle = b.el(head, 'style');
      const headStyleText = b.text(headStyle, 'body { margin: 0 }');
      const payloads = htmlPayloads(marker);
      for (const payload of payloads) {
        const holder = b.el(body, 'div', { 'data-payload': payload.name, 'data-family': payload.family });
        b.html(holder, payload.html);
      }
      // A nested same-origin document full of payloads.
      const frame = b.el(body, 'iframe', { src: `javascript:${js('nested-frame-src')}` });
      const frameDoc = b.root('doc', frame);
      const inner = b.page(frameDoc);
      b.el(inner.head, 'meta', { 'http-equiv': 'refresh', content: `0;url=javascript:${js('nested-meta')}` });
      b.el(inner.head, 'script', {});
      b.el(inner.body, 'img', { src: 'x:y', onerror: js('nested-img') });
      b.html(
        inner.body,
        `<a href="javascript:${js('nested-link')}">nested link</a><form action="javascript:${js('nested-form')}"><button>go</button></form>`,
      );
      const innerBodyNode = b.nodes.find((node) => node.id === inner.body);
      if (innerBodyNode && innerBodyNode.kind === 'el') innerBodyNode.attributes = { onload: js('nested-body-onload') };
      // A shadow root with payloads and a hostile adopted sheet.
      const host = b.el(body, 'x-shadow-host');
      const shadow = b.root('shadow', host, [`:host{background:url("javascript:${js('adopted')}")}`]);
      b.html(
        shadow,
        `<img src="x:y" onerror="${js('shadow-img')}"><a href="javascript:${js('shadow-link')}">shadow link</a><script>${js('shadow-script')}</script>`,
      );
      // Targets for the mutation payloads.
      const victimDiv = b.el(body, 'div', { id: 'victim' });
      b.text(victimDiv, 'victim');
      const victimLink = b.el(body, 'a', { href: 'https://shop.example/help' });
      b.text(victimLink, 'victim link');
      const victimFrame = b.el(body, 'iframe', {});
      const victimMeta = b.el(body, 'meta', { name: 'x' });
      const invalidNames = b.el(body, 'div', {});
      payloadCount = payloads.length + 5;

      mounted.mirror.apply(snapshotFrame(b.nodes, { url: `${location.origin}/customer/page.html` }));

      const adds = new NodeBuilder(50_000);
      const addedScript = adds.el(body, 'script', {});
      const addedScriptText = adds.text(addedScript, '/* harmless */');
      adds.el(body, 'iframe', { src: `javascript:${js('mutation-iframe')}` });
      adds.el(body, 'img', { src: 'x:y', onerror: js('mutation-img') });
      adds.el(body, 'svg', { onload: js('mutation-svg') }, { namespace: 'svg' });
      adds.el(body, 'base', { href: `javascript:${js('mutation-base')}//` });
      adds.el(body, 'link', { rel: 'stylesheet', href: `javascript:${js('mutation-link')}` });
      adds.el(body, 'object', { data: `/${marker}/mutation-object` });
      mounted.mirror.apply(
        mutationsFrame(1, {
          adds: adds.nodes,
          attrs: [
            {
              id: victimDiv,
              attributes: {
                onclick: js('mutation-onclick'),
                style: `background:url(javascript:${js('mutation-style')})`,
              },
            },
            {
              id: victimLink,
              attributes: { href: `javascript:${js('mutation-href')}`, ping: `/${marker}/mutation-ping` },
            },
            {
              id: victimFrame,
              attributes: {
                srcdoc: `<script>${js('mutation-srcdoc')}</script>`,
                src: `javascript:${js('mutation-frame-src')}`,
                sandbox: 'allow-scripts',
              },
            },
            {
              id: victimMeta,
              attributes: { 'http-equiv': 'refresh', content: `0;url=javascript:${js('mutation-meta')}` },
            },
            {
              id: invalidNames,
              attributes: { 'a b': 'x', '"x': 'y', '1x': 'z', '': 'w', 'onx y': 'q', 'data-ok': 'fine' },
            },
          ],
          texts: [
            { id: addedScriptText, text: js('mutation-script-text') },
            { id: headStyleText, text: `body{background:url("javascript:${js('mutation-style-text')}")}` },
          ],
          sheets: [
            {
              id: headStyle,
              cssRules: [
                `@import "javascript:${js('mutation-sheet-import')}";`,
                `p{background:url(javascript:${js('mutation-sheet')})}`,
              ],
            },
          ],
        }),
      );
      mounted.mirror.apply(mutationsFrame(2, { attrs: [{ id: victimFrame, attributes: { sandbox: null } }] }));
    });

    after(() => mounted.unmount());

    it('tries at least 40 payloads of at least 10 families and builds all of them without a resync', () => {
      expect(payloadCount).to.be.at.least(40);
      expect(new Set(htmlPayloads(marker).map((payload) => payload.family)).size).to.be.at.least(10);
      expect(mounted.resyncs).to.deep.equal([]);
      expect(mounted.mirror.stats.applyFailures).to.equal(0);
      expect((mounted.mirror.nodeById(0) as Document).querySelector('[data-ok]')?.getAttribute('data-ok')).to.equal(
        'fine',
      );
    });

    it('leaves nothing in the mirror that could run or navigate', () => {
      expect(violations(mounted.doc())).to.deep.equal([]);
    });

    it('runs no payload, makes no marker request and navigates nowhere, even when every link is clicked and every form submitted', async () => {
      const doc = mounted.doc();
      const documentsBefore = mirrorRoots(doc).filter((root) => root.nodeType === Node.DOCUMENT_NODE);
      const locationsBefore = framesOf(doc).map((view) => view.location.href);
      const topLocation = location.href;

      for (const root of mirrorRoots(doc)) pokeEverything(root);
      await settle(700);

      expect(flagsWith(marker)).to.deep.equal([]);
      expect(markerRequests(marker, framesOf(doc))).to.deep.equal([]);
      expect(location.href).to.equal(topLocation);
      expect(mounted.mirror.iframe.contentDocument).to.equal(doc);
      const documentsAfter = mirrorRoots(doc).filter((root) => root.nodeType === Node.DOCUMENT_NODE);
      expect(documentsAfter.length).to.equal(documentsBefore.length);
      for (const [index, before] of documentsBefore.entries()) expect(documentsAfter[index]).to.equal(before);
      expect(framesOf(doc).map((view) => view.location.href)).to.deep.equal(locationsBefore);
      expect(violations(doc)).to.deep.equal([]);
    });

    it('never takes focus from the agent console', () => {
      expect(document.activeElement === mounted.mirror.iframe).to.equal(false);
    });
  });
});
