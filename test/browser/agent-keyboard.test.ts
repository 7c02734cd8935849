/**
 * <cobrowse-agent-view>'s toolbar from the keyboard: every button is reached
 * with Tab and has an accessible name, and aria-pressed follows the active
 * tool, before and while the agent holds control.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { liveAgentHooks, grantControl } from './helpers/agent-live.js';
import {
  accessibleName,
  agentShadow,
  buttonNamed,
  toolbarButtons,
  type CobrowseAgentView,
} from './helpers/agent-view.js';

const TOOLS = ['Pointer', 'Highlight', 'Draw', 'Arrow'];

/** Tab from the button before the view until focus leaves the toolbar; the names of what got focus. */
async function tabThroughToolbar(view: CobrowseAgentView): Promise<string[]> {
  const before = view.parentElement?.querySelector<HTMLButtonElement>('#before-view');
  if (!before) throw new Error('no button before the view');
  before.focus();
  const reached: string[] = [];
  for (let i = 0; i < 20; i++) {
    await sendKeys({ press: 'Tab' });
    const active = agentShadow(view).activeElement;
    if (!active || !active.closest('[role="toolbar"]')) {
      if (reached.length > 0) break;
      continue;
    }
    reached.push(accessibleName(active as HTMLButtonElement));
  }
  return reached;
}

const pressed = (view: CobrowseAgentView): string[] =>
  toolbarButtons(view)
    .filter((b) => b.getAttribute('aria-pressed') === 'true')
    .map(accessibleName);

describe('agent view keyboard', () => {
  const startLive = liveAgentHooks();

  it('reaches every toolbar button with Tab; each has a name; aria-pressed follows the tool chosen from the keyboard', async () => {
    const live = await startLive();
    const names = toolbarButtons(live.view).map(accessibleName);
    expect(names).to.deep.equal([...TOOLS, 'Clear drawings', 'Request control', 'End session']);
    expect(await tabThroughToolbar(live.view)).to.deep.equal(names);

    // Only the tools are toggles; actions are plain buttons.
    for (const button of toolbarButtons(live.view)) {
      expect(button.hasAttribute('aria-pressed'), accessibleName(button)).to.equal(
        TOOLS.includes(accessibleName(button)),
      );
    }
    expect(pressed(live.view)).to.deep.equal(['Pointer']);
    for (const tool of ['Highlight', 'Arrow', 'Draw']) {
      buttonNamed(live.view, tool).focus();
      await sendKeys({ press: tool === 'Arrow' ? 'Space' : 'Enter' });
      await live.view.updateComplete;
      expect(pressed(live.view)).to.deep.equal([tool]);
    }
  });

  it('with control: Control and Release control are reachable too, and Control is the pressed tool', async () => {
    const live = await startLive();
    await grantControl(live, buttonNamed(live.view, 'Request control'));
    await live.view.updateComplete;
    const names = toolbarButtons(live.view).map(accessibleName);
    expect(names).to.deep.equal([...TOOLS, 'Clear drawings', 'Control', 'Release control', 'End session']);
    expect(await tabThroughToolbar(live.view)).to.deep.equal(names);
    expect(pressed(live.view)).to.deep.equal(['Control']);
    buttonNamed(live.view, 'Pointer').focus();
    await sendKeys({ press: 'Enter' });
    await live.view.updateComplete;
    expect(pressed(live.view)).to.deep.equal(['Pointer']);
    // The navigation bar's buttons have names as well.
    const navButtons = [...agentShadow(live.view).querySelectorAll<HTMLButtonElement>('form.nav button')].map(
      accessibleName,
    );
    expect(navButtons).to.deep.equal(['Back', 'Forward', 'Go']);
  });
});
