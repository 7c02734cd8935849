/**
 * The leak-css-* tests' oracle: what Chromium itself lays out in the mirror
 * (or, as their control, in the customer's page), read over CDP DOMSnapshot
 * by the `cobrowse-layout-text` command, and the independent leak finder's
 * verdict on a card's or SSN's digits in those texts. Nothing here uses the
 * product's masking code.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { revealedPositions, truncationLeaks } from '../../oracles/leak-finder.js';
import { loadCustomerPage, Pipeline } from './pipeline-harness.js';

interface DocumentText {
  url: string;
  texts: string[];
  /** The texts joined in rendering order (pseudo-elements in place). */
  shown: string;
}

/**
 * Every layout text Chromium shows in one side (the other one hidden
 * meanwhile); with `joined`, each document's texts joined in rendering order
 * too, for a number split between neighbouring layout objects.
 */
export async function layoutText(pipeline: Pipeline, side: 'customer' | 'mirror', joined = false): Promise<string[]> {
  const hidden = side === 'mirror' ? pipeline.customer.frame : pipeline.container;
  hidden.style.display = 'none';
  try {
    const docs = (await executeServerCommand('cobrowse-layout-text')) as DocumentText[];
    return docs.flatMap((doc) => (joined ? [...doc.texts, doc.shown] : doc.texts));
  } finally {
    hidden.style.display = '';
  }
}

/** The positions of a card's (or, for 9 digits, an SSN's first five) digits the outputs reveal. */
export function digitLeaks(digits: string, outputs: readonly string[]): number[] {
  return digits.length === 9
    ? [...revealedPositions(digits, outputs, 3)].filter((i) => i < 5)
    : truncationLeaks(digits, outputs);
}

/** `text` as a double-quoted CSS string. */
export function cssString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\A ')}"`;
}

/** A customer page for layoutOf: its HTML, and what it changes once the mirror has it. */
export interface LayoutPage {
  html: string;
  late: (doc: Document) => void;
}

/** Captures `page` through the pipeline, runs its `late` once the mirror has it; the layout text of both sides, joined. */
export async function layoutOf(page: LayoutPage): Promise<{ page: string[]; mirror: string[] }> {
  const pipeline = new Pipeline(await loadCustomerPage(page.html));
  try {
    await pipeline.start();
    page.late(pipeline.customer.doc);
    await pipeline.settle(3);
    return { page: await layoutText(pipeline, 'customer', true), mirror: await layoutText(pipeline, 'mirror', true) };
  } finally {
    pipeline.dispose();
  }
}
