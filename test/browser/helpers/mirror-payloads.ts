/**
 * Script-injection payloads for the mirror safety test, as markup a tampered
 * capture could send. Each one, if it ever ran, records `marker:name` on the
 * agent's window (`top.__pwned`) and requests a URL containing the marker.
 */

/** JavaScript that reports a payload run: a flag on the top window plus a marker request. */
export function payloadScript(marker: string, name: string): string {
  return `try{(top.__pwned=top.__pwned||[]).push('${marker}:${name}')}catch(e){};try{parent.__pwnedParent='${marker}:${name}'}catch(e){};fetch('/${marker}/${name}').catch(function(){})`;
}

export interface HtmlPayload {
  name: string;
  family: string;
  html: string;
}

/** Payload markup written into the customer's page body. */
export function htmlPayloads(marker: string): HtmlPayload[] {
  const js = (name: string): string => payloadScript(marker, name);
  const url = (name: string): string => `/${marker}/${name}`;
  const list: [string, string, (name: string) => string][] = [
    ['script-inline', 'script', (n) => `<script>${js(n)}</script>`],
    ['script-src', 'script', (n) => `<script src="${url(n)}.js"></script>`],
    ['script-module', 'script', (n) => `<script type="module">${js(n)}</script>`],
    ['script-svg', 'script', (n) => `<svg><script>${js(n)}</script></svg>`],
    ['script-svg-href', 'script', (n) => `<svg><script href="${url(n)}.js"></script></svg>`],
    ['img-onerror', 'handler', (n) => `<img src="x:y" onerror="${js(n)}">`],
    ['img-onload', 'handler', (n) => `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="${js(n)}">`],
    ['svg-onload', 'handler', (n) => `<svg onload="${js(n)}"></svg>`],
    [
      'svg-animate-onbegin',
      'handler',
      (n) => `<svg><animate onbegin="${js(n)}" attributeName="x" dur="0.01s"></animate></svg>`,
    ],
    [
      'svg-set-handler',
      'svg-animation',
      (n) => `<svg><set attributeName="onmouseover" to="${js(n)}"></set><rect width="10" height="10"></rect></svg>`,
    ],
    [
      'svg-animate-href',
      'svg-animation',
      (n) =>
        `<svg><a><animate attributeName="href" values="javascript:${js(n)}"></animate><text y="20">svg link</text></a></svg>`,
    ],
    [
      'svg-xlink-href',
      'javascript-url',
      (n) => `<svg><a xlink:href="javascript:${js(n)}"><text y="20">xlink</text></a></svg>`,
    ],
    ['svg-image-href', 'javascript-url', (n) => `<svg><image href="javascript:${js(n)}"></image></svg>`],
    [
      'svg-use-data',
      'data-url',
      (n) =>
        `<svg><use href="data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;&lt;script&gt;${js(n)}&lt;/script&gt;&lt;/svg&gt;#x"></use></svg>`,
    ],
    [
      'svg-foreignobject-iframe',
      'frame',
      (n) =>
        `<svg><foreignObject width="50" height="50"><iframe src="javascript:${js(n)}"></iframe></foreignObject></svg>`,
    ],
    ['a-javascript', 'javascript-url', (n) => `<a href="javascript:${js(n)}">js link</a>`],
    ['a-javascript-obfuscated', 'javascript-url', (n) => `<a href=" &#x09;java&#x0A;script:${js(n)}">obfuscated</a>`],
    ['a-vbscript', 'javascript-url', () => `<a href="vbscript:msgbox(1)">vb link</a>`],
    ['a-data-html', 'data-url', (n) => `<a href="data:text/html,&lt;script&gt;${js(n)}&lt;/script&gt;">data link</a>`],
    ['a-plain-nav-ping', 'navigation', (n) => `<a href="${url(n)}" ping="${url(n)}-ping">plain link</a>`],
    [
      'area-javascript',
      'javascript-url',
      (n) =>
        `<map name="m"><area shape="rect" coords="0,0,10,10" href="javascript:${js(n)}"></map><img usemap="#m" width="10" height="10">`,
    ],
    ['math-href', 'javascript-url', (n) => `<math href="javascript:${js(n)}"><mtext>math link</mtext></math>`],
    ['iframe-javascript-src', 'frame', (n) => `<iframe src="javascript:${js(n)}"></iframe>`],
    ['iframe-srcdoc', 'frame', (n) => `<iframe srcdoc="&lt;script&gt;${js(n)}&lt;/script&gt;"></iframe>`],
    ['iframe-data-src', 'frame', (n) => `<iframe src="data:text/html,&lt;script&gt;${js(n)}&lt;/script&gt;"></iframe>`],
    ['iframe-remote-src', 'frame', (n) => `<iframe src="${url(n)}.html"></iframe>`],
    [
      'form-action-javascript',
      'form',
      (n) => `<form action="javascript:${js(n)}"><input type="submit" value="go"></form>`,
    ],
    ['button-formaction', 'form', (n) => `<form><button formaction="javascript:${js(n)}">go</button></form>`],
    [
      'form-remote-submit',
      'form',
      (n) =>
        `<form action="${url(n)}" method="get"><input name="q" value="1"><input type="image" src="javascript:${js(n)}"></form>`,
    ],
    [
      'object-data-html',
      'plugin',
      (n) => `<object data="data:text/html,&lt;script&gt;${js(n)}&lt;/script&gt;"></object>`,
    ],
    [
      'object-remote',
      'plugin',
      (n) => `<object type="text/html" data="${url(n)}.html"><param name="src" value="javascript:${js(n)}"></object>`,
    ],
    ['embed-data-html', 'plugin', (n) => `<embed src="data:text/html,&lt;script&gt;${js(n)}&lt;/script&gt;">`],
    ['embed-remote', 'plugin', (n) => `<embed type="text/html" src="${url(n)}.html">`],
    ['meta-refresh-javascript', 'meta', (n) => `<meta http-equiv="refresh" content="0;url=javascript:${js(n)}">`],
    ['meta-refresh-remote', 'meta', (n) => `<meta http-equiv="refresh" content="0;url=${url(n)}">`],
    ['meta-csp-override', 'meta', () => `<meta http-equiv="Content-Security-Policy" content="script-src *">`],
    ['base-javascript', 'base', (n) => `<base href="javascript:${js(n)}//"><a href="relative">relative link</a>`],
    ['base-hijack', 'base', (n) => `<base href="${url(n)}/" target="_top"><img src="relative.png">`],
    ['style-attr-javascript-url', 'css', (n) => `<div style="background:url(javascript:${js(n)})">css</div>`],
    ['style-attr-expression', 'css', (n) => `<div style="width:expression(${js(n)})">expr</div>`],
    [
      'style-element-javascript',
      'css',
      (n) => `<style>body{background:url("javascript:${js(n)}")} @import "javascript:${js(n)}";</style>`,
    ],
    ['style-behavior', 'css', () => `<style>*{behavior:url(#default#time2); -moz-binding:url(x.xml#y)}</style>`],
    ['link-javascript', 'css', (n) => `<link rel="stylesheet" href="javascript:${js(n)}">`],
    ['link-import', 'css', (n) => `<link rel="import" href="${url(n)}.html">`],
    [
      'template-script',
      'template',
      (n) => `<template><script>${js(n)}</script><img src="x:y" onerror="${js(n)}"></template>`,
    ],
    ['noscript-img', 'noscript', (n) => `<noscript><img src="x:y" onerror="${js(n)}"></noscript>`],
    [
      'noscript-mxss',
      'noscript',
      (n) => `<noscript><p title="&lt;/noscript&gt;&lt;img src=x onerror=${js(n)}&gt;"></p></noscript>`,
    ],
    ['autofocus-onfocus', 'handler', (n) => `<input autofocus onfocus="${js(n)}">`],
    ['details-ontoggle', 'handler', (n) => `<details open ontoggle="${js(n)}"><summary>s</summary>d</details>`],
    ['video-source-onerror', 'handler', (n) => `<video><source onerror="${js(n)}" src="x:y"></video>`],
    ['video-poster', 'javascript-url', (n) => `<video poster="javascript:${js(n)}"></video>`],
    ['audio-onerror', 'handler', (n) => `<audio src="x:y" onerror="${js(n)}"></audio>`],
    [
      'table-background',
      'javascript-url',
      (n) => `<table background="javascript:${js(n)}"><tr><td>t</td></tr></table>`,
    ],
    ['img-srcset', 'javascript-url', (n) => `<img srcset="javascript:${js(n)} 1x">`],
    ['div-onclick', 'handler', (n) => `<div onclick="${js(n)}" onmouseover="${js(n)}">click me</div>`],
    ['custom-element-onclick', 'handler', (n) => `<x-widget onclick="${js(n)}">widget</x-widget>`],
    ['marquee-onstart', 'handler', (n) => `<marquee onstart="${js(n)}">m</marquee>`],
    ['body-onload-in-body', 'handler', (n) => `<body onload="${js(n)}"><img src="x:y" onerror="${js(n)}">`],
    ['select-autofocus', 'handler', (n) => `<select autofocus onfocus="${js(n)}"><option>o</option></select>`],
    ['dialog-onclose', 'handler', (n) => `<dialog open onclose="${js(n)}">dialog</dialog>`],
    [
      'target-named-frame',
      'javascript-url',
      (n) => `<iframe name="victim"></iframe><a href="javascript:${js(n)}" target="victim">targeted</a>`,
    ],
    [
      'form-attr-button',
      'form',
      (n) =>
        `<form id="outside-form" action="${url(n)}-outside"></form><button form="outside-form">submit outside</button>`,
    ],
  ];
  return list.map(([name, family, make]) => ({ name, family, html: make(name) }));
}

/**
 * Click, aux-click and hover everything clickable in one mirror root, and
 * submit every form: whatever a payload hid behind an interaction gets its
 * chance to run or navigate.
 */
export function pokeEverything(root: ParentNode): void {
  for (const element of root.querySelectorAll(
    'a, area, button, input, [onclick], x-widget, summary, text, mtext, div',
  )) {
    const target = element as HTMLElement;
    target.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
    target.dispatchEvent(new MouseEvent('auxclick', { bubbles: true, cancelable: true, composed: true, button: 1 }));
    target.dispatchEvent(new MouseEvent('mouseover', { bubbles: true, cancelable: true, composed: true }));
    if (typeof target.click === 'function') target.click();
  }
  for (const form of root.querySelectorAll('form')) {
    try {
      form.requestSubmit();
    } catch {
      // A form without a submitter may refuse; submit() is tried next.
    }
    try {
      form.submit();
    } catch {
      // Sandboxed forms may throw instead of silently refusing: either way nothing is sent.
    }
  }
}
