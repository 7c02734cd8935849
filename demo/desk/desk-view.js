// What the desk's co-browsing pane says, from the conversation's sessions (as
// GET /demo/api/conversations/:id/sessions lists them) and the session whose
// console the desk shows. Pure, so it is tested without a browser
// (test/node/demo-desk-view.test.ts).

const open = (session) => session.status === 'consented' || session.status === 'live';

/**
 * @returns {{ state: 'none'|'waiting'|'connecting'|'live'|'declined'|'ended'|'bot', detail: string,
 *   collect?: string, takeOver?: string, handoverAllowed?: boolean, withdraw?: string }}
 */
export function deskView(sessions, shown) {
  const mine = shown ? sessions.find((session) => session.sessionId === shown) : undefined;
  // A hand-over the bot made: the session is Dana's now, and its link waits for this desk.
  const handedOver = sessions.find((session) => session.waitsForDesk && session.status !== 'ended');
  if (handedOver && handedOver.sessionId !== shown) {
    return {
      state: 'connecting',
      detail: 'The assistant handed the customer to you; opening their page…',
      collect: handedOver.sessionId,
    };
  }
  // The customer allowed the bot's prompt: the bot has their page, whatever this desk offered.
  const bot = sessions.find((session) => session.agentBot && open(session));
  if (bot && !(mine && !mine.agentBot && open(mine))) {
    const name = bot.agentName ?? 'The assistant';
    const leave = bot.handoverAllowed
      ? 'The customer allowed a person to take over without asking again.'
      : 'The customer allowed only the assistant: to see the page, ask them again.';
    return {
      state: 'bot',
      detail: `${name} (automated) has the customer's page. ${leave}`,
      takeOver: bot.sessionId,
      handoverAllowed: bot.handoverAllowed === true,
      ...(mine && mine.status === 'pending' && !mine.agentBot ? { withdraw: mine.sessionId } : {}),
    };
  }
  if (!mine) return { state: 'none', detail: 'No session yet' };
  if (mine.consent === 'declined') return { state: 'declined', detail: 'The customer declined. Nothing was shared.' };
  if (mine.status === 'ended') return { state: 'ended', detail: 'The session has ended.' };
  if (mine.status === 'live') {
    const page = mine.lastPage;
    return {
      state: 'live',
      detail: page ? `Customer is on ${new URL(page).pathname}` : 'Customer is sharing their tab',
    };
  }
  if (mine.status === 'consented') return { state: 'connecting', detail: 'The customer allowed sharing; connecting…' };
  return { state: 'waiting', detail: 'The customer sees your request in the chat.' };
}
