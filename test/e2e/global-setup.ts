/** The end-to-end tests serve the real browser bundles: build them unless `npm test` just did. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export default async function setup(): Promise<void> {
  const root = join(import.meta.dirname, '..', '..');
  const info = join(root, 'dist', 'build-info.json');
  const fresh =
    existsSync(info) && Date.now() - statSync(info).mtimeMs < 10 * 60 * 1000 && process.env['E2E_REBUILD'] !== '1';
  if (fresh) return;
  const { buildAll } = (await import(join(root, 'scripts', 'build.mjs'))) as { buildAll: () => Promise<unknown> };
  await buildAll();
}
