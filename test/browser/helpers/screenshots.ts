/**
 * Visual comparison of a screenshot step with its committed PNG in
 * test/artifacts/. A change in look fails the test with the share of pixels
 * that differ; the fresh shot and a diff image are written to
 * test/artifacts/diff/. When the change is intended, look at them, then re-run
 * with UPDATE_SCREENSHOTS=1 and commit the new PNG.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from '@open-wc/testing';

export interface ScreenshotComparison {
  sameSize: boolean;
  expectedSize: string;
  actualSize: string;
  differentPixels: number;
  ratio: number;
}

export interface ScreenshotResult {
  bytes: number;
  saved: boolean;
  fits: boolean;
  comparison?: ScreenshotComparison;
}

interface ScreenshotPayload {
  path: string;
  selector?: string;
  compareWith?: string;
}

/** Share of pixels allowed to differ (anti-aliasing is already ignored by the comparison). */
export const DEFAULT_TOLERANCE = 0.005;

/** Takes the screenshot and compares it with the committed PNG (or `compareWith`) without asserting. */
export async function screenshot(payload: ScreenshotPayload): Promise<ScreenshotResult> {
  const result = await executeServerCommand<ScreenshotResult, ScreenshotPayload>('cobrowse-screenshot', payload);
  if (!result) throw new Error('the cobrowse-screenshot command is not registered');
  return result;
}

/** Asserts that the screenshot looks like the committed one, within `tolerance` of its pixels. */
export async function expectScreenshot(
  path: string,
  options: { selector?: string; tolerance?: number } = {},
): Promise<ScreenshotResult> {
  const result = await screenshot({ path, selector: options.selector });
  expect(result.fits, `${path}: ${result.bytes} bytes, over the size limit`).to.equal(true);
  if (result.saved) return result;
  const comparison = result.comparison!;
  const hint = 'see test/artifacts/diff/; if intended, re-run with UPDATE_SCREENSHOTS=1 and commit the PNG';
  expect(
    comparison.sameSize,
    `${path}: ${comparison.actualSize} instead of ${comparison.expectedSize} (${hint})`,
  ).to.equal(true);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  expect(
    comparison.ratio <= tolerance,
    `${path}: ${(comparison.ratio * 100).toFixed(2)} % of pixels differ (${comparison.differentPixels}), ` +
      `over ${(tolerance * 100).toFixed(2)} % (${hint})`,
  ).to.equal(true);
  return result;
}
