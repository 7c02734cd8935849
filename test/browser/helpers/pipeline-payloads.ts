/**
 * Script-injection payloads written into the customer's page, for the
 * end-to-end safety test. Each one, if it runs, records where it ran
 * ('customer' for the customer's frame and frames inside it, 'agent' for
 * anything else: the test window or the mirror) on `top.__agentPwned` and
 * `parent.__agentPwnedParent`, and fetches `/<marker>/<name>/<realm>`.
 * Only marker requests made by script or by navigation count: payloads do
 * not put the marker in plain image or stylesheet URLs, which the mirror is
 * meant to load.
 */
import { CUSTOMER_FRAME_ID } from './pipeline-harness.js';

/** JavaScript that reports a run and the realm it ran in. Safe inside a double-quoted attribute and a javascript: URL. */
export function agentPayloadScript(marker: string, name: string): string {
  const tag = `${marker}:${name}`;
  return (
    `(function(){var r='agent';try{var w=self;while(w!==w.parent){var f=w.frameElement;if(f&&f.id==='${CUSTOMER_FRAME_ID}'){r='customer';break}w=w.parent}}catch(e){r='opaque'}` +
    `try{(top.__agentPwned=top.__agentPwned||[]).push(r+':${tag}')}catch(e){}` +
    `try{(parent.__agentPwnedParent=parent.__agentPwnedParent||[]).push(r+':${tag}')}catch(e){}` +
    `try{fetch('/${marker}/${name}/'+r).catch(function(){})}catch(e){}})()`
  );
}

export interface CustomerPayload {
  name: string;
  family: string;
  html: string;
}

/** Markup payloads for the customer's body (a meta refresh waits an hour, so the customer's own frame stays put). */
export function customerPayloads(marker: string): CustomerPayload[] {
  const js = (name: string): string => agentPayloadScript(marker, name);
  const nav = (name: string): string => `/${marker}/${name}/navigated`;
  const escaped = (name: string): string => js(name).replace(/'/g, '&#39;');
  const list: [string, string, (name: string) => string][] = [
    ['script-inline', 'script', (n) => `<script>${js(n)}</script>`],
    ['script-module', 'script', (n) => `<script type="module">${js(n)}</script>`],
    ['script-svg', 'script', (n) => `<svg width="1" height="1"><script>${js(n)}</script></svg>`],
    ['script-data-src', 'script', (n) => `<script src="data:text/javascript,${encodeURIComponent(js(n))}"></script>`],
    ['img-onerror', 'handler', (n) => `<img src="x:y" onerror="${js(n)}">`],
    ['img-onload', 'handler', (n) => `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="${js(n)}">`],
    ['svg-onload', 'handler', (n) => `<svg width="1" height="1" onload="${js(n)}"></svg>`],
    [
      'svg-animate-onbegin',
      'handler',
      (n) => `<svg width="1" height="1"><animate onbegin="${js(n)}" attributeName="x" dur="0.01s"></animate></svg>`,
    ],
    [
      'svg-set-handler',
      'svg-animation',
      (n) =>
        `<svg width="10" height="10"><set attributeName="onmouseover" to="${js(n)}"></set><rect width="10" height="10"></rect></svg>`,
    ],
    [
      'svg-animate-href',
      'svg-animation',
      (n) =>
        `<svg width="60" height="30"><a><animate attributeName="href" values="javascript:${js(n)}"></animate><text y="20">svg link</text></a></svg>`,
    ],
    [
      'svg-xlink-href',
      'javascript-url',
      (n) => `<svg width="60" height="30"><a xlink:href="javascript:${js(n)}"><text y="20">xlink</text></a></svg>`,
    ],
    [
      'svg-use-data',
      'data-url',
      (n) =>
        `<svg width="1" height="1"><use href="data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;&lt;script&gt;${escaped(n)}&lt;/script&gt;&lt;/svg&gt;#x"></use></svg>`,
    ],
    [
      'svg-foreignobject-iframe',
      'frame',
      (n) =>
        `<svg width="50" height="50"><foreignObject width="50" height="50"><iframe src="javascript:${js(n)}"></iframe></foreignObject></svg>`,
    ],
    ['a-javascript', 'javascript-url', (n) => `<a href="javascript:${js(n)}">js link</a>`],
    ['a-javascript-obfuscated', 'javascript-url', (n) => `<a href=" &#x09;java&#x0A;script:${js(n)}">obfuscated</a>`],
    ['a-javascript-entity', 'javascript-url', (n) => `<a href="&#106;avascript:${js(n)}">entity link</a>`],
    [
      'a-data-html',
      'data-url',
      (n) => `<a href="data:text/html,&lt;script&gt;${escaped(n)}&lt;/script&gt;">data link</a>`,
    ],
    ['a-plain-navigation', 'navigation', (n) => `<a href="${nav(n)}" ping="${nav(n)}-ping">plain link</a>`],
    [
      'area-javascript',
      'javascript-url',
      (n) =>
        `<map name="m-${n}"><area shape="rect" coords="0,0,10,10" href="javascript:${js(n)}"></map><img usemap="#m-${n}" width="10" height="10" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`,
    ],
    ['math-href', 'javascript-url', (n) => `<math href="javascript:${js(n)}"><mtext>math link</mtext></math>`],
    ['iframe-javascript-src', 'frame', (n) => `<iframe src="javascript:${js(n)}"></iframe>`],
    ['iframe-srcdoc', 'frame', (n) => `<iframe srcdoc="&lt;script&gt;${escaped(n)}&lt;/script&gt;"></iframe>`],
    [
      'iframe-data-src',
      'frame',
      (n) => `<iframe src="data:text/html,&lt;script&gt;${escaped(n)}&lt;/script&gt;"></iframe>`,
    ],
    [
      'form-action-javascript',
      'form',
      (n) => `<form action="javascript:${js(n)}"><input type="submit" value="go"></form>`,
    ],
    ['button-formaction', 'form', (n) => `<form><button formaction="javascript:${js(n)}">go</button></form>`],
    [
      'form-remote-submit',
      'form',
      (n) => `<form action="${nav(n)}" method="get"><input name="q" value="1"><button>send</button></form>`,
    ],
    [
      'form-attr-button',
      'form',
      (n) => `<form id="outside-${n}" action="${nav(n)}"></form><button form="outside-${n}">submit outside</button>`,
    ],
    [
      'object-data-html',
      'plugin',
      (n) => `<object data="data:text/html,&lt;script&gt;${escaped(n)}&lt;/script&gt;"></object>`,
    ],
    ['embed-data-html', 'plugin', (n) => `<embed src="data:text/html,&lt;script&gt;${escaped(n)}&lt;/script&gt;">`],
    ['object-param', 'plugin', (n) => `<object><param name="src" value="javascript:${js(n)}"></object>`],
    ['meta-refresh-javascript', 'meta', (n) => `<meta http-equiv="refresh" content="3600;url=javascript:${js(n)}">`],
    ['meta-refresh-remote', 'meta', (n) => `<meta http-equiv="refresh" content="3600;url=${nav(n)}">`],
    ['meta-csp-override', 'meta', () => `<meta http-equiv="Content-Security-Policy" content="script-src *">`],
    ['base-javascript', 'base', (n) => `<base href="javascript:${js(n)}//"><a href="relative">relative link</a>`],
    ['style-attr-javascript-url', 'css', (n) => `<div style="background:url(javascript:${js(n)})">css</div>`],
    ['style-attr-expression', 'css', (n) => `<div style="width:expression(${js(n)})">expr</div>`],
    [
      'style-element-javascript',
      'css',
      (n) => `<style>.nothing-${n}{background:url("javascript:${js(n)}")} @import "javascript:${js(n)}";</style>`,
    ],
    ['link-javascript', 'css', (n) => `<link rel="stylesheet" href="javascript:${js(n)}">`],
    [
      'template-script',
      'template',
      (n) => `<template><script>${js(n)}</script><img src="x:y" onerror="${js(n)}"></template>`,
    ],
    ['noscript-img', 'noscript', (n) => `<noscript><img src="x:y" onerror="${js(n)}"></noscript>`],
    [
      'noscript-mxss',
      'noscript',
      (n) => `<noscript><p title="&lt;/noscript&gt;&lt;img src=x onerror=${escaped(n)}&gt;"></p></noscript>`,
    ],
    ['autofocus-onfocus', 'handler', (n) => `<input autofocus onfocus="${js(n)}">`],
    ['details-ontoggle', 'handler', (n) => `<details open ontoggle="${js(n)}"><summary>s</summary>d</details>`],
    ['video-source-onerror', 'handler', (n) => `<video><source onerror="${js(n)}" src="x:y"></video>`],
    ['video-poster', 'javascript-url', (n) => `<video poster="javascript:${js(n)}"></video>`],
    ['audio-onerror', 'handler', (n) => `<audio src="x:y" onerror="${js(n)}"></audio>`],
    ['img-srcset', 'javascript-url', (n) => `<img srcset="javascript:${js(n)} 1x">`],
    ['div-onclick', 'handler', (n) => `<div onclick="${js(n)}" onmouseover="${js(n)}">click me</div>`],
    ['custom-element-onclick', 'handler', (n) => `<x-widget onclick="${js(n)}">widget</x-widget>`],
    ['marquee-onstart', 'handler', (n) => `<marquee onstart="${js(n)}">m</marquee>`],
    ['dialog-onclose', 'handler', (n) => `<dialog open onclose="${js(n)}">dialog</dialog>`],
    ['body-onpageshow', 'handler', (n) => `<body onpageshow="${js(n)}">`],
    [
      'target-named-frame',
      'javascript-url',
      (n) => `<iframe name="victim-${n}"></iframe><a href="javascript:${js(n)}" target="victim-${n}">targeted</a>`,
    ],
  ];
  return list.map(([name, family, make]) => ({ name, family, html: make(name) }));
}

/**
 * Payloads the customer's own script adds after the snapshot, so they travel
 * as mutations: new hostile attributes on existing elements and new nodes.
 */
export function mutationPayloads(marker: string): { name: string; apply: (doc: Document) => void }[] {
  const js = (name: string): string => agentPayloadScript(marker, name);
  const target = (doc: Document, id: string): HTMLElement => {
    let element = doc.getElementById(id);
    if (!element) {
      element = doc.createElement('div');
      element.id = id;
      element.textContent = id;
      doc.body.append(element);
    }
    return element;
  };
  return [
    { name: 'mut-onclick', apply: (doc) => target(doc, 'm1').setAttribute('onclick', js('mut-onclick')) },
    {
      name: 'mut-href',
      apply: (doc) => {
        const link = doc.createElement('a');
        link.textContent = 'later link';
        doc.body.append(link);
        link.setAttribute('href', `javascript:${js('mut-href')}`);
      },
    },
    {
      name: 'mut-style-url',
      apply: (doc) => target(doc, 'm2').setAttribute('style', `background:url(javascript:${js('mut-style-url')})`),
    },
    {
      name: 'mut-srcdoc',
      apply: (doc) => {
        const frame = doc.createElement('iframe');
        doc.body.append(frame);
        frame.setAttribute('srcdoc', `<script>${js('mut-srcdoc')}</script>`);
      },
    },
    {
      name: 'mut-script',
      apply: (doc) => {
        const script = doc.createElement('script');
        script.textContent = js('mut-script');
        doc.body.append(script);
      },
    },
    {
      name: 'mut-img-onerror',
      apply: (doc) => {
        const img = doc.createElement('img');
        img.setAttribute('onerror', js('mut-img-onerror'));
        img.src = 'x:y';
        doc.body.append(img);
      },
    },
    {
      name: 'mut-innerhtml',
      apply: (doc) => {
        target(doc, 'm3').innerHTML =
          `<img src="x:y" onerror="${js('mut-innerhtml')}"><svg onload="${js('mut-innerhtml')}"></svg>`;
      },
    },
    {
      name: 'mut-form-action',
      apply: (doc) => {
        const form = doc.createElement('form');
        form.innerHTML = '<button>later submit</button>';
        doc.body.append(form);
        form.setAttribute('action', `javascript:${js('mut-form-action')}`);
      },
    },
    {
      name: 'mut-meta-refresh',
      apply: (doc) => {
        const meta = doc.createElement('meta');
        meta.setAttribute('http-equiv', 'refresh');
        meta.setAttribute('content', `3600;url=javascript:${js('mut-meta-refresh')}`);
        doc.body.append(meta);
      },
    },
    {
      name: 'mut-cssom',
      apply: (doc) => {
        const style = doc.createElement('style');
        doc.head.append(style);
        style.sheet?.insertRule(`body{background-image:url("javascript:${js('mut-cssom')}")}`, 0);
      },
    },
    {
      name: 'mut-svg-set',
      apply: (doc) => {
        target(doc, 'm4').innerHTML =
          `<svg width="10" height="10"><rect width="10" height="10"><set attributeName="onclick" to="${js('mut-svg-set')}"></set></rect></svg>`;
      },
    },
    {
      name: 'mut-text-into-script',
      apply: (doc) => {
        const script = doc.querySelector('script');
        if (script) script.textContent = js('mut-text-into-script');
      },
    },
  ];
}
