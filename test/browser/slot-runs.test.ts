/**
 * A number a web component renders partly in its shadow root and partly
 * from slotted text, when the slotted part arrives by a slot change (the
 * light node's `slot` attribute, or a slot's `name`) rather than by a text
 * or child-list change: the slotted text is masked again by its new
 * neighbours (client/capture/mutations.ts, flat-tree.ts). Before the move
 * each half is a short number on its own and goes out as it is (the README's
 * "revealed in steps" limit); after it, the mirror must not show the whole
 * number. Oracle: the last text each node was sent with, read by the
 * independent leak finder.
 */
import { expect } from '@open-wc/testing';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { truncationLeaks } from '../oracles/leak-finder.js';
import { capturePage, nextFrames, RecordingTransport } from './helpers/capture-page.js';

const CARD = '4532019673158241';

/** Each node's text as the mirror shows it after `messages`: its snapshot text, then its latest text change. */
function lastTexts(messages: readonly ChannelMessage[]): Map<number, string> {
  const texts = new Map<number, string>();
  for (const message of messages) {
    if (message.t === 'snapshot')
      for (const node of message.nodes) if (node.kind === 'text') texts.set(node.id, node.text);
    if (message.t === 'mutations') for (const change of message.texts) texts.set(change.id, change.text);
  }
  return texts;
}

async function afterMove(move: (host: HTMLElement, doc: Document) => void): Promise<string[]> {
  const page = await capturePage(
    `<!DOCTYPE html><html><body><p>Card <card-move><span slot="b">${CARD.slice(8, 12)} ${CARD.slice(12)}</span></card-move></p></body></html>`,
  );
  try {
    const host = page.doc.querySelector('card-move') as HTMLElement;
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = `${CARD.slice(0, 4)} ${CARD.slice(4, 8)} <slot name="a"></slot><slot name="c"></slot>`;
    const transport = new RecordingTransport();
    const engine = new CaptureEngine({ window: page.win, send: transport.send });
    await engine.start();
    try {
      await nextFrames(page.win, 2);
      move(host, page.doc);
      await nextFrames(page.win, 4);
    } finally {
      engine.stop();
    }
    return [...lastTexts(transport.messages).values()];
  } finally {
    page.remove();
  }
}

describe('slot changes: slotted text is masked again by its new neighbours', () => {
  it("a light node's slot attribute moves it beside the shadow root's half", async () => {
    const shown = await afterMove((host) => {
      (host.querySelector('span') as HTMLElement).slot = 'a';
    });
    expect(truncationLeaks(CARD, [shown.join('')])).to.deep.equal([]);
  });

  it("a slot's name changes to the light node's slot", async () => {
    const shown = await afterMove((host) => {
      ((host.shadowRoot as ShadowRoot).querySelector('slot[name="a"]') as HTMLSlotElement).name = 'b';
    });
    expect(truncationLeaks(CARD, [shown.join('')])).to.deep.equal([]);
  });

  it('an element moved out of a slot leaves the text on either side of it as one number', async () => {
    const page = await capturePage(
      `<!DOCTYPE html><html><body><card-left><span slot="a">${CARD.slice(0, 8)}</span><p slot="a">and</p><span slot="a">${CARD.slice(8)}</span></card-left></body></html>`,
    );
    try {
      const host = page.doc.querySelector('card-left') as HTMLElement;
      host.attachShadow({ mode: 'open' }).innerHTML = `<slot name="a"></slot><div><slot name="b"></slot></div>`;
      const transport = new RecordingTransport();
      const engine = new CaptureEngine({ window: page.win, send: transport.send });
      await engine.start();
      try {
        await nextFrames(page.win, 2);
        (host.querySelector('p') as HTMLElement).slot = 'b';
        await nextFrames(page.win, 4);
      } finally {
        engine.stop();
      }
      const shown = [...lastTexts(transport.messages).values()];
      // Each half alone went out first (a number revealed in steps); after the move, neither shows.
      expect(shown.join(' ')).to.not.include(CARD.slice(0, 8));
      expect(shown.join(' ')).to.not.include(CARD.slice(8));
    } finally {
      page.remove();
    }
  });

  it('control: moved to a slot not beside the shadow text, the halves stay readable (the oracle can fail)', async () => {
    const shown = await afterMove((host) => {
      (host.querySelector('span') as HTMLElement).slot = 'c';
      // Something between the shadow text and slot c, so the halves are not one number.
      host.shadowRoot?.querySelector('slot[name="a"]')?.replaceWith(host.ownerDocument.createElement('p'));
    });
    expect(truncationLeaks(CARD, [shown.join('')])).to.not.deep.equal([]);
  });
});
