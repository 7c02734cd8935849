/**
 * The CSS masking reads any page's stylesheets on the customer's main thread when sharing starts: no sheet may
 * make it run for long (review s13 C1: a run of empty comments between two strings backtracked exponentially,
 * 24 comments 0.9 s, each two more x4; the gap allows 63). The mask runs in a worker the test can stop: a sheet
 * that hangs it fails the test instead of hanging the run. The deadline is a hang detector (the fixed pattern
 * takes well under a millisecond for 63 comments), not a speed target: those live in `npm run bench`.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskCss } from '../../shared/mask-css.js';

const root = join(import.meta.dirname, '..', '..');
const HANG_MS = 20_000;
let bundle = '';

beforeAll(async () => {
  const result = await esbuild.build({
    entryPoints: [join(root, 'shared', 'mask-css.ts')],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    globalName: 'maskCssModule',
    logLevel: 'warning',
  });
  bundle = result.outputFiles[0]?.text ?? '';
});

/** Masks `css` in a worker; 'hung' when it is still running after HANG_MS (the worker is then stopped). */
function maskInWorker(css: string): Promise<string> {
  const source = `const module = { exports: {} };\n${bundle}\nconst { parentPort, workerData } = require('node:worker_threads');\nparentPort.postMessage(module.exports.maskCss(workerData).text);`;
  const worker = new Worker(source, { eval: true, workerData: css });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void worker.terminate().then(() => resolve('hung')), HANG_MS);
    worker.once('message', (text: string) => {
      clearTimeout(timer);
      void worker.terminate().then(() => resolve(text));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const commentRun = (count: number): string =>
  `.a::after{content:"4111 1111" ${'/**/'.repeat(count)};}.b::after{content:"1111 1111"}`;

describe('CSS masking on hostile sheets', () => {
  it('finishes on a run of 55 empty comments between two strings, as on any other sheet', async () => {
    const css = commentRun(55);
    // Within the reach of one value (MAX_GAP, 256): the whole gap is read by the joining pattern.
    expect(css.indexOf('"1111 1111"') - css.indexOf('" ')).toBeLessThan(256);
    const out = await maskInWorker(css);
    expect(out).not.toBe('hung');
    // The worker ran the same masking as the page does.
    expect(out).toBe(maskCss(css).text);
  }, 60_000);

  it('finishes on escapes that could be read several ways, and on comments never closed (review s15 H4 reader)', async () => {
    // Each `\\aaaaaa` could be 1-6 hex digits plus letters if the name pattern allowed it: 6^n ways, no colon.
    for (const css of [
      `.a{x\\${'\\aaaaaa'.repeat(40)}}`,
      `.a{counter-reset${' /*'.repeat(2_000)} a 45320151}`,
      `.a::after{content:"\\f101"} ${'b\\61 '.repeat(3_000)}`,
      `${'@a'.repeat(50_000)}{}`,
      `@counter-style c{symbols: ${'_1 "'.repeat(20_000)}}`,
    ]) {
      const out = await maskInWorker(css);
      expect(out).not.toBe('hung');
      expect(out).toBe(maskCss(css).text);
    }
  }, 60_000);

  it('still joins strings across comments of every shape (same answers as the lazy pattern)', () => {
    for (const gap of ['/* a */', '/***/', '/* a **/', '/* * / */', '/**//* b */', ' /*x*/ \n ', 'counter(c) /**/']) {
      const out = maskCss(`.c::after{content:"4111 1111 " ${gap} "1111 1111"}`).text;
      expect(out, gap).not.toMatch(/4111 1111 .*1111 1111/s);
      expect(out, gap).toContain('•');
    }
    // Control: a ';' ends the value, so the strings are read apart and neither half is a card number (in a
    // property whose strings are not shown beside the page's text: generated content's edges are open).
    expect(maskCss('.c{font-family:"4111 1111 " /* a */ ;}.d{font-family:"1111 1111"}').text).toContain('4111 1111');
  });
});
