/**
 * A capture for the step-reveal suites (leak-steps*.test.ts): every message
 * decoded through the real codec onto `sent`, and applied to a reference
 * mirror whose whole text goes onto `sent` too (digits in neighbouring text
 * nodes, each string too short for the leak finder alone, read together as
 * the agent sees them).
 */
import { CaptureEngine } from '../../../client/capture/capture-engine.js';
import { CaptureTestMirror } from './capture-mirror.js';
import { nextFrames } from './capture-page.js';
import { decodingSender } from './decoded-capture.js';

export function mirroredCapture(win: Window & typeof globalThis, sent: string[]): CaptureEngine {
  const decode = decodingSender(sent);
  const mirror = new CaptureTestMirror();
  return new CaptureEngine({
    window: win,
    send: (message) => {
      decode(message);
      mirror.apply(message);
      sent.push(mirror.text());
      return true;
    },
  });
}

/** Waits until the capture sent something after `count` strings (the step's frame), or 30 frames. */
export async function untilSent(win: Window, sent: readonly string[], count: number): Promise<void> {
  for (let frame = 0; frame < 30 && sent.length === count; frame++) await nextFrames(win, 1);
}
