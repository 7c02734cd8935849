/**
 * What the demo desk's co-browsing pane says for the sessions of its
 * conversation (demo/desk/desk-view.js, pure): the bot holding the
 * customer's page wins over the desk's unanswered offer, a hand-over link
 * waiting is collected, and the desk's own session otherwise.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the demo's browser modules are plain JavaScript without types.
import { deskView } from '../../demo/desk/desk-view.js';

interface Row {
  sessionId: string;
  status: 'pending' | 'consented' | 'live' | 'ended';
  consent?: 'pending' | 'granted' | 'declined';
  agentBot?: boolean;
  agentName?: string;
  handoverAllowed?: boolean;
  waitsForDesk?: boolean;
  lastPage?: string | null;
}
const view = deskView as (sessions: Row[], shown: string | null) => Record<string, unknown>;
const row = (r: Row): Row => ({ consent: 'pending', agentBot: false, agentName: 'Dana', lastPage: null, ...r });
const mine = row({ sessionId: 'dana', status: 'pending' });
const bot = row({ sessionId: 'bot', status: 'live', consent: 'granted', agentBot: true, agentName: 'Lumen assistant' });

describe('deskView', () => {
  it('the desk’s own offer waits; once the customer allowed the bot instead, the bot has the session', () => {
    expect(view([mine], 'dana')).toMatchObject({ state: 'waiting' });
    expect(view([bot, mine], 'dana')).toEqual({
      state: 'bot',
      detail:
        "Lumen assistant (automated) has the customer's page. The customer allowed only the assistant: to see the page, ask them again.",
      takeOver: 'bot',
      handoverAllowed: false,
      withdraw: 'dana',
    });
    expect(view([{ ...bot, handoverAllowed: true }], null)).toMatchObject({
      state: 'bot',
      handoverAllowed: true,
      takeOver: 'bot',
    });
    expect(view([{ ...bot, handoverAllowed: true }], null)).not.toHaveProperty('withdraw');
  });

  it('a bot session still pending or ended is not the bot having the page', () => {
    expect(view([{ ...bot, status: 'pending' }, mine], 'dana')).toMatchObject({ state: 'waiting' });
    expect(view([{ ...bot, status: 'ended' }], null)).toMatchObject({ state: 'none' });
  });

  it('collects a hand-over link waiting for it, and after the take-over shows the session as its own', () => {
    const handedOver = row({ sessionId: 'bot', status: 'live', consent: 'granted', waitsForDesk: true });
    expect(view([handedOver, mine], 'dana')).toMatchObject({ state: 'connecting', collect: 'bot' });
    const taken = row({
      sessionId: 'bot',
      status: 'live',
      consent: 'granted',
      lastPage: 'https://shop.test/cart',
    });
    expect(view([taken], 'bot')).toEqual({ state: 'live', detail: 'Customer is on /cart' });
  });

  it('the desk’s own session: declined, ended, connecting', () => {
    expect(view([{ ...mine, status: 'ended', consent: 'declined' }], 'dana')).toMatchObject({ state: 'declined' });
    expect(view([{ ...mine, status: 'ended' }], 'dana')).toMatchObject({ state: 'ended' });
    expect(view([{ ...mine, status: 'consented', consent: 'granted' }], 'dana')).toMatchObject({ state: 'connecting' });
  });
});
