// The demo agent desk: the chat with the customer, the "Offer co-browsing"
// button, and the agent console for the session it creates.
import {
  conversationId,
  followConversation,
  formatTime,
  listSessions,
  offerCobrowsing,
  sendMessage,
  takeOverSession,
  withdrawOffer,
} from '/demo/conversation.js';
import { deskView } from '/demo/desk/desk-view.js';

const id = conversationId();
const $ = (selector) => {
  const found = document.querySelector(selector);
  if (!found) throw new Error(`desk markup is missing ${selector}`);
  return found;
};

const log = $('#chat-log');
const form = $('#chat-form');
const input = $('#chat-input');
const offerButton = $('#offer');
const errorLine = $('#desk-error');
const statusBadge = $('#session-status');
const sessionSub = $('#session-sub');
const openConsole = $('#open-console');
const viewer = $('#viewer');
const emptyState = $('#empty-state');
const botNotice = $('#bot-notice');
const takeOverButton = $('#take-over');
const withdrawButton = $('#withdraw');

$('#conversation-id').textContent = id;
$('#shop-link').href = id === 'demo' ? '/demo/' : `/demo/?conversation=${encodeURIComponent(id)}`;

function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

// --- Chat -------------------------------------------------------------------

function renderMessage(message) {
  const item = element('li', { className: `bubble from-${message.from}`, title: formatTime(message.at) });
  if (message.kind === 'invite') item.classList.add('invite');
  const sender =
    message.from === 'agent'
      ? message.kind === 'invite'
        ? 'Co-browsing request sent'
        : (message.sender ?? 'You')
      : 'Customer';
  item.append(element('span', { className: 'sender', textContent: sender }), message.text);
  return item;
}

followConversation(id, (messages) => {
  for (const message of messages) log.append(renderMessage(message));
  if (messages.length > 0) log.scrollTop = log.scrollHeight;
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  errorLine.textContent = '';
  try {
    await sendMessage(id, 'agent', text);
  } catch (error) {
    input.value = text;
    errorLine.textContent = error instanceof Error ? error.message : 'Could not send.';
  }
});

// --- Co-browsing ------------------------------------------------------------

// The session whose console the desk shows (its own offer, or one it took over).
let currentSession = null;
let statusTimer = null;
let view = deskView([], null);

const STATUS_TEXT = {
  none: 'Not started',
  waiting: 'Waiting for the customer',
  connecting: 'Connecting',
  live: 'Live',
  declined: 'Declined',
  ended: 'Ended',
  bot: 'Assistant has the session',
};

function render(next) {
  view = next;
  statusBadge.dataset.state =
    view.state === 'declined' ? 'ended' : view.state === 'connecting' ? 'waiting' : view.state;
  statusBadge.textContent = STATUS_TEXT[view.state];
  sessionSub.textContent = view.detail;
  botNotice.hidden = view.state !== 'bot';
  takeOverButton.hidden = !view.takeOver || !view.handoverAllowed;
  withdrawButton.hidden = !view.withdraw;
  // The console of an offer still waiting would say "Waiting for the customer" while the bot has the page.
  const frame = viewer.querySelector('iframe');
  if (frame) frame.hidden = view.state === 'bot';
  openConsole.hidden = !frame || view.state === 'bot';
}

let refreshing = null;

/** One refresh at a time (the timer, an offer, a withdrawal): two at once would collect one hand-over twice. */
function refreshStatus() {
  refreshing ??= (async () => {
    clearTimeout(statusTimer);
    try {
      const next = deskView(await listSessions(id), currentSession);
      render(next);
      if (next.collect) await takeOver(next.collect);
    } catch {
      // The next tick tries again.
    }
    statusTimer = setTimeout(refreshStatus, 2000);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function showConsole(agentLink) {
  viewer.querySelector('iframe')?.remove();
  emptyState.hidden = true;
  const frame = element('iframe', { src: agentLink, title: "Co-browsing view of the customer's page" });
  frame.setAttribute('referrerpolicy', 'no-referrer');
  viewer.append(frame);
  openConsole.href = agentLink;
  openConsole.hidden = false;
}

function showEmpty(title, text) {
  viewer.querySelector('iframe')?.remove();
  openConsole.hidden = true;
  emptyState.hidden = false;
  emptyState.querySelector('h3').textContent = title;
  emptyState.querySelector('p').textContent = text;
}

// One agent console per session: popping it out closes the embedded one.
openConsole.addEventListener('click', () => {
  viewer.querySelector('iframe')?.remove();
  emptyState.hidden = false;
  emptyState.querySelector('h3').textContent = 'Opened in a new tab';
  emptyState.querySelector('p').textContent =
    'The co-browsing view is in its own tab now. Offer again to start a new session here.';
});

/** The same session goes on with Dana: no new prompt for the customer (they allowed it in the bot's prompt). */
async function takeOver(sessionId) {
  takeOverButton.disabled = true;
  errorLine.textContent = '';
  try {
    const taken = await takeOverSession(id, sessionId);
    currentSession = taken.sessionId;
    showConsole(taken.agentLink);
    render(deskView(await listSessions(id), currentSession));
  } catch (error) {
    errorLine.textContent = error instanceof Error ? error.message : 'Could not take over.';
  } finally {
    takeOverButton.disabled = false;
  }
}

takeOverButton.addEventListener('click', () => {
  if (view.takeOver) void takeOver(view.takeOver);
});

withdrawButton.addEventListener('click', async () => {
  if (!view.withdraw) return;
  withdrawButton.disabled = true;
  errorLine.textContent = '';
  try {
    await withdrawOffer(id, view.withdraw);
    currentSession = null;
    showEmpty('Offer withdrawn', 'The assistant is helping the customer. Offer again at any time.');
    await refreshStatus();
  } catch (error) {
    errorLine.textContent = error instanceof Error ? error.message : 'Could not withdraw the offer.';
  } finally {
    withdrawButton.disabled = false;
  }
});

offerButton.addEventListener('click', async () => {
  offerButton.disabled = true;
  errorLine.textContent = '';
  try {
    const offer = await offerCobrowsing(id);
    currentSession = offer.sessionId;
    showConsole(offer.agentLink);
    await refreshStatus();
  } catch (error) {
    errorLine.textContent = error instanceof Error ? error.message : 'Could not offer co-browsing.';
  } finally {
    offerButton.disabled = false;
  }
});

// The bot may start (and hand over) a session without this desk asking: follow the conversation's sessions.
void refreshStatus();
