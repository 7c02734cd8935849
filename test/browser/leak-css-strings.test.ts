/**
 * Red team s12 F5 in real Chromium: a card or an SSN in CSS strings the page
 * shows as one text (groups separated by `\A` escapes, several strings of one
 * `content` value). The real CaptureEngine captures the page, each message is
 * encoded and decoded, and two oracles read what was sent: the independent
 * leak finder over every string, and Chromium itself: the sent CSS applied to
 * a fresh element, its `::after` content as the browser parsed it
 * (getComputedStyle), decoded and joined here. Controls: a card in one plain
 * string (masked before too), and the page's own CSS read by Chromium the
 * same way shows the number.
 */
import { expect } from '@open-wc/testing';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { MessageDecoder } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';
import { messageStrings } from '../oracles/message-strings.js';
import { capturePage, nextFrames } from './helpers/capture-page.js';

const CARD = '4532019673158241';
const SSN = '278415396';
const g = [CARD.slice(0, 4), CARD.slice(4, 8), CARD.slice(8, 12), CARD.slice(12)];

/** Every string the engine sent for a page of `html`. */
async function sentStrings(html: string): Promise<string[]> {
  const page = await capturePage(`<!DOCTYPE html><html><head><title>P</title></head><body>${html}</body></html>`);
  try {
    const encoder = new MessageEncoder({ sideStreamsAfterBytes: 0 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const sent: string[] = [];
    const engine = new CaptureEngine({
      window: page.win,
      send: (message: ChannelMessage) => {
        const result = decoder.decode(encoder.encode(message));
        if (!result.ok) throw new Error(`undecodable ${message.t}`);
        sent.push(...messageStrings(result.message));
        return true;
      },
    });
    await engine.start();
    try {
      await nextFrames(page.win, 3);
    } finally {
      engine.stop();
    }
    return sent;
  } finally {
    page.remove();
  }
}

/** A serialized CSS string list (`"a\a b" "c"`, as getComputedStyle gives it) as the text it shows. */
function shownText(serialized: string): string {
  return [...serialized.matchAll(/"((?:[^"\\]|\\[^])*)"/g)]
    .map((m) =>
      (m[1] ?? '').replace(
        /\\([0-9a-fA-F]{1,6}) ?|\\([^])/g,
        (_w, hex: string | undefined, char: string | undefined) =>
          hex === undefined ? (char ?? '') : String.fromCodePoint(Number.parseInt(hex, 16) || 0xfffd),
      ),
    )
    .join('');
}

/** What Chromium shows as `.x::after`'s content under each sent CSS text that styles it. */
function shownByChromium(cssTexts: readonly string[]): string[] {
  const shown: string[] = [];
  for (const css of cssTexts) {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const doc = frame.contentDocument as Document;
    doc.body.innerHTML = '<p class="x"></p>';
    const style = doc.createElement('style');
    style.textContent = css;
    doc.head.append(style);
    const content = getComputedStyle(doc.querySelector('.x') as Element, '::after').content;
    if (content !== 'none' && content !== 'normal') shown.push(shownText(content));
    frame.remove();
  }
  return shown;
}

function ssnLeaks(outputs: readonly string[]): number[] {
  return [...revealedPositions(SSN, outputs, 3)].filter((i) => i < 5);
}

const CASES: { name: string; rule: string; leaks: (outputs: readonly string[]) => number[] }[] = [
  {
    name: 'a card whose groups are separated by \\A escapes in one string',
    rule: `.x::after{content:"${g.join('\\A ')}";white-space:pre}`,
    leaks: (o) => truncationLeaks(CARD, o),
  },
  {
    name: 'a card written as two strings of one content value',
    rule: `.x::after{content:"${g[0]} ${g[1]} " "${g[2]} ${g[3]}"}`,
    leaks: (o) => truncationLeaks(CARD, o),
  },
  {
    name: 'an SSN as two strings',
    rule: `.x::after{content:"${SSN.slice(0, 3)}-${SSN.slice(3, 5)}-" "${SSN.slice(5)}"}`,
    leaks: ssnLeaks,
  },
];

describe('CSS strings shown as one text (red team s12 F5)', () => {
  it('control: a card in one plain string is masked', async () => {
    const sent = await sentStrings(`<style>.x::after{content:"${g.join(' ')}"}</style><p class=x></p>`);
    expect(truncationLeaks(CARD, sent)).to.deep.equal([]);
    expect(truncationLeaks(CARD, shownByChromium(sent.filter((s) => s.includes('content'))))).to.deep.equal([]);
  });

  for (const { name, rule, leaks } of CASES) {
    it(name, async () => {
      // Control: Chromium shows the number from the page's own rule.
      expect(leaks(shownByChromium([rule]))).to.not.deep.equal([]);
      const sent = await sentStrings(`<style>${rule}</style><p class=x>text</p>`);
      const css = sent.filter((s) => s.includes('content'));
      expect(css.length).to.be.greaterThan(0);
      expect(leaks(sent), JSON.stringify(css)).to.deep.equal([]);
      const shown = shownByChromium(css);
      expect(shown.length).to.be.greaterThan(0);
      expect(leaks(shown), JSON.stringify(shown)).to.deep.equal([]);
    });
  }

  it('prices, dates, counters and an icon-font escape go out as written', async () => {
    const rules =
      `.price::after{content:"€1,299.00" " " "€2,598.00"}.date::after{content:"2026-12-05\\A 2026-12-06";white-space:pre}` +
      `.count::before{content:"Page " counter(page) " of 12"}.icon::before{content:"\\f101"}`;
    const sent = await sentStrings(`<style>${rules}</style><p class="price date count icon">x</p>`);
    expect(
      sent.some((s) => s.includes(rules)),
      JSON.stringify(sent.filter((s) => s.includes('content'))),
    ).to.equal(true);
  });
});
