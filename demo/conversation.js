// The demo chat, shared by the shop's chat box and the agent desk: one
// conversation on the demo server, read by polling and written with POST.

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const STORAGE_KEY = 'lumen-demo-conversation';
const POLL_MS = 1000;

/** The conversation both sides talk in: `?conversation=` on the URL, else the one this tab already uses, else "demo". */
export function conversationId() {
  const fromUrl = new URLSearchParams(location.search).get('conversation');
  if (fromUrl && ID_PATTERN.test(fromUrl)) {
    sessionStorage.setItem(STORAGE_KEY, fromUrl);
    return fromUrl;
  }
  const remembered = sessionStorage.getItem(STORAGE_KEY);
  return remembered && ID_PATTERN.test(remembered) ? remembered : 'demo';
}

const base = (id) => `/demo/api/conversations/${encodeURIComponent(id)}`;

/**
 * Calls onMessages with each batch of new messages, oldest first, until stop() is called.
 * @returns {{ stop(): void, now(): void }}
 */
export function followConversation(id, onMessages, onError = () => {}) {
  let after = 0;
  let timer = null;
  let inFlight = false;
  let stopped = false;
  let first = true;

  async function poll() {
    if (stopped || inFlight) return;
    inFlight = true;
    clearTimeout(timer);
    try {
      const response = await fetch(`${base(id)}/messages?after=${after}`, { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`chat unavailable (${response.status})`);
      const body = await response.json();
      const messages = Array.isArray(body.messages) ? body.messages : [];
      if (messages.length > 0) after = messages[messages.length - 1].seq;
      onMessages(messages, { initial: first });
      first = false;
      // A full page means more are waiting.
      if (messages.length >= 100) queueMicrotask(poll);
    } catch (error) {
      onError(error);
    } finally {
      inFlight = false;
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    }
  }
  void poll();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    now() {
      void poll();
    },
  };
}

/** Post a text message; resolves with the stored message or throws with the server's explanation. */
export async function sendMessage(id, from, text) {
  const response = await fetch(`${base(id)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, text }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body?.error?.message ?? `Could not send (${response.status}).`);
  return body.message;
}

/** Ask the demo server to create a co-browsing session and post its invite; resolves with the agent link. */
export async function offerCobrowsing(id) {
  const response = await fetch(`${base(id)}/offer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body?.error?.message ?? `Could not offer co-browsing (${response.status}).`);
  return body;
}

async function postJson(url, what) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body?.error?.message ?? `Could not ${what} (${response.status}).`);
  return body;
}

/** Take a bot's session over (the hand-over endpoint); resolves with the desk's agent link. */
export function takeOverSession(id, sessionId) {
  return postJson(`${base(id)}/sessions/${encodeURIComponent(sessionId)}/take-over`, 'take over');
}

/** Withdraw the desk's offer the customer has not answered. */
export function withdrawOffer(id, sessionId) {
  return postJson(`${base(id)}/sessions/${encodeURIComponent(sessionId)}/withdraw`, 'withdraw the offer');
}

/** The sessions the demo created for this conversation, newest first. */
export async function listSessions(id) {
  const response = await fetch(`${base(id)}/sessions`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`Could not read session status (${response.status}).`);
  const body = await response.json();
  return Array.isArray(body.sessions) ? body.sessions : [];
}

export function formatTime(at) {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
