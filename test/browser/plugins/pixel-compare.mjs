// `executeServerCommand('cobrowse-compare-pixels', { a, b, threshold? })`: screenshots two
// elements with Playwright (each `{ frames: [iframe selectors, outermost first], selector, clip? }`;
// `clip`: `{ x, y, width, height }` inside the element's box, for a part of it)
// and compares them with pixelmatch. An oracle outside the code under test: what Chromium
// painted, not what the mirror says it drew. Returns { width, height, differentPixels }, or
// { error } when the elements differ in size or are missing.
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

function locate(page, target) {
  let scope = page;
  for (const frame of target.frames ?? []) scope = scope.frameLocator(frame);
  return scope.locator(target.selector).first();
}

async function shoot(page, target) {
  const options = { type: 'png', animations: 'disabled', caret: 'initial', timeout: 5_000 };
  const element = locate(page, target);
  if (!target.clip) return element.screenshot(options);
  const box = await element.boundingBox({ timeout: 5_000 });
  if (box === null) throw new Error('not visible');
  const { x, y, width, height } = target.clip;
  return page.screenshot({ ...options, clip: { x: box.x + x, y: box.y + y, width, height } });
}

export function pixelCompareCommand() {
  return {
    name: 'cobrowse-compare-pixels',
    async executeCommand({ command, payload, session }) {
      if (command !== 'cobrowse-compare-pixels') return undefined;
      const page = session.browser.getPage(session.id);
      const shots = [];
      for (const target of [payload.a, payload.b]) {
        try {
          shots.push(PNG.sync.read(await shoot(page, target)));
        } catch (error) {
          return {
            error: `cannot screenshot ${target.selector}: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
      }
      const [a, b] = shots;
      if (a.width !== b.width || a.height !== b.height)
        return {
          error: `sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`,
          width: a.width,
          height: a.height,
        };
      const differentPixels = pixelmatch(a.data, b.data, null, a.width, a.height, {
        threshold: payload.threshold ?? 0.1,
      });
      return { width: a.width, height: a.height, differentPixels };
    },
  };
}
