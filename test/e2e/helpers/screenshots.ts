/**
 * Screenshots of end-to-end states for a person to look at. The committed PNG
 * in test/artifacts/ is written only when missing or with
 * UPDATE_SCREENSHOTS=1; otherwise the fresh shot goes to test/artifacts/diff/
 * (not committed), so an ordinary run leaves the work tree clean. These
 * states show times and durations, so they are not compared pixel by pixel
 * (browser tests do that for stable states: test/browser/helpers/screenshots.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export async function saveScreenshot(page: Page, path: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const committed = join(root, path);
  const target =
    process.env['UPDATE_SCREENSHOTS'] === '1' || !existsSync(committed)
      ? committed
      : join(root, 'test', 'artifacts', 'diff', basename(path).replace(/\.png$/, '.actual.png'));
  mkdirSync(dirname(target), { recursive: true });
  await page.screenshot({ path: target, fullPage: options.fullPage ?? false });
  return target;
}
