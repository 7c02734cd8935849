// The demo agent desk: the chat with the customer, the "Offer co-browsing"
// button, and the agent console for the session it creates.
import {
  conversationId,
  followConversation,
  formatTime,
  listSessions,
  offerCobrowsing,
  sendMessage,
} from '/demo/conversation.js';

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

let currentSession = null;
let statusTimer = null;

const STATUS_TEXT = {
  none: 'Not started',
  waiting: 'Waiting for the customer',
  connecting: 'Connecting',
  live: 'Live',
  declined: 'Declined',
  ended: 'Ended',
};

function showStatus(state, detail) {
  statusBadge.dataset.state = state === 'declined' ? 'ended' : state === 'connecting' ? 'waiting' : state;
  statusBadge.textContent = STATUS_TEXT[state];
  sessionSub.textContent = detail;
}

async function refreshStatus() {
  if (!currentSession) return;
  try {
    const sessions = await listSessions(id);
    const session = sessions.find((candidate) => candidate.sessionId === currentSession);
    if (!session) return;
    if (session.consent === 'declined') showStatus('declined', 'The customer declined. Nothing was shared.');
    else if (session.status === 'ended') showStatus('ended', 'The session has ended.');
    else if (session.status === 'live') {
      const page = session.pagesVisited.at(-1);
      showStatus('live', page ? `Customer is on ${new URL(page).pathname}` : 'Customer is sharing their tab');
    } else if (session.status === 'consented') showStatus('connecting', 'The customer allowed sharing; connecting…');
    else showStatus('waiting', 'The customer sees your request in the chat.');
    if (session.status === 'ended') return;
  } catch {
    // The next tick tries again.
  }
  statusTimer = setTimeout(refreshStatus, 2000);
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

// One agent console per session: popping it out closes the embedded one.
openConsole.addEventListener('click', () => {
  viewer.querySelector('iframe')?.remove();
  emptyState.hidden = false;
  emptyState.querySelector('h3').textContent = 'Opened in a new tab';
  emptyState.querySelector('p').textContent =
    'The co-browsing view is in its own tab now. Offer again to start a new session here.';
});

offerButton.addEventListener('click', async () => {
  offerButton.disabled = true;
  errorLine.textContent = '';
  try {
    const offer = await offerCobrowsing(id);
    currentSession = offer.sessionId;
    clearTimeout(statusTimer);
    showStatus('waiting', 'The customer sees your request in the chat.');
    showConsole(offer.agentLink);
    void refreshStatus();
  } catch (error) {
    errorLine.textContent = error instanceof Error ? error.message : 'Could not offer co-browsing.';
  } finally {
    offerButton.disabled = false;
  }
});
