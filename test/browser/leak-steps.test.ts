/**
 * A number a page assembles in steps, without the customer typing: a
 * script revealing a stored card number a few digits at a time, from the
 * front or from the back, by setting a text node's data, an element's
 * textContent, appending text nodes or <span>s, replacing innerHTML,
 * setting an input's value (and its value attribute, as React does) or a
 * title attribute, replacing the block itself or its container, writing it a group per line
 * (<br>), one step per frame or several
 * at once, beside other digits (a card count, an expiry date, a countdown
 * ticking at every step), with focus in another field from the second step
 * to the last, with a resync between two steps, the first step in the page
 * from the start (it goes out in the first snapshot) or shown after. The
 * oracle is the independent leak finder over every decoded string sent
 * (through the real codec) and the text of a reference mirror the frames
 * build (neighbouring text nodes read together), after every frame: no more digits than
 * the first step showed, or 6 (a step of 7 digits or more that grew out of
 * the last is masked), so from the front nothing beyond the PCI truncation;
 * from the back 4 (a step of 5 that grew at its front is masked).
 * Controls: the same oracle over what the page displayed reports the leak,
 * and the property fails with the rule off (GrowthWatch patched).
 * Then pages whose numbers change and must stay readable (counters,
 * clocks, prices, pagination, a phone number rendered over several nodes):
 * nothing sent is masked.
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { revealedPositions, truncationLeaks } from '../oracles/leak-finder.js';
import { cardDigitsDistinct, yearLines } from '../oracles/secret-arbitraries.js';
import { capturePage, nextFrames } from './helpers/capture-page.js';
import { GrowthWatch } from '../../client/capture/growth-watch.js';
import { decodedCapture } from './helpers/decoded-capture.js';
import { mirroredCapture, untilSent } from './helpers/step-capture.js';

const RUNS = Number(new URLSearchParams(location.search).get('runs') ?? 30);

type How =
  | 'data'
  | 'textContent'
  | 'append-text'
  | 'append-span'
  | 'innerHTML'
  | 'input-value'
  | 'title-attribute'
  | 'value-attribute'
  | 'block-innerHTML'
  | 'container-innerHTML'
  | 'br-lines';

/** Digits beside the number: none, a card count, an expiry date, a countdown ticking at every step. */
type Context = 'none' | 'count' | 'expiry' | 'countdown';

interface Reveal {
  digits: string;
  context?: Context;
  /** Focus in another field from the second step to the last (every digit then goes out strictly). */
  focusElsewhere?: boolean;
  /** A resync right after this step (none when undefined). */
  resyncAt?: number;
  /** The first step is in the page from the start: it goes out in the first snapshot. */
  inSnapshot?: boolean;
  separator: string;
  /** Digits shown at each step (growing), from the front or the back. */
  shown: number[];
  fromBack: boolean;
  how: How;
  /** Steps made in one go with the next (no frame between them; never the first, which must be seen alone). */
  together: boolean[];
}

const SEPARATORS = [' ', '-', '.', '\u00a0', ' - ', '/'];

const reveal: fc.Arbitrary<Reveal> = fc
  .record({
    digits: cardDigitsDistinct,
    separator: fc.constantFrom(...SEPARATORS),
    fromBack: fc.boolean(),
    first: fc.integer({ min: 1, max: 6 }),
    more: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
    how: fc.constantFrom<How>(
      'data',
      'textContent',
      'append-text',
      'append-span',
      'innerHTML',
      'input-value',
      'title-attribute',
      'value-attribute',
      'block-innerHTML',
      'container-innerHTML',
      'br-lines',
    ),
    together: fc.array(fc.boolean(), { maxLength: 10 }),
    context: fc.constantFrom<Context>('none', 'count', 'expiry', 'countdown'),
    focusElsewhere: fc.boolean(),
    resyncAt: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    inSnapshot: fc.boolean(),
  })
  .map(({ digits, separator, fromBack, first, more, how, together, context, focusElsewhere, resyncAt, inSnapshot }) => {
    // From the back, PCI lets the last 4 show: a first step of up to 4.
    const shown = [fromBack ? Math.min(first, 4) : first];
    for (const step of more) shown.push(Math.min(digits.length, (shown.at(-1) ?? 0) + step));
    if ((shown.at(-1) ?? 0) < digits.length) shown.push(digits.length);
    const steps = [...new Set(shown)];
    return { digits, separator, fromBack, shown: steps, how, together, context, focusElsewhere, resyncAt, inSnapshot };
  })
  // The expiry date's digits read as a window of the card would be the oracle's false alarm.
  .filter((r) => r.context !== 'expiry' || !r.digits.includes('1227'))
  // Two groups that are years counting by one, a group per line, read as a list of years (yearLines).
  .filter((r) => r.how !== 'br-lines' || !yearLines(r.digits));

/** The digits a step shows, written in groups of 4 as a card is, the groups cut where the step cuts. */
function stepText(r: Reveal, count: number): string {
  const part = r.fromBack ? r.digits.slice(r.digits.length - count) : r.digits.slice(0, count);
  const groups: string[] = [];
  // Groups aligned on the whole number, as a card display lays them out.
  const offset = r.fromBack ? r.digits.length - count : 0;
  let at = 0;
  while (at < part.length) {
    const end = Math.min(part.length, at + 4 - ((offset + at) % 4));
    groups.push(part.slice(at, end));
    at = end;
  }
  return groups.join(r.separator);
}

/** The block the number is shown in, with its context's digits (`step`: the countdown's tick). */
function block(r: Reveal, text: string, step: number): string {
  const count = r.context === 'count' ? '2 cards saved. ' : '';
  const countdown = r.context === 'countdown' ? `<span id="t">Hidden in 0:${String(59 - step)}</span> ` : '';
  return `<p>${countdown}${count}Saved card: <span id="card">${text}</span></p>`;
}

/** `text` written a group per line (groups of 4 of the whole number, cut where the step cuts). */
function lines(r: Reveal, text: string): string {
  return text.split(r.separator).join('<br>');
}

/** Makes the page show `text` (step `index`) the way the reveal says. */
function show(doc: Document, r: Reveal, text: string, previous: string, index: number): void {
  const box = doc.getElementById('card') as HTMLElement;
  const tick = doc.getElementById('t');
  if (tick !== null) tick.textContent = `Hidden in 0:${String(59 - index)}`;
  switch (r.how) {
    case 'block-innerHTML':
      (doc.getElementById('box') as HTMLElement).innerHTML = block(r, text, index);
      return;
    case 'container-innerHTML':
      (doc.getElementById('box') as HTMLElement).innerHTML = `<div class="card">${block(r, text, index)}</div>`;
      return;
    case 'data':
      if (box.firstChild === null) box.append(doc.createTextNode(''));
      (box.firstChild as Text).data = text;
      return;
    case 'textContent':
      box.textContent = text;
      return;
    case 'append-text':
    case 'append-span': {
      // The new digits only, joined to what is shown (before it when revealing from the back).
      const added = r.fromBack ? text.slice(0, text.length - previous.length) : text.slice(previous.length);
      const node = r.how === 'append-text' ? doc.createTextNode(added) : doc.createElement('span');
      if (r.how === 'append-span') node.textContent = added;
      if (r.fromBack) box.prepend(node);
      else box.append(node);
      return;
    }
    case 'innerHTML':
      box.innerHTML = text
        .split(r.separator)
        .map((group) => `<span>${group}</span>`)
        .join(r.separator === '\u00a0' ? '&nbsp;' : r.separator);
      return;
    case 'input-value':
      (doc.getElementById('saved') as HTMLInputElement).value = text;
      return;
    case 'br-lines':
      box.innerHTML = lines(r, text);
      return;
    case 'title-attribute':
      box.title = `Card ${text}`;
      return;
    case 'value-attribute': {
      // As React writes a controlled field: the property, then the attribute.
      const input = doc.getElementById('saved') as HTMLInputElement;
      input.value = text;
      input.setAttribute('value', text);
      return;
    }
  }
}

/**
 * The page: the block in a <div> (replaced by 'block-innerHTML', in a <div> of its own by 'container-innerHTML'), a field, and a chat box to focus; with
 * `inSnapshot`, showing the first step the way the reveal shows it.
 */
function pageHtml(r: Reveal): string {
  const expiry = r.context === 'expiry' ? '<div>Exp 12/27</div>' : '';
  const firstText = r.inSnapshot === true ? stepText(r, r.shown[0] ?? 0) : '';
  const first = (r.how === 'br-lines' ? lines(r, firstText) : firstText).replaceAll('\u00a0', '&nbsp;');
  const inField = r.how === 'input-value' || r.how === 'value-attribute';
  const inTitle = r.how === 'title-attribute';
  let box = block(r, inField || inTitle ? '' : first, 0);
  if (r.how === 'container-innerHTML') box = `<div class="card">${box}</div>`;
  if (inTitle && first !== '') box = box.replace('<span id="card">', `<span id="card" title="Card ${first}">`);
  const value = inField && first !== '' ? ` value="${first}"` : '';
  return `<!DOCTYPE html><html><head><title>Steps</title></head><body>${expiry}<div id="box">${box}</div>
<input id="saved" aria-label="Saved"${value}><input id="chat" aria-label="Chat"></body></html>`;
}

/** Runs one reveal under capture; the failures the oracle found after each frame. */
async function revealOnce(r: Reveal): Promise<{ failures: string[]; displayed: string[] }> {
  const page = await capturePage(pageHtml(r));
  const sent: string[] = [];
  const failures: string[] = [];
  // What the rule lets show: the first step, and steps of up to 6 digits (GROWTH_MIN_DIGITS - 1) before it;
  // from the back up to 4 (FROM_BACK_MIN_DIGITS - 1), but 6 for a card whose last group has 3 digits
  // (4-4-4-3: its last 5 or 6 are written as a count in thousands, 12 345).
  const back = r.digits.length % 4 === 3 ? 6 : 4;
  const mayShow = Math.max(r.fromBack ? back : 6, r.shown[0] ?? 0);
  const engine = mirroredCapture(page.win, sent);
  const displayed: string[] = [];
  try {
    await engine.start();
    await nextFrames(page.win, 1);
    let previous = '';
    for (const [i, count] of r.shown.entries()) {
      const text = stepText(r, count);
      const before = sent.length;
      if (i === 1 && r.focusElsewhere === true) (page.doc.getElementById('chat') as HTMLElement).focus();
      // The first step in the page from the start went out in the first snapshot.
      const shownNow = i > 0 || r.inSnapshot !== true;
      if (shownNow) show(page.doc, r, text, previous, i);
      displayed.push(text);
      previous = text;
      if (r.resyncAt === i) await engine.resync();
      else if (shownNow && (i === 0 || r.together[i] !== true)) await untilSent(page.win, sent, before);
      if (i === r.shown.length - 1 && r.focusElsewhere === true) {
        (page.doc.getElementById('chat') as HTMLElement).blur();
        await nextFrames(page.win, 3);
      }
      // From the front the first 6 may show (PCI DSS truncation); from the back, up to 6 of the last.
      const pci = r.fromBack ? [] : truncationLeaks(r.digits, sent);
      if (pci.length > 0) failures.push(`step ${i}: digits ${pci.join(',')} beyond PCI truncation`);
      const readable = [...revealedPositions(r.digits, sent)].sort((a, b) => a - b);
      if (readable.length > mayShow) failures.push(`step ${i}: digits ${readable.join(',')} readable`);
    }
    await nextFrames(page.win, 2);
  } finally {
    engine.stop();
    page.remove();
  }
  return { failures, displayed };
}

describe('leak steps: a number a page reveals in steps', () => {
  it(`shows no more than the first step, in ${RUNS} random reveals`, async function () {
    this.timeout(RUNS * 10_000);
    const result = await fc.check(
      fc.asyncProperty(reveal, async (r) => {
        const { failures } = await revealOnce(r);
        expect(failures, failures.join('\n')).to.deep.equal([]);
      }),
      { numRuns: RUNS, seed: Number(new URLSearchParams(location.search).get('seed') ?? Date.now() % 1_000_000) },
    );
    if (result.failed) {
      const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`seed ${result.seed}, counterexample ${JSON.stringify(result.counterexample)}: ${cause}`);
    }
  });

  it('found: cases random reveals met once in a few hundred to a few thousand (seeds 445424, 612061)', async () => {
    const found: Reveal[] = [
      // A digit in the label of a block the page re-renders whole: the label's own run ('2 cards saved. Saved
      // card: ', cut at its edge) replaced the block's memory of the run with the card, so the step after a
      // masked one was compared with the label alone and went out whole (12 digits for the plain card).
      {
        digits: '1000010011004',
        shown: [1, 2, 4, 5, 6, 7, 13],
        how: 'container-innerHTML',
        together: [false, true, true, true],
      },
      { digits: '4532019673158241', shown: [4, 8, 12, 16], how: 'block-innerHTML' },
      { digits: '4532019673158241', shown: [4, 8, 12, 16], how: 'container-innerHTML', fromBack: true },
      // The same label in the first snapshot: above the block's parent the snapshot kept the first run it saw, the
      // label's, so a resync's snapshot compared the 7-digit step with it (seed 612061 over 1,500 runs).
      {
        digits: '1000010100112',
        shown: [1, 2, 3, 7, 13],
        how: 'container-innerHTML',
        focusElsewhere: true,
        resyncAt: 3,
        inSnapshot: true,
      },
      // A 14-digit card a group per line from the back: '11<br>03' then '011<br>03', both lines cut, were two
      // numbers, so its last 5 showed.
      { digits: '10000101001103', shown: [1, 2, 4, 5, 14], how: 'br-lines', fromBack: true, context: 'none' },
    ].map((r) => ({ separator: ' ', fromBack: false, together: [], context: 'count', ...r }) as Reveal);
    for (const r of found) {
      const { failures, displayed } = await revealOnce(r);
      expect(failures, `${r.how}: ${failures.join('\n')}`).to.deep.equal([]);
      // Control: what the page displayed shows more than the rule lets show.
      expect(revealedPositions(r.digits, displayed).size).to.be.greaterThan(r.fromBack ? 4 : 6);
    }
  });

  it('control: with the growth rule off (GrowthWatch never sees growth), the property fails', async function () {
    this.timeout(20 * 10_000);
    const proto = GrowthWatch.prototype;
    const { textGrew, valueGrew, attributeGrew } = proto;
    proto.textGrew = () => false;
    proto.valueGrew = () => false;
    proto.attributeGrew = () => false;
    try {
      const result = await fc.check(
        fc.asyncProperty(reveal, async (r) => {
          const { failures } = await revealOnce(r);
          expect(failures, failures.join('\n')).to.deep.equal([]);
        }),
        { numRuns: 20, seed: 1, endOnFailure: true },
      );
      expect(result.failed, 'a leak found with the rule off').to.equal(true);
    } finally {
      Object.assign(proto, { textGrew, valueGrew, attributeGrew });
    }
  });

  it('control: the oracle reports the leak in what the page displayed', async () => {
    const r: Reveal = {
      digits: '4532019673158241',
      separator: ' ',
      shown: [4, 8, 12, 16],
      fromBack: false,
      how: 'textContent',
      together: [],
    };
    const { failures, displayed } = await revealOnce(r);
    expect(failures).to.deep.equal([]);
    expect(truncationLeaks(r.digits, displayed)).to.deep.equal([6, 7, 8, 9, 10, 11]);
  });
});

describe('leak steps: an SSN a page reveals group by group', () => {
  const SSN = ['278', '41', '5396'];
  for (const how of [
    'data',
    'textContent',
    'append-span',
    'innerHTML',
    'input-value',
    'title-attribute',
    'value-attribute',
  ] as const) {
    for (const fromBack of [false, true]) {
      it(`${how}, from the ${fromBack ? 'back' : 'front'}: no more of its first 5 digits than the first step`, async () => {
        const r: Reveal = { digits: SSN.join(''), separator: '-', shown: [], fromBack, how, together: [] };
        const steps = fromBack ? [SSN.slice(2), SSN.slice(1), SSN] : [SSN.slice(0, 1), SSN.slice(0, 2), SSN];
        const page = await capturePage(pageHtml(r));
        const sent: string[] = [];
        const engine = mirroredCapture(page.win, sent);
        const displayed: string[] = [];
        try {
          await engine.start();
          await nextFrames(page.win, 1);
          for (const groups of steps) {
            const text = groups.join('-');
            const before = sent.length;
            show(page.doc, r, text, displayed.at(-1) ?? '', displayed.length);
            displayed.push(text);
            await untilSent(page.win, sent, before);
          }
        } finally {
          engine.stop();
          page.remove();
        }
        const firstFive = (strings: string[]): number[] =>
          [...revealedPositions(r.digits, strings, 3)].filter((i) => i < 5).sort((a, b) => a - b);
        expect(firstFive(sent)).to.deep.equal(fromBack ? [] : [0, 1, 2]);
        // Control: what the page showed reveals them.
        expect(firstFive(displayed)).to.deep.equal([0, 1, 2, 3, 4]);
      });
    }
  }
});

interface Readable {
  name: string;
  html: string;
  steps: Array<(doc: Document) => void>;
}

const byId = (doc: Document, id: string): HTMLElement => doc.getElementById(id) as HTMLElement;

const readable: Readable[] = [
  {
    name: 'a timer 00:58 -> 00:59 -> 01:00',
    html: '<p>Offer ends in <span id="t">00:58</span></p>',
    steps: ['00:59', '01:00', '00:59:59', '01:00:00'].map((t) => (doc) => {
      byId(doc, 't').textContent = t;
    }),
  },
  {
    name: 'a counter 9 -> 99 -> 100 -> 1000 -> ... -> 10000000',
    html: '<p>Visitors: <b id="c">9</b></p>',
    steps: ['99', '100', '999', '1000', '9999', '10000', '999999', '1000000', '9999999', '10000000'].map(
      (n) => (doc) => {
        (byId(doc, 'c').firstChild as Text).data = n;
      },
    ),
  },
  {
    name: 'a counter in thousands 999,999 -> 1,000,000',
    html: '<p>Downloads <span id="c">999,998</span></p>',
    steps: ['999,999', '1,000,000', '1,000,001'].map((n) => (doc) => {
      byId(doc, 'c').textContent = n;
    }),
  },
  {
    name: 'a price change',
    html: '<p>Total <span id="p">€1,299.00</span> (<span id="q">1</span> item)</p>',
    steps: [
      (doc) => {
        byId(doc, 'p').textContent = '€2,598.00';
        byId(doc, 'q').textContent = '2';
      },
      (doc) => {
        byId(doc, 'p').textContent = '€12,990.00';
        byId(doc, 'q').textContent = '10';
      },
      (doc) => {
        byId(doc, 'p').textContent = '€129,900.00';
        byId(doc, 'q').textContent = '100';
      },
    ],
  },
  {
    name: 'pagination growing',
    html: '<nav><p id="pages"><a>1</a> <a>2</a> <a>3</a></p></nav>',
    steps: [4, 5, 6, 7, 8, 9, 10].map((n) => (doc) => {
      const a = doc.createElement('a');
      a.textContent = String(n);
      byId(doc, 'pages').append(' ', a);
    }),
  },
  {
    name: 'a phone number rendered over several nodes at once',
    html: '<p id="contact">Call</p>',
    steps: [
      (doc) => {
        const p = byId(doc, 'contact');
        p.textContent = 'Call ';
        for (const part of ['+44', ' 20', ' 7946', ' 0958'])
          p.append(Object.assign(doc.createElement('span'), { textContent: part }));
      },
    ],
  },
  {
    name: 'phone numbers added one per line',
    html: '<p id="list">555-0123</p>',
    steps: ['555-0188', '555-0134', '555-0161'].map((n) => (doc) => {
      byId(doc, 'list').append(doc.createElement('br'), n);
    }),
  },
  {
    name: 'a clock re-rendered with innerHTML',
    html: '<div id="clock"><span>23:58</span> <span>05/12/2026</span></div>',
    steps: ['23:59 05/12/2026', '00:00 06/12/2026', '00:01 06/12/2026'].map((t) => (doc) => {
      byId(doc, 'clock').innerHTML = t
        .split(' ')
        .map((part) => `<span>${part}</span>`)
        .join(' ');
    }),
  },
  {
    name: 'a date and time, seconds ticking',
    html: '<p>Updated <time id="d">2026-12-05 23:59</time> · qty <span>2</span></p>',
    steps: ['2026-12-06 00:00', '2026-12-06 00:01'].map((t) => (doc) => {
      byId(doc, 'd').textContent = t;
    }),
  },
  {
    name: 'a quantity field and an order number set by script',
    html: '<input id="qty" aria-label="Quantity" value="1"><input id="order" aria-label="Order">',
    steps: [
      (doc) => {
        (byId(doc, 'qty') as HTMLInputElement).value = '10';
        (byId(doc, 'order') as HTMLInputElement).value = 'A-1234';
      },
      (doc) => {
        (byId(doc, 'qty') as HTMLInputElement).value = '100';
        (byId(doc, 'order') as HTMLInputElement).value = 'A-1235';
      },
    ],
  },
  {
    name: 'text attributes sent in the snapshot, then changed: a progress bar, a clock, a price, pages, a phone, a date',
    html:
      '<div id="bar" role="progressbar" aria-valuenow="9" aria-valuetext="9 of 120" title="Updated 23:58"' +
      ' data-price="€1,299.00" data-count="999" data-pages="1 2 3" aria-label="Call 555-0123"' +
      ' data-when="12/05"></div><img id="item" alt="Item 12" src="data:,">' +
      '<input id="search" placeholder="e.g. 12" aria-label="Search">',
    steps: [
      {
        'aria-valuenow': '10',
        'aria-valuetext': '10 of 120',
        title: 'Updated 23:59',
        'data-price': '€2,598.00',
        'data-count': '1000',
        'data-pages': '1 2 3 4',
        'aria-label': 'Call 555-0123 or 555-0188',
        'data-when': '12/05 23:59',
      },
      {
        'aria-valuenow': '100',
        'aria-valuetext': '100 of 120',
        title: 'Updated 00:00',
        'data-price': '€12,990.00',
        'data-count': '1,000,000',
        'data-pages': '1 2 3 4 5 6 7 8 9 10',
        'aria-label': 'Call +44 20 7946 0958',
        'data-when': '12/05 23:59:01',
      },
    ].map((attributes) => (doc) => {
      for (const [name, value] of Object.entries(attributes)) byId(doc, 'bar').setAttribute(name, value);
      byId(doc, 'item').setAttribute('alt', `Item 1${attributes['aria-valuenow']}`);
      byId(doc, 'search').setAttribute('placeholder', `e.g. ${attributes['aria-valuenow']}`);
    }),
  },
  {
    name: 'blocks re-rendered by innerHTML of their parent, the first view in the snapshot',
    html:
      '<div id="b0"><p>Total <span>€1,299.00</span> (1 item)</p></div>' +
      '<div id="b1"><p>Page <a>1</a> <a>2</a> <a>3</a></p></div>' +
      '<div id="b2"><p>Call 555-0123</p></div>' +
      '<div id="b3"><p>Updated 12/05</p><p>Qty 2</p></div>' +
      '<div id="b4"><p><span>23:58</span> <span>05/12/2026</span></p></div>',
    steps: [
      [
        '<p>Total <span>€2,598.00</span> (2 items)</p>',
        '<p>Page <a>1</a> <a>2</a> <a>3</a> <a>4</a></p>',
        '<p>Call 555-0123<br>555-0188</p>',
        '<p>Updated 12/05 23:59</p><p>Qty 12</p>',
        '<p><span>23:59</span> <span>05/12/2026</span></p>',
      ],
      [
        '<p>Total <span>€12,990.00</span> (10 items)</p>',
        '<p>Page <a>1</a> <a>2</a> <a>3</a> <a>4</a> <a>5</a> <a>6</a> <a>7</a> <a>8</a> <a>9</a> <a>10</a></p>',
        '<p>Call 555-0123<br>555-0188<br>555-0134</p>',
        '<p>Updated 12/05 23:59:01</p><p>Qty 120</p>',
        '<p><span>00:00</span> <span>06/12/2026</span></p>',
      ],
    ].map((blocks) => (doc) => {
      for (const [i, html] of blocks.entries()) byId(doc, `b${i}`).innerHTML = html;
    }),
  },
  {
    name: 'a table body and a list of cards re-rendered two levels up, the first view in the snapshot',
    html:
      '<table><tbody id="rows"><tr><td>#120</td><td>2026-01-10</td><td>$5.00</td><td>Qty 2</td></tr></tbody></table>' +
      '<section id="cards"><div class="card"><p>Order 4821 · 2026-01-10</p><p>Total €1,299.00</p></div></section>',
    steps: [1, 2, 3].map((n) => (doc) => {
      const rows = Array.from(
        { length: n + 1 },
        (_, r) => `<tr><td>#12${r}</td><td>2026-01-1${r}</td><td>$${5 + r}.00</td><td>Qty ${2 + r}</td></tr>`,
      );
      byId(doc, 'rows').innerHTML = rows.join('');
      const cards = Array.from(
        { length: n + 1 },
        (_, c) => `<div class="card"><p>Order 482${c + 1} · 2026-01-1${c}</p><p>Total €${c + 1},299.00</p></div>`,
      );
      byId(doc, 'cards').innerHTML = cards.join('');
    }),
  },
];

describe('leak steps: numbers that change stay readable', () => {
  for (const page of readable) {
    it(page.name, async () => {
      const p = await capturePage(`<!DOCTYPE html><html><head><title>R</title></head><body>${page.html}</body></html>`);
      const sent: string[] = [];
      const engine = decodedCapture(p.win, sent);
      try {
        await engine.start();
        await nextFrames(p.win, 1);
        for (const step of page.steps) {
          const before = sent.length;
          step(p.doc);
          await untilSent(p.win, sent, before);
        }
        await nextFrames(p.win, 2);
      } finally {
        engine.stop();
        p.remove();
      }
      expect(sent.filter((s) => s.includes('•'))).to.deep.equal([]);
    });
  }
});
