/**
 * Remote `navigate: back / forward` obeys the navigation rule (review s12 F7):
 * the customer's tab never leaves the site for the one it came from. Real
 * Chromium and WebRTC, the Node SDK as the agent, the demo shop served on two
 * origins (127.0.0.1 and localhost, the same server). Control: a step back
 * within the site is taken.
 */
import { describe, expect, it } from 'vitest';
import type { ActionError, AgentSdkSession } from '../../sdk/index.js';
import { demoSdkSuite, type SharedWithControl } from './helpers/demo-sdk.js';

const suite = demoSdkSuite();

/** The customer's tab went to each of `before`, then to `path` on the server's origin, and shares it with control. */
function shared(before: string[], path: string): Promise<SharedWithControl> {
  return suite.shareWithControl(path, { before });
}

function refusal(session: AgentSdkSession): Promise<string> {
  return new Promise((resolve) => {
    const off = session.on('error', (error: ActionError) => {
      off();
      resolve(error.code);
    });
  });
}

describe('remote history navigation', () => {
  it('back from the site’s first page (the customer came from another site) is refused; the tab stays', async () => {
    const elsewhere = suite.server.baseUrl.replace('127.0.0.1', 'localhost') + '/demo/';
    const { page, session } = await shared([elsewhere], '/demo/checkout');
    const refused = refusal(session);
    session.navigate('back');
    expect(await refused).toBe('cross-origin');
    expect(page.url()).toBe(`${suite.server.baseUrl}/demo/checkout`);
    // Forward from the last entry: nothing there, refused too.
    const again = refusal(session);
    session.navigate('forward');
    expect(await again).toBe('cross-origin');
  }, 90_000);

  it('control: back within the site is taken', async () => {
    const { page, session } = await shared([`${suite.server.baseUrl}/demo/`], '/demo/checkout');
    session.navigate('back');
    await page.waitForURL(`${suite.server.baseUrl}/demo/`);
  }, 90_000);
});
