/**
 * The loader ships on every page of the integrator's site: it stays within
 * 12 KB min+gzip (issue #18), built the way scripts/build.mjs builds it, and
 * carries none of the UI a customer sees only once support offers to look
 * (that is the view module, fetched at the first offer).
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BROWSER_BUILD_OPTIONS } from '../../scripts/esbuild-aliases.mjs';

const root = join(import.meta.dirname, '..', '..');

async function build(entry: string): Promise<string> {
  const result = await esbuild.build({
    ...BROWSER_BUILD_OPTIONS,
    entryPoints: [join(root, entry)],
    bundle: true,
    minify: true,
    write: false,
    legalComments: 'none',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`no output for ${entry}`);
  return file.text;
}

describe('customer loader size', () => {
  it('is at most 12 KB min+gzip and holds none of the prompt, indicator or English wording', async () => {
    const loader = await build('client/cobrowse.ts');
    const gzip = gzipSync(loader, { level: 9 }).length;
    expect(gzip, `loader ${gzip} B min+gzip`).toBeLessThanOrEqual(12 * 1024);
    for (const shown of ['Allow sharing', 'End sharing', 'consent-title', '.indicator {'])
      expect(loader.includes(shown), shown).toBe(false);
    // Control: the view module does carry them, so the check above can fail.
    const view = await build('client/cobrowse-ui.ts');
    for (const shown of ['Allow sharing', 'End sharing', 'consent-title', '.indicator {'])
      expect(view.includes(shown), shown).toBe(true);
  });
});
