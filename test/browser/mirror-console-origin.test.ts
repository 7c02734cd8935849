/**
 * The mirror never makes the agent's browser request the console's own
 * origin for a customer on another site (a page could otherwise make the
 * agent's browser call the console's API with the agent's cookies): images,
 * srcset, CSS url() in style elements and attributes, stylesheet links, media,
 * background attributes. The detector is the browser's own resource timing in
 * the test page and the mirror; the control is the same page when the customer
 * really is on the console's origin, where the same URLs are requested.
 */
import { expect } from '@open-wc/testing';
import { mountMirror, NodeBuilder, settle, snapshotFrame, type MountedMirror } from './helpers/mirror-frames.js';

/** Requests to the console's origin whose URL carries the marker, from the test page and the mirror frame. */
function requestsWith(marker: string, mounted: MountedMirror): string[] {
  const names: string[] = [];
  for (const view of [window, mounted.mirror.iframe.contentWindow]) {
    for (const entry of view?.performance.getEntriesByType('resource') ?? [])
      if (entry.name.startsWith(location.origin) && entry.name.includes(marker)) names.push(entry.name);
  }
  return names;
}

function consoleOriginPage(marker: string): NodeBuilder {
  const own = (name: string) => `${location.origin}/${marker}/${name}`;
  const b = new NodeBuilder();
  const { head, body } = b.page();
  const style = b.el(head, 'style');
  b.text(
    style,
    `body { background: url("${own('style-bg.png')}") } @font-face { font-family: x; src: url("/${marker}/relative-font.woff2") }`,
  );
  b.el(head, 'link', { rel: 'stylesheet', href: own('sheet.css') });
  b.el(body, 'img', { src: own('img.png'), alt: '' });
  b.el(body, 'img', { srcset: `${own('srcset-1x.png')} 1x, ${own('srcset-2x.png')} 2x`, alt: '' });
  b.el(body, 'div', { style: `background-image: url(${own('inline-bg.png')}); width: 10px; height: 10px` });
  b.el(body, 'video', { poster: own('poster.png'), src: own('video.mp4') });
  b.el(body, 'table', { background: own('table-bg.png') });
  // Relative to the customer's page, which is on the console's origin only in the control.
  b.el(body, 'img', { src: `/${marker}/relative.png`, alt: '' });
  b.text(b.el(body, 'p', { id: 'marker' }), 'loaded');
  return b;
}

describe('the mirror and the console’s own origin', () => {
  let mounted: MountedMirror | null = null;
  afterEach(() => {
    mounted?.unmount();
    mounted = null;
  });

  it('requests nothing from the console’s origin for a customer on another site', async () => {
    const marker = `own${Math.random().toString(36).slice(2)}`;
    mounted = mountMirror();
    mounted.mirror.apply(snapshotFrame(consoleOriginPage(marker).nodes, { url: 'https://shop.example/checkout' }));
    await settle(600);
    expect(mounted.doc().querySelector('#marker')?.textContent).to.equal('loaded');
    expect(requestsWith(marker, mounted)).to.deep.equal([]);
    // Nor does any attribute still name it, to be requested later.
    expect(mounted.doc().documentElement.outerHTML.includes(`${location.origin}/${marker}`)).to.equal(false);
  });

  it('control: when the customer’s page is on that origin, the same page does request it (the detector sees requests)', async () => {
    const marker = `own${Math.random().toString(36).slice(2)}`;
    mounted = mountMirror();
    mounted.mirror.apply(
      snapshotFrame(consoleOriginPage(marker).nodes, { url: `${location.origin}/customer/page.html` }),
    );
    await settle(600);
    expect(requestsWith(marker, mounted).length).to.be.greaterThan(2);
  });
});
