/**
 * A card or an SSN a page writes over the cells of a table row (a group per
 * <td>, or two), whole or filled in step by step (cells set one by one, the
 * row or the table body re-rendered). Before, a cell ended a run of text, so
 * each group went out alone and the agent's mirror showed the whole number.
 * Oracle: the independent leak finder over every decoded string sent and the
 * reference mirror's text after every flush (its cells' texts joined, as the
 * agent reads the row); control: the same over what the page displayed.
 * Then tables that stay readable: years as column heads, dates, phone
 * numbers, prices, order numbers and page numbers in cells.
 */
import { expect } from '@open-wc/testing';
import { revealedPositions } from '../oracles/leak-finder.js';
import { runSteps, type Steps } from './helpers/step-capture.js';

const CARD = '4532019673158241';
const SSN = '536218479';

const run = (page: Steps) => runSteps(page, (doc) => doc.body.textContent ?? '');

const byId = (doc: Document, id: string): HTMLElement => doc.getElementById(id) as HTMLElement;
const cells = (groups: string[], total: number): string =>
  Array.from({ length: total }, (_, i) => `<td>${groups[i] ?? ''}</td>`).join('');
/** A row (#r) re-rendered with the first n groups, a step each. */
const rowSteps = (id: string, groups: string[], from: number, total = groups.length) =>
  groups.slice(from).map((_, i) => (doc: Document) => {
    byId(doc, id).innerHTML = cells(groups.slice(0, from + i + 1), total);
  });

const CARD_GROUPS = ['4532', '0196', '7315', '8241'];
const SSN_GROUPS = ['536', '21', '8479'];

const leaks: Array<Steps & { secret: string; mayShow: number }> = [
  {
    name: 'a card a group per cell, in the first view',
    html: `<table><tr><th>Card</th>${cells(CARD_GROUPS, 4)}</tr></table>`,
    steps: [],
    secret: CARD,
    mayShow: 0,
  },
  {
    name: 'an SSN a group per cell, in the first view',
    html: `<table><tr><th>SSN</th>${cells(SSN_GROUPS, 3)}</tr></table>`,
    steps: [],
    secret: SSN,
    mayShow: 0,
  },
  {
    name: 'a card a group per cell, the row re-rendered a group at a time',
    html: `<table><tr id="r">${cells(CARD_GROUPS.slice(0, 1), 4)}</tr></table>`,
    steps: rowSteps('r', CARD_GROUPS, 1, 4),
    secret: CARD,
    mayShow: 4,
  },
  {
    name: 'a card a group per cell, the cells filled one by one',
    html: `<table><tr><td>4532</td><td id="c1"></td><td id="c2"></td><td id="c3"></td></tr></table>`,
    steps: ['0196', '7315', '8241'].map((group, i) => (doc: Document) => {
      byId(doc, `c${i + 1}`).textContent = group;
    }),
    secret: CARD,
    mayShow: 4,
  },
  {
    name: 'a card a group per cell, the table body re-rendered',
    html: `<table><tbody id="b"><tr>${cells(['4532'], 4)}</tr></tbody></table>`,
    steps: [2, 3, 4].map((n) => (doc: Document) => {
      byId(doc, 'b').innerHTML = `<tr>${cells(CARD_GROUPS.slice(0, n), 4)}</tr>`;
    }),
    secret: CARD,
    mayShow: 4,
  },
  {
    name: 'a card two groups per cell, the row re-rendered',
    html: '<table><tr id="r"><td>4532</td><td></td></tr></table>',
    steps: [
      '<td>4532 0196</td><td></td>',
      '<td>4532 0196</td><td>7315</td>',
      '<td>4532 0196</td><td>7315 8241</td>',
    ].map((html) => (doc: Document) => {
      byId(doc, 'r').innerHTML = html;
    }),
    secret: CARD,
    mayShow: 4,
  },
  {
    name: 'an SSN a group per cell, the row re-rendered a group at a time',
    html: `<table><tr id="r">${cells(SSN_GROUPS.slice(0, 1), 3)}</tr></table>`,
    steps: rowSteps('r', SSN_GROUPS, 1, 3),
    secret: SSN,
    mayShow: 0,
  },
];

describe('leak steps: a card or an SSN over the cells of a table row', () => {
  for (const page of leaks) {
    it(page.name, async () => {
      const { sent, displayed } = await run(page);
      const readable = [...revealedPositions(page.secret, sent)].sort((a, b) => a - b);
      expect(readable.length, `readable ${readable.join(',')}`).to.be.at.most(page.mayShow);
      // Control: what the page displayed shows more.
      expect(revealedPositions(page.secret, displayed).size).to.be.above(page.mayShow);
    });
  }
});

const readables: Array<Steps & { readable: string[] }> = [
  {
    name: 'years as column heads, dates, phone numbers, prices, order and page numbers in cells',
    html: `<table>
      <tr><th>2023</th><th>2024</th><th>2025</th><th>2026</th></tr>
      <tr><td>2026</td><td>12</td><td>05</td><td>10:30</td></tr>
      <tr><td>0800</td><td>123</td><td>4567</td></tr>
      <tr><td>1,299.00</td><td>2,598.00</td><td>3,897.00</td><td>5,196.00</td></tr>
      <tr><td>10482211</td><td>3</td><td>129</td></tr>
      <tr><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>6</td><td>7</td><td>8</td><td>9</td></tr>
    </table><table><tbody id="b"><tr><td>Order</td><td>10482211</td></tr></tbody></table>`,
    steps: [
      (doc) => {
        byId(doc, 'b').innerHTML = '<tr><td>Order</td><td>10482211</td></tr><tr><td>Order</td><td>10482212</td></tr>';
      },
    ],
    readable: ['2023', '2026', '10:30', '0800', '4567', '5,196.00', '10482211', '10482212', '129'],
  },
];

describe('leak steps: tables that stay readable', () => {
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

describe('leak steps: tables masked that you may not expect (README)', () => {
  it('bare 4-digit numbers gaining a cell of a row are masked', async () => {
    const { sent } = await run({
      name: 'prices without separators',
      html: '<table><tr id="r"><td>1299</td></tr></table>',
      steps: [
        (doc) => {
          byId(doc, 'r').innerHTML = '<td>1299</td><td>1499</td>';
        },
      ],
    });
    expect(sent.some((s) => s.includes('1499'))).to.equal(false);
  });
});
