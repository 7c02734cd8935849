/**
 * A card a page reveals in steps written over lines of several groups
 * (`4532 0196<br>7315 8241`, two groups per line; or one group then lines
 * of two), the block re-rendered at each step. Before, lines of several
 * groups were judged one by one, so the next line's steps went out until
 * the card passed Luhn (12 digits readable).
 * Oracle: the independent leak finder over every decoded string sent and the
 * reference mirror's text after every flush (every byte at every instant);
 * control: the same over what the page displayed. Then lists over lines that
 * stay readable: phone numbers and codes of two groups added a line at a
 * time, years two per line, dates and times, order numbers.
 */
import { expect } from '@open-wc/testing';
import { revealedPositions } from '../oracles/leak-finder.js';
import { runSteps, type Steps } from './helpers/step-capture.js';

const CARD = '4532019673158241';

const run = (page: Steps) => runSteps(page, (doc) => doc.body.innerText);

const byId = (doc: Document, id: string): HTMLElement => doc.getElementById(id) as HTMLElement;
/** Each of `htmls` as the innerHTML of #id, a step each. */
const rendered = (id: string, htmls: string[]) =>
  htmls.map((html) => (doc: Document) => {
    byId(doc, id).innerHTML = html;
  });
/** The card's digits typed one at a time into `shape` (# for a digit), the first `from` in the first view. */
function digitSteps(shape: string, from: number): string[] {
  const out: string[] = [];
  for (let n = from + 1; n <= CARD.length; n++) {
    let i = 0;
    let text = '';
    for (const c of shape) {
      if (c === '#') {
        if (i >= n) break;
        text += CARD[i++];
      } else text += c;
    }
    out.push(text.replace(/(<br>| )+$/, ''));
  }
  return out;
}

const leaks: Array<Steps & { mayShow: number }> = [
  {
    name: 'two groups per line, the block rewritten group by group',
    html: '<p>Card on file:</p><p id="n">4532</p>',
    steps: rendered('n', ['4532 0196', '4532 0196<br>7315', '4532 0196<br>7315 8241']),
    mayShow: 4,
  },
  {
    name: 'two groups per line, the container rewritten group by group',
    html: '<div id="box"><p>Card on file: <span>4532</span></p></div>',
    steps: rendered(
      'box',
      ['4532 0196', '4532 0196<br>7315', '4532 0196<br>7315 8241'].map((v) => `<p>Card on file: <span>${v}</span></p>`),
    ),
    mayShow: 4,
  },
  {
    name: 'two groups per line, a line appended, then its second group',
    html: '<p id="n">Card 4532 0196</p>',
    steps: [
      (doc) => byId(doc, 'n').append(doc.createElement('br'), '7315'),
      (doc) => ((byId(doc, 'n').lastChild as Text).data = '7315 8241'),
    ],
    mayShow: 8,
  },
  {
    name: 'one group, then lines of two groups',
    html: '<p id="n">4532</p>',
    steps: rendered('n', ['4532<br>0196 7315', '4532<br>0196 7315<br>8241']),
    mayShow: 4,
  },
  {
    name: 'two groups per line, the block rewritten digit by digit',
    html: '<p id="n">4</p>',
    steps: rendered('n', digitSteps('#### ####<br>#### ####', 1)),
    mayShow: 6,
  },
  {
    name: 'two groups per line written from the back, the block rewritten',
    html: '<p id="n">8241</p>',
    steps: rendered('n', ['7315 8241', '0196<br>7315 8241', '4532 0196<br>7315 8241']),
    mayShow: 4,
  },
];

describe('leak steps: a card over lines of several groups', () => {
  for (const page of leaks) {
    it(page.name, async () => {
      const { sent, displayed } = await run(page);
      const readable = [...revealedPositions(CARD, sent)].sort((a, b) => a - b);
      expect(readable.length, `readable ${readable.join(',')}`).to.be.at.most(page.mayShow);
      // Control: what the page displayed shows more.
      expect(revealedPositions(CARD, displayed).size).to.be.above(page.mayShow);
    });
  }
});

const SSN = '278415396';

/** The SSN's first 5 digits readable (3-digit windows, as leak-steps reads an SSN). */
const ssnFirstFive = (strings: readonly string[]): number[] =>
  [...revealedPositions(SSN, strings, 3)].filter((i) => i < 5).sort((a, b) => a - b);

describe('leak steps: an SSN written 3-2-4 a group per line (review s11 F5)', () => {
  it('the block rewritten group by group: no more of its first 5 than the first group', async () => {
    const { sent, displayed } = await run({
      name: 'ssn lines',
      html: '<p id="n">278</p>',
      steps: rendered('n', ['278<br>41', '278<br>41<br>5396']),
    });
    expect(ssnFirstFive(sent)).to.deep.equal([0, 1, 2]);
    // Control: what the page displayed reveals them.
    expect(ssnFirstFive(displayed)).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('the block rewritten digit by digit: not all of its first 5', async () => {
    const steps: string[] = [];
    for (let n = 2; n <= SSN.length; n++) {
      const digits = SSN.slice(0, n);
      steps.push([digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)].filter((g) => g !== '').join('<br>'));
    }
    const { sent, displayed } = await run({ name: 'ssn digits', html: '<p id="n">2</p>', steps: rendered('n', steps) });
    const readable = [...revealedPositions(SSN, sent, 3)].sort((a, b) => a - b);
    expect(ssnFirstFive(sent).length, `readable ${readable.join(',')}`).to.be.at.most(4);
    expect(ssnFirstFive(displayed)).to.deep.equal([0, 1, 2, 3, 4]);
  });
});

/** Steps whose sent strings must include each of `readable`, with no masked digit sent. */
const readables: Array<Steps & { readable: string[] }> = [
  {
    name: 'phone numbers of two groups of 4, the list re-rendered with a line more',
    html: '<p id="l">6123 4567</p>',
    steps: rendered('l', ['6123 4567<br>6234 5670', '6123 4567<br>6234 5670<br>6345 6781']),
    readable: ['6345 6781'],
  },
  {
    name: 'years two per line, one added at a time',
    html: '<p id="y">2022 2023</p>',
    steps: rendered('y', ['2022 2023<br>2024', '2022 2023<br>2024 2025']),
    readable: ['2024 2025'],
  },
  {
    name: 'dates and times one per line, re-rendered with a line more',
    html: '<p id="d">2026-12-05 10:30</p>',
    steps: rendered('d', [
      '2026-12-05 10:30<br>2026-12-06 11:45',
      '2026-12-05 10:30<br>2026-12-06 11:45<br>2026-12-07 09:15',
    ]),
    readable: ['2026-12-07 09:15'],
  },
  {
    name: 'order numbers one per line, re-rendered with a line more',
    html: '<p id="o">Order 10482211</p>',
    steps: rendered('o', ['Order 10482211<br>Order 10482212', 'Order 10482211<br>Order 10482212<br>Order 10482213']),
    readable: ['Order 10482213'],
  },
  {
    name: 'codes of two groups of 4 per line, each line added whole',
    html: '<p id="c">1357 2468</p>',
    steps: rendered('c', ['1357 2468<br>8642 9753', '1357 2468<br>8642 9753<br>1122 3344']),
    readable: ['1122 3344'],
  },
];

describe('leak steps: lists over lines that stay readable', () => {
  for (const page of readables) {
    it(page.name, async () => {
      const { sent } = await run(page);
      for (const want of page.readable)
        expect(
          sent.some((s) => s.includes(want)),
          `${want} in ${sent.slice(-6).join(' | ')}`,
        ).to.equal(true);
      expect(sent.filter((s) => s.includes('•'))).to.deep.equal([]);
    });
  }
});
