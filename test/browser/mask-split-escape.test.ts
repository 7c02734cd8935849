/**
 * Regression (leak-hunt seed 52919): an SSN in Arabic-Indic digits with
 * percent-encoded dashes, "١٣٧%2D٨٦%2D٠٥٠٩", split over sibling inline
 * elements with the cut inside an escape ("١٣٧%2" | "D٨٦%2D٠٥٠٩"), added
 * after the capture started. The "D" read as a letter ended the run, so the
 * second part was masked alone and ٨٦ left. Every frame the real capture
 * sends (through the real codec) is read by the independent leak finder.
 */
import { expect } from '@open-wc/testing';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { MessageDecoder } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { truncationLeaks } from '../oracles/leak-finder.js';
import { messageStrings } from '../oracles/message-strings.js';
import { capturePage, nextFrames } from './helpers/capture-page.js';

const SSN_TEXT = '١٣٧%2D٨٦%2D٠٥٠٩';
const SSN_DIGITS = '137860509';

/** Captures a page, then adds `parts` as alternating <span>/<b> in a <div> (and edits the last part); returns leaks found per frame. */
async function leaksOfLateSpans(parts: string[]): Promise<string[]> {
  const page = await capturePage('<!DOCTYPE html><html><body><div id="placed"></div></body></html>');
  const encoder = new MessageEncoder();
  const decoder = new MessageDecoder({ inflater: inflateStream });
  const sent: string[] = [];
  const failures: string[] = [];
  const engine = new CaptureEngine({
    window: page.win,
    send: (message: ChannelMessage) => {
      const result = decoder.decode(encoder.encode(message));
      if (!result.ok) failures.push(`undecodable ${message.t}`);
      else sent.push(...messageStrings(result.message));
      const leaks = truncationLeaks(SSN_DIGITS, sent);
      if (leaks.length > 0) failures.push(`digits ${leaks.join(',')} after a ${message.t} frame`);
      return true;
    },
  });
  try {
    await engine.start();
    const box = page.doc.createElement('div');
    for (const [i, part] of parts.entries())
      box.append(Object.assign(page.doc.createElement(i % 2 === 0 ? 'span' : 'b'), { textContent: part }));
    (page.doc.getElementById('placed') as HTMLElement).append(box);
    await nextFrames(page.win, 2);
    // The late path again: the last part's text changes (a sibling's neighbour must be masked with it).
    const last = box.lastElementChild?.firstChild as Text;
    last.data = `${last.data} `;
    await nextFrames(page.win, 2);
    expect(sent.length, 'frames were sent').to.be.greaterThan(0);
    return failures;
  } finally {
    engine.stop();
    page.remove();
  }
}

describe('masking: a number split inside a percent-escape over sibling elements, added late', () => {
  it('control: the leak finder reads the SSN middle group from the second part alone', () => {
    expect(truncationLeaks(SSN_DIGITS, ['D٨٦%2D٠٥٠٩'])).to.deep.equal([3, 4]);
  });

  it('sends no digit beyond the truncation rule in any frame, whatever the cut inside an escape', async () => {
    // Cuts inside the first "%2D" (after 3 digits) and the second (after ٨٦), as in seed 52919 (cut 5).
    for (const cut of [4, 5, 6, 9, 10, 11]) {
      const failures = await leaksOfLateSpans([SSN_TEXT.slice(0, cut), SSN_TEXT.slice(cut)]);
      expect(failures, `cut at ${cut}: ${failures.join('; ')}`).to.deep.equal([]);
    }
  });
});
