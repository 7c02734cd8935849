/**
 * Property-based leak hunt in real Chromium: fast-check builds random pages
 * that place random card numbers and SSNs (random separators, digit scripts
 * and encodings) in text split at random points over text nodes and inline
 * elements, in attributes, CSS and URLs, before the capture starts or after;
 * then random typing sequences with real keystrokes (insertions, deletions,
 * pastes, caret moves) into one of five kinds of field. After every frame
 * the capture sends (through the real codec), the independent leak finder
 * reads everything sent so far.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import fc from 'fast-check';
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import { MessageDecoder } from '../../shared/codec.js';
import { MessageEncoder } from '../../shared/message-encoder.js';
import { inflateStream } from '../../shared/inflate-stream.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { truncationLeaks } from '../oracles/leak-finder.js';
import { messageStrings } from '../oracles/message-strings.js';
import { prose, secret, splitAt, type Secret } from '../oracles/secret-arbitraries.js';
import { capturePage, nextFrames } from './helpers/capture-page.js';

const RUNS = 12;

type Where =
  | 'text-split'
  | 'spans'
  | 'attribute'
  | 'css-content'
  | 'css-selector'
  | 'inline-style'
  | 'href'
  | 'title'
  | 'image-url';
interface Placement {
  secret: Secret;
  where: Where;
  cuts: number[];
  late: boolean;
}
type FieldKind = 'input' | 'textarea' | 'contenteditable' | 'shadow' | 'iframe';
type Action = { kind: 'type'; text: string } | { kind: 'paste'; text: string } | { kind: 'key'; key: string };

const placement: fc.Arbitrary<Placement> = fc.record({
  secret,
  where: fc.constantFrom<Where>(
    'text-split',
    'spans',
    'attribute',
    'css-content',
    'css-selector',
    'inline-style',
    'href',
    'title',
  ),
  cuts: fc.array(fc.nat(40), { maxLength: 3 }),
  late: fc.boolean(),
});

/**
 * Edits between chunks that leave the typed text as it was: a wrong key and
 * Backspace, the caret away and back, a key typed in the middle and removed.
 */
const edit = fc.oneof(
  fc.constantFrom('x', '7', ' ', '-').map((key): Action[] => [
    { kind: 'type', text: key },
    { kind: 'key', key: 'Backspace' },
  ]),
  fc.constantFrom<Action[]>(
    [
      { kind: 'key', key: 'ArrowLeft' },
      { kind: 'key', key: 'ArrowRight' },
    ],
    [
      { kind: 'key', key: 'Home' },
      { kind: 'key', key: 'End' },
    ],
    [
      { kind: 'key', key: 'ArrowLeft' },
      { kind: 'type', text: '#' },
      { kind: 'key', key: 'Backspace' },
      { kind: 'key', key: 'End' },
    ],
  ),
  fc.constant<Action[]>([]),
);

/** Typing prose, then a secret in chunks (typed or pasted) with edits between them, then prose. */
const typing = fc
  .tuple(
    secret,
    prose,
    prose,
    fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }),
    fc.array(edit, { maxLength: 6 }),
    fc.boolean(),
    fc.constantFrom<FieldKind>('input', 'textarea', 'contenteditable', 'shadow', 'iframe'),
  )
  .map(([typed, before, after, sizes, edits, paste, field]) => {
    const actions: Action[] = [];
    if (before !== '') actions.push({ kind: 'type', text: `${before} ` });
    let at = 0;
    for (const [i, size] of sizes.entries()) {
      if (at >= typed.text.length) break;
      const text = typed.text.slice(at, at + size);
      actions.push(paste && i === 0 ? { kind: 'paste', text } : { kind: 'type', text });
      at += size;
      actions.push(...(edits[i] ?? []));
    }
    if (at < typed.text.length) actions.push({ kind: 'type', text: typed.text.slice(at) });
    if (after !== '') actions.push({ kind: 'type', text: ` ${after}` });
    return { typed, actions, field };
  });

/** Puts one secret on the page where the placement says. */
function place(doc: Document, p: Placement): void {
  const text = p.secret.text;
  const host = doc.getElementById('placed') as HTMLElement;
  switch (p.where) {
    case 'text-split': {
      const para = doc.createElement('p');
      para.append(...splitAt(`Card ${text} on file`, p.cuts).map((part) => doc.createTextNode(part)));
      host.append(para);
      return;
    }
    case 'spans': {
      const box = doc.createElement('div');
      for (const [i, part] of splitAt(text, p.cuts).entries())
        box.append(Object.assign(doc.createElement(i % 2 === 0 ? 'span' : 'b'), { textContent: part }));
      host.append(box);
      return;
    }
    case 'attribute':
      host.append(Object.assign(doc.createElement('div'), { title: `Number ${text}` }));
      host.lastElementChild?.setAttribute('data-number', text);
      return;
    case 'css-content':
    case 'css-selector': {
      const style = doc.createElement('style');
      const quoted = text.replace(/["\\]/g, '\\$&');
      style.textContent =
        p.where === 'css-content' ? `#placed::after { content: "${quoted}"; }` : `[data-x="${quoted}"] { color: red; }`;
      doc.head.append(style);
      if (p.cuts.length > 0) style.sheet?.insertRule(`.late::before { content: "${quoted}"; }`);
      return;
    }
    case 'inline-style':
      host.append(Object.assign(doc.createElement('span'), { textContent: 'styled' }));
      host.lastElementChild?.setAttribute('style', `--note: "${text.replace(/["\\]/g, '\\$&')}"; color: blue`);
      return;
    case 'href':
      host.append(
        Object.assign(doc.createElement('a'), {
          href: `/pay?card=${encodeURIComponent(decodeURIComponent(text))}#n=${encodeURIComponent(decodeURIComponent(text))}`,
          textContent: 'link',
        }),
      );
      return;
    case 'title':
      doc.title = `Order for ${text}`;
      return;
    case 'image-url':
      // Resource URLs keep numbers that fail Luhn (numeric CDN paths must load): used by the control only.
      host.append(Object.assign(doc.createElement('img'), { src: `/img/${text}.png`, alt: '' }));
      return;
  }
}

const PAGE = `<!DOCTYPE html><html><head><title>Hunt</title></head><body>
<div id="placed"></div>
<input id="input" aria-label="Search"><textarea id="textarea" aria-label="Comment"></textarea>
<div id="contenteditable" contenteditable="true"></div><div id="host"></div>
<iframe id="frame" srcdoc="<input id=inner aria-label=Note>"></iframe>
<button id="away">Done</button></body></html>`;

async function huntOnce(
  placements: Placement[],
  typed: Secret,
  actions: Action[],
  fieldKind: FieldKind,
): Promise<string[]> {
  const page = await capturePage(PAGE);
  const engine = { current: null as CaptureEngine | null };
  try {
    const { doc, win } = page;
    const frameEl = doc.getElementById('frame') as HTMLIFrameElement;
    if (frameEl.contentDocument?.getElementById('inner') == null)
      await new Promise((resolve) => frameEl.addEventListener('load', resolve, { once: true }));
    const shadow = (doc.getElementById('host') as HTMLElement).attachShadow({ mode: 'open' });
    shadow.innerHTML = '<input id="shadow-field" aria-label="Message">';
    for (const p of placements) if (!p.late) place(doc, p);

    const secrets = [typed, ...placements.map((p) => p.secret)];
    // Node lists' strings on their side streams from the first message (the product starts them after 8 KiB),
    // so the scan below reads what the decoder took from every stream.
    const encoder = new MessageEncoder({ sideStreamsAfterBytes: 0 });
    const decoder = new MessageDecoder({ inflater: inflateStream });
    const sent: string[] = [];
    const failures: string[] = [];
    engine.current = new CaptureEngine({
      window: win,
      send: (message: ChannelMessage) => {
        const result = decoder.decode(encoder.encode(message));
        if (!result.ok) {
          failures.push(`undecodable ${message.t}`);
          return true;
        }
        // The test server's origin is left out: its port (8000) is digits too, and an SSN holding 8000 was
        // reported read from every absolute URL (seed 582265: "100 80 0000", digits 3-4).
        sent.push(...messageStrings(result.message).map((s) => s.replaceAll(location.origin, 'ORIGIN')));
        // After every frame: everything sent so far, read together.
        for (const s of secrets) {
          const leaks = truncationLeaks(s.digits, sent);
          if (leaks.length > 0) failures.push(`${s.text} (digits ${leaks.join(',')}) after a ${message.t} frame`);
        }
        return true;
      },
    });
    await engine.current.start();
    for (const p of placements) if (p.late) place(doc, p);
    await nextFrames(win, 2);

    const field =
      fieldKind === 'shadow'
        ? (shadow.getElementById('shadow-field') as HTMLElement)
        : fieldKind === 'iframe'
          ? (frameEl.contentDocument?.getElementById('inner') as HTMLElement)
          : (doc.getElementById(fieldKind) as HTMLElement);
    field.focus();
    for (const action of actions) {
      if (action.kind === 'key') await sendKeys({ press: action.key });
      else if (action.kind === 'paste') {
        // One input event with the whole chunk, as a paste makes.
        const owner = field.ownerDocument;
        if (!owner.execCommand('insertText', false, action.text)) await sendKeys({ type: action.text });
      } else await sendKeys({ type: action.text });
      await nextFrames(win, 1);
    }
    // The keys make the typed secret only where the caret goes where the generator expects. In a left-to-right
    // field, Arabic-Indic digit groups with spaces between them form a right-to-left run, and End goes to its
    // visual end, in the middle of the text (seed 269777: "٨٩ ٧", End, "٨ ٨٧ ٧١ ٩" made "٨٩٨ ٨٧ ٧١ ٩ ٧").
    // Then the secret was never on the page: digits its number shares with the field's are not its leak.
    const holds = 'value' in field ? String(field.value) : (field.textContent ?? '');
    (doc.getElementById('away') as HTMLElement).focus();
    await nextFrames(win, 3);
    // Spaces compared as spaces (an editor writes some as no-break spaces).
    const spaced = (text: string): string => text.replace(/\s/g, ' ');
    if (!spaced(holds).includes(spaced(typed.text)))
      return failures.filter((failure) => !failure.startsWith(`${typed.text} (`));
    return failures;
  } finally {
    engine.current?.stop();
    page.remove();
  }
}

describe('leak hunt: random pages and random typing, checked after every frame', () => {
  it(`finds no digit of a card or SSN beyond the truncation rule in ${RUNS} random runs`, async function () {
    this.timeout(RUNS * 15_000);
    const result = await fc.check(
      fc.asyncProperty(
        fc.array(placement, { minLength: 1, maxLength: 4 }),
        typing,
        async (placements, { typed, actions, field }) => {
          const failures = await huntOnce(placements, typed, actions, field);
          expect(failures, failures.join('\n')).to.deep.equal([]);
        },
      ),
      { numRuns: RUNS, seed: Number(new URLSearchParams(location.search).get('seed') ?? Date.now() % 1_000_000) },
    );
    if (result.failed) {
      // The leak itself, not only fast-check's summary: a timing-dependent case may not shrink the same way twice.
      const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`seed ${result.seed}, counterexample ${JSON.stringify(result.counterexample)}: ${cause}`);
    }
  });

  it('control: the hunt reports a number that goes out (one the rule deliberately keeps: a non-Luhn number in an image URL)', async () => {
    const kept: Secret = { digits: '4532019673158242', text: '4532019673158242' };
    const failures = await huntOnce(
      [{ secret: kept, where: 'image-url', cuts: [], late: true }],
      { digits: '278415396', text: '278-41-5396' },
      [{ kind: 'type', text: 'ssn 278-41-5396' }],
      'input',
    );
    expect(failures.some((failure) => failure.startsWith('4532019673158242'))).to.equal(true);
    expect(failures.filter((failure) => failure.startsWith('278-41-5396'))).to.deep.equal([]);
  });
});
