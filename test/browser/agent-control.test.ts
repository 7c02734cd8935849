/**
 * Remote control from <cobrowse-agent-view>, judged by what the simulated
 * customer decodes off the real data channel: asking, clicking and typing by
 * node id once granted, never into a masked field, releasing control, and
 * ending the session (on the channel and on the server).
 */
import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { ChannelMessage, RemoteAction } from '../../shared/protocol.js';
import { liveAgentHooks, grantControl, receivedOf, type LiveAgent } from './helpers/agent-live.js';
import { sessionRecord, until } from './helpers/agent-server.js';
import {
  agentShadow,
  buttonNamed,
  mirrorElement,
  noticeText,
  pageCentreOf,
  screenPointOfPage,
  statusText,
  toastText,
  type CobrowseAgentView,
} from './helpers/agent-view.js';

async function clickInMirror(view: CobrowseAgentView, selector: string): Promise<void> {
  const centre = pageCentreOf(view, selector);
  const at = screenPointOfPage(view, centre.x, centre.y);
  await sendMouse({ type: 'click', position: [Math.round(at.x), Math.round(at.y)] });
}

const actions = (live: LiveAgent): RemoteAction[] => receivedOf(live, 'action').map((m) => m.action);

/** Resolves once the customer has everything the agent sent before now (the channel is ordered). */
async function drained(live: LiveAgent): Promise<void> {
  const ts = Date.now() + Math.random();
  live.customer.send({ t: 'ping', ts });
  await live.customer.waitFor((m: ChannelMessage) => m.t === 'pong' && m.ts === ts);
}

describe('agent view remote control', () => {
  const startLive = liveAgentHooks({ viewport: { width: 1000, height: 720 } });

  it('asks for control; once granted, clicks and typing become actions by node id; Release control hands it back', async () => {
    const live = await startLive();
    const request = buttonNamed(live.view, 'Request control');
    await grantControl(live, request);
    await live.view.updateComplete;
    expect(buttonNamed(live.view, 'Control').getAttribute('aria-pressed')).to.equal('true');
    // The note on the change leads the navigation bar (it once sat in the tool row and wrapped it to three rows).
    expect(agentShadow(live.view).querySelector('form.nav .control-note')?.textContent).to.equal(
      'The customer gave you control.',
    );
    expect(agentShadow(live.view).querySelector('.tools .control-note'), 'no second note in the tool row').to.equal(
      null,
    );

    await clickInMirror(live.view, '#pay');
    const click = await live.customer.waitFor((m) => m.t === 'action' && m.action.kind === 'click');
    if (click.t !== 'action' || click.action.kind !== 'click') throw new Error('not a click');
    expect(click.action.id).to.equal(live.page.ids.pay);
    expect(click.action.x).to.be.a('number');

    await clickInMirror(live.view, '#name');
    await until(
      () => mirrorElement(live!.view, '#name').ownerDocument.activeElement?.id === 'name',
      'the name field to take focus',
    );
    await sendKeys({ press: 'End' });
    await sendKeys({ type: ' Lovelace' });
    // Key by key: each key is a splice of the field's value, numbered, in order.
    const spliced = () =>
      actions(live!).reduce(
        (value, a) => (a.kind === 'edit' ? value.slice(0, a.at) + a.insert + value.slice(a.at + a.deleteCount) : value),
        'Ada',
      );
    await until(() => spliced() === 'Ada Lovelace', 'the typed value');
    const edits = actions(live).filter((a) => a.kind === 'edit');
    expect(edits.every((a) => a.kind === 'edit' && a.id === live!.page.ids.name)).to.equal(true);
    expect(edits.filter((a) => a.kind === 'edit' && a.insert !== '').length).to.equal(' Lovelace'.length);
    const numbers = receivedOf(live, 'action').map((m) => m.serial);
    expect(numbers).to.deep.equal(numbers.map((_, i) => i + 1));

    buttonNamed(live.view, 'Release control').click();
    await live.customer.waitFor((m) => m.t === 'control-revoke');
    await live.view.updateComplete;
    expect(buttonNamed(live.view, 'Request control').disabled).to.equal(false);
    expect(agentShadow(live.view).querySelector('form.nav')).to.equal(null);

    // Without control, clicks in the mirror send nothing.
    const before = actions(live).length;
    await clickInMirror(live.view, '#pay');
    await drained(live);
    expect(actions(live).length).to.equal(before);
  });

  it('shows the request as pending until the customer answers', async () => {
    const live = await startLive();
    buttonNamed(live.view, 'Request control').click();
    await live.customer.waitFor((m) => m.t === 'control-request');
    await live.view.updateComplete;
    // Not disabled (a disabled button drops keyboard focus to <body>): marked aria-disabled, and a click does nothing.
    expect(buttonNamed(live.view, 'Waiting for permission…').getAttribute('aria-disabled')).to.equal('true');
    buttonNamed(live.view, 'Waiting for permission…').click();
    await drained(live);
    expect(receivedOf(live, 'control-request').length).to.equal(1);
    live.customer.send({ t: 'control-deny' });
    await until(() => toastText(live!.view).includes('declined'), 'the declined notice');
    expect(buttonNamed(live.view, 'Request control').disabled).to.equal(false);
  });

  it('by keyboard: focus stays in the toolbar through request, grant and revoke, and the toolbar says who changed control', async () => {
    const live = await startLive();
    const request = buttonNamed(live.view, 'Request control');
    request.focus();
    await sendKeys({ press: 'Enter' });
    await live.customer.waitFor((m) => m.t === 'control-request');
    live.customer.send({ t: 'control-grant' });
    await until(() => live!.view.shadowRoot?.querySelector('form.nav'), 'the agent to show it has control');
    await live.view.updateComplete;
    const shadow = agentShadow(live.view);
    await until(() => shadow.activeElement?.textContent?.trim() === 'Control', 'focus on the Control tool');
    expect(document.activeElement).to.equal(live.view);
    expect(shadow.querySelector('.control-note')?.textContent).to.equal('The customer gave you control.');

    live.customer.send({ t: 'control-revoke' });
    await until(
      () => shadow.querySelector('.control-note')?.textContent === 'The customer took back control.',
      'the took-back notice',
    );
    await until(() => shadow.activeElement?.textContent?.trim() === 'Request control', 'focus on Request control');
    expect(document.activeElement).to.equal(live.view);

    // Asking again and releasing: the note says the agent did it.
    await sendKeys({ press: 'Enter' });
    await live.customer.waitFor((m) => m.t === 'control-request' && receivedOf(live!, 'control-request').length === 2);
    live.customer.send({ t: 'control-grant' });
    await until(() => shadow.querySelector('form.nav'), 'control again');
    buttonNamed(live.view, 'Release control').click();
    await until(
      () => shadow.querySelector('.control-note')?.textContent === 'You released control.',
      'the released notice',
    );
  });

  it('refuses a masked field in the UI: no action for focus, typing or clicks, and a "hidden" notice', async () => {
    const live = await startLive();
    await grantControl(live, buttonNamed(live.view, 'Request control'));
    const card = mirrorElement<HTMLInputElement>(live.view, '#card');
    const shownValue = card.value;

    await clickInMirror(live.view, '#card');
    await until(() => toastText(live!.view).includes('hidden'), 'the hidden-field notice');
    expect(card.ownerDocument.activeElement).not.to.equal(card);
    await sendKeys({ type: '4242' });
    card.focus();
    await sendKeys({ type: '99' });
    await until(() => toastText(live!.view).includes('hidden'), 'the hidden-field notice after focus');

    await drained(live);
    expect(actions(live).filter((a) => 'id' in a && a.id === live!.page.ids.card)).to.deep.equal([]);
    expect(actions(live).filter((a) => a.kind === 'input')).to.deep.equal([]);
    expect(card.value).to.equal(shownValue);
    // Control itself still works: the refusal was about that field only.
    await clickInMirror(live.view, '#pay');
    await live.customer.waitFor(
      (m) => m.t === 'action' && m.action.kind === 'click' && m.action.id === live!.page.ids.pay,
    );
  });

  it('End session: the customer gets end on the channel and the server records that the agent ended it', async () => {
    const live = await startLive();
    await grantControl(live, buttonNamed(live.view, 'Request control'));
    await live.view.updateComplete;
    const note = () => agentShadow(live!.view).querySelector('.control-note')?.textContent ?? null;
    expect(note(), 'control note while live (control for the check below)').to.equal('The customer gave you control.');
    buttonNamed(live.view, 'End session').click();
    const end = await live.customer.waitFor((m) => m.t === 'end');
    expect(end).to.deep.equal({ t: 'end', by: 'agent', reason: 'agent-ended' });
    await until(
      async () => (await sessionRecord(live!.session.sessionId)).status === 'ended',
      'the server to end the session',
    );
    const record = await sessionRecord(live.session.sessionId);
    expect(record.endedBy).to.equal('agent');
    expect(record.endReason).to.equal('agent-ended');
    expect(statusText(live.view)).to.equal('Ended');
    await live.view.updateComplete;
    expect(noticeText(live.view)).to.contain('You ended the session.');
    // No note about control outlives the session (it read "The customer gave you control." under "Ended").
    expect(note()).to.equal(null);
  });
});
