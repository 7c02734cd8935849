/**
 * A capture for the step-reveal suites (leak-steps*.test.ts): every message
 * decoded through the real codec onto `sent`, and applied to a reference
 * mirror whose whole text goes onto `sent` too (digits in neighbouring text
 * nodes, each string too short for the leak finder alone, read together as
 * the agent sees them).
 */
import { CaptureEngine } from '../../../client/capture/capture-engine.js';
import { CaptureTestMirror } from './capture-mirror.js';
import { capturePage, nextFrames } from './capture-page.js';
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

/** A page and the steps that change it, a flush each. */
export interface Steps {
  name: string;
  html: string;
  steps: Array<(doc: Document, engine: CaptureEngine) => void | Promise<void>>;
  /** The first step runs right after the first snapshot, before any flush. */
  early?: true;
}

/**
 * Runs the steps under capture, a flush each; what was sent, and what the page displayed (as `display` reads it)
 * first and after each step.
 */
export async function runSteps(
  page: Steps,
  display: (doc: Document) => string,
): Promise<{ sent: string[]; displayed: string[] }> {
  const p = await capturePage(`<!DOCTYPE html><html><head><title>S</title></head><body>${page.html}</body></html>`);
  const sent: string[] = [];
  const displayed: string[] = [];
  const engine = mirroredCapture(p.win, sent);
  try {
    await engine.start();
    if (page.early !== true) await nextFrames(p.win, 1);
    displayed.push(display(p.doc));
    for (const step of page.steps) {
      const before = sent.length;
      await step(p.doc, engine);
      displayed.push(display(p.doc));
      await untilSent(p.win, sent, before);
    }
    await nextFrames(p.win, 3);
  } finally {
    engine.stop();
    p.remove();
  }
  return { sent, displayed };
}
