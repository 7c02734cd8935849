// `[MASK_CSS_BASE_TREE=<dir>] node bench/mask-css-hostile.mjs [runs]`: maskCss (shared/mask-css.ts) on hostile and
// ordinary style sheets, in Node, this tree's and (side by side, alternating) another tree's; medians of `runs`
// (default 30) after warm-up, in ms. Sheets: 25,000 one-digit strings in one value (README limit 5: 70 -> 520 ms
// when 9787a3d read open runs), the same in a custom property, 20,000 strings of 9 digits in one value, 3,000
// icon-font rules, 3,000 custom properties holding numbers, 3,000 ::after rules with a number at an end, and a
// typical site sheet. A developer tool, not part of `npm run bench`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { root } from './compile.mjs';

async function load(tree) {
  const out = mkdtempSync(join(tmpdir(), 'mask-css-bench-'));
  await esbuild.build({
    entryPoints: { m: join(tree, 'shared', 'mask-css.ts') },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(join(out, 'm.mjs')).href)).maskCss;
}

const digits = (n, size) => Array.from({ length: n }, (_, i) => String((i * 7919) % 10 ** size).padStart(size, '1'));
const SHEETS = {
  'one-digit strings x25000': `.x::after{content:${digits(25_000, 1)
    .map((d) => `"${d}"`)
    .join(' ')}}`,
  'one-digit strings x25000 in --p': `:root{--p:${digits(25_000, 1)
    .map((d) => `"${d}"`)
    .join(' ')}}`,
  'nine-digit strings x20000': `.x::after{content:${digits(20_000, 9)
    .map((d) => `"${d}"`)
    .join(' ')}}`,
  'icon rules x3000': Array.from(
    { length: 3000 },
    (_, i) => `.i${i}::before{content:"\\f${(100 + i).toString(16)}"}`,
  ).join('\n'),
  'custom numbers x3000': Array.from({ length: 3000 }, (_, i) => `:root{--n${i}: "${4532 + i} ${1000 + i}"}`).join(
    '\n',
  ),
  'after numbers x3000': Array.from(
    { length: 3000 },
    (_, i) => `.a${i}::after{content:" ${1000 + i} ${2000 + i}"}`,
  ).join('\n'),
  'site sheet': Array.from(
    { length: 600 },
    (_, i) =>
      `.c${i} { color: hsl(${(i * 37) % 360} 40% 30%); margin: ${i % 5}px; line-height: 1.428571429 }\n.card.c${i % 7} .title::before { content: "\\2014 "; font-weight: ${400 + (i % 3) * 100}; }`,
  ).join('\n'),
};

function time(mask, css) {
  const start = performance.now();
  mask(css);
  return performance.now() - start;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const runs = Number(process.argv[2] ?? 30);
const trees = [['this', await load(root)]];
if (process.env.MASK_CSS_BASE_TREE) trees.push(['base', await load(process.env.MASK_CSS_BASE_TREE)]);
for (const [name, css] of Object.entries(SHEETS)) {
  const samples = new Map(trees.map(([tree]) => [tree, []]));
  for (const [, mask] of trees) for (let w = 0; w < 3; w++) mask(css);
  for (let r = 0; r < runs; r++)
    for (const [tree, mask] of r % 2 === 0 ? trees : [...trees].reverse()) samples.get(tree).push(time(mask, css));
  const line = trees.map(([tree]) => `${tree} ${median(samples.get(tree)).toFixed(1).padStart(8)} ms`).join('   ');
  console.log(`${name.padEnd(34)} ${(css.length / 1024).toFixed(0).padStart(5)} KB   ${line}`);
}
