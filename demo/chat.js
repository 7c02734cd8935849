// The shop's support chat box (bottom-left). When support sends a co-browsing
// invite, it hands the invite code to the page's <cobrowse-session>, which is
// all an integrator's chat widget has to do.
import { conversationId, followConversation, formatTime, sendMessage } from '/demo/conversation.js';

const OPEN_KEY = 'lumen-demo-chat-open';
const id = conversationId();
const offeredKey = `lumen-demo-offered:${id}`;
const seenKey = `lumen-demo-seen:${id}`;
// A first visit does not replay an invite sent before this tab joined the conversation.
const firstVisit = sessionStorage.getItem(seenKey) === null;
sessionStorage.setItem(seenKey, '1');

function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

// --- Widget -----------------------------------------------------------------

const root = element('section', { className: 'support-chat' });
root.setAttribute('aria-label', 'Support chat');

const launcher = element('button', { type: 'button', className: 'chat-launcher' });
const launcherBadge = element('span', { className: 'badge', hidden: true });
launcher.append(element('span', { textContent: 'Chat with support' }), launcherBadge);
launcher.setAttribute('aria-expanded', 'false');
launcher.setAttribute('aria-controls', 'support-chat-panel');

const panel = element('div', { className: 'chat-panel', id: 'support-chat-panel' });
const close = element('button', { type: 'button', className: 'icon-button', textContent: '✕' });
close.setAttribute('aria-label', 'Minimise chat');
const head = element('div', { className: 'chat-head' }, [
  element('span', { className: 'avatar', textContent: 'D' }),
  element('div', { className: 'who' }, [
    element('strong', { textContent: 'Dana · Support' }),
    element('span', { textContent: 'Online' }),
  ]),
  close,
]);
head.firstElementChild.setAttribute('aria-hidden', 'true');
const log = element('ol', { className: 'chat-log' });
log.setAttribute('role', 'log');
log.setAttribute('aria-live', 'polite');
log.setAttribute('aria-label', 'Conversation with support');
const input = element('input', {
  id: 'support-chat-input',
  name: 'message',
  autocomplete: 'off',
  placeholder: 'Type a message…',
  maxLength: 1000,
});
const form = element('form', { className: 'chat-form' }, [
  element('label', { className: 'visually-hidden', htmlFor: 'support-chat-input', textContent: 'Message to support' }),
  input,
  element('button', { type: 'submit', textContent: 'Send' }),
]);
panel.append(head, log, form);
root.append(launcher, panel);

let unread = 0;
function setOpen(open, { focus = false } = {}) {
  panel.hidden = !open;
  launcher.hidden = open;
  launcher.setAttribute('aria-expanded', String(open));
  sessionStorage.setItem(OPEN_KEY, String(open));
  if (open) {
    unread = 0;
    launcherBadge.hidden = true;
    log.scrollTop = log.scrollHeight;
    if (focus) input.focus();
  } else if (focus) {
    launcher.focus();
  }
}
launcher.addEventListener('click', () => setOpen(true, { focus: true }));
close.addEventListener('click', () => setOpen(false, { focus: true }));
panel.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') setOpen(false, { focus: true });
});

document.body.append(root);
// Closed until the customer opens it or support writes, like most chat widgets.
setOpen(sessionStorage.getItem(OPEN_KEY) === 'true');

// --- Co-browsing ------------------------------------------------------------

const CHECK_REQUEST = 'Check the request on your screen to allow or decline.';
let inviteStatus = null;
function setInviteStatus(text) {
  if (inviteStatus) inviteStatus.textContent = text;
}

/** Give the invite to the page's element: it shows the consent prompt. */
async function offerToElement(inviteCode) {
  await customElements.whenDefined('cobrowse-session');
  const cobrowse = document.querySelector('cobrowse-session');
  if (!cobrowse) return;
  try {
    await cobrowse.offer(inviteCode);
  } catch {
    // Already sharing, or the invite expired: the element shows its own message.
  }
}

let inviteSender = 'Dana';
document.addEventListener('cobrowse-consent-granted', () =>
  setInviteStatus(`You allowed ${inviteSender} to see this tab.`),
);
document.addEventListener('cobrowse-consent-declined', () => setInviteStatus('You declined. Nothing was shared.'));
document.addEventListener('cobrowse-ended', () => setInviteStatus('Sharing has ended.'));

// --- Messages ---------------------------------------------------------------

function renderMessage(message, { offering }) {
  const item = element('li', { className: `bubble from-${message.from}` });
  item.title = formatTime(message.at);
  if (message.kind === 'invite') {
    item.classList.add('invite');
    item.append(element('strong', { textContent: message.text }));
    // Only a request this page is about to show gets a live status line.
    if (offering) {
      // An earlier request still waiting is replaced by this one (the element shows only the newest).
      if (inviteStatus?.textContent === CHECK_REQUEST) inviteStatus.textContent = 'Replaced by the request below.';
      inviteStatus = element('p', { textContent: CHECK_REQUEST });
      item.append(inviteStatus);
    }
    return item;
  }
  item.append(
    element('span', {
      className: 'sender',
      textContent: message.from === 'agent' ? (message.sender ?? 'Dana') : 'You',
    }),
    message.text,
  );
  return item;
}

followConversation(id, (messages, { initial }) => {
  if (messages.length === 0) return;
  const handled = Number(sessionStorage.getItem(offeredKey) ?? '0');
  const newest = messages.findLast((message) => message.kind === 'invite' && message.seq > handled) ?? null;
  const offering = newest !== null && !(initial && firstVisit);
  for (const message of messages) log.append(renderMessage(message, { offering: offering && message === newest }));
  log.scrollTop = log.scrollHeight;
  const fromSupport = messages.filter((message) => message.from === 'agent').length;
  if (panel.hidden && initial) {
    unread += fromSupport;
    launcherBadge.textContent = String(unread);
    launcherBadge.hidden = unread === 0;
  } else if (panel.hidden && fromSupport > 0) {
    setOpen(true);
  }
  if (!newest) return;
  sessionStorage.setItem(offeredKey, String(newest.seq));
  if (!offering) return;
  setOpen(true);
  inviteSender = newest.sender ?? 'Dana';
  void offerToElement(newest.inviteCode);
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  try {
    await sendMessage(id, 'customer', text);
  } catch (error) {
    input.value = text;
    log.append(
      element('li', {
        className: 'bubble from-agent',
        textContent: error instanceof Error ? error.message : 'Could not send.',
      }),
    );
  }
});
