/**
 * Launches Debian's Chromium through playwright-core (Playwright's own browser
 * download cannot work on these machines). Each launch is its own browser
 * process with a fresh profile, so two launches behave like two computers.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const DEFAULT_CHROME_PATH = '/usr/bin/chromium';

/** Flags that keep headless Chromium quiet and offline on a shared 2-core box. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** The Chromium binary to use: $CHROME_PATH or /usr/bin/chromium; throws a clear error when missing. */
export function chromiumExecutablePath(): string {
  const path = process.env['CHROME_PATH'] ?? DEFAULT_CHROME_PATH;
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it (apt-get install -y chromium) or set CHROME_PATH to a Chromium/Chrome binary.`,
    );
  }
  return path;
}

export interface LaunchedChromium {
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** Closes the browser process and deletes its profile; safe to call twice. */
  close(): Promise<void>;
}

export interface LaunchChromiumOptions {
  /** Extra command-line flags after CHROMIUM_ARGS. */
  args?: readonly string[];
  /** Keep the back/forward cache a customer's Chrome has (Playwright launches Chromium with it disabled). */
  backForwardCache?: boolean;
}

/** Starts one headless Chromium process with a fresh user-data dir. */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  const executablePath = chromiumExecutablePath();
  const userDataDir = await mkdtemp(join(tmpdir(), 'cobrowse-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
      ...(options.backForwardCache ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {}),
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    context,
    newPage: () => context.newPage(),
    close: () => {
      closing ??= (async () => {
        await context.close().catch(() => undefined);
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return closing;
    },
  };
}
