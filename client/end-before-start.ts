/**
 * The customer's End while the session's code is still on its way (a resumed page loads it afresh; Allow may
 * come before it arrived): the session never starts, and the server hears the end from here with the customer's
 * token. It ships in the view module (cobrowse-ui.ts), which shows the End button, not in the loader; the loader
 * lends it its WebSocket, JSON and timer, as they were before the page's scripts ran (pristine.ts).
 */
import type { Pristine } from './pristine.js';
import type { CustomerEndReason, InviteData } from './session-api.js';

/** Another socket of the tab (the previous page's, closing) may hold the customer's seat a moment: tries again. */
const TRIES = 5;
const RETRY_MS = 1000;

/**
 * Ends the session: over `adopted` (the open socket consent handed over, which holds the customer's seat), else
 * over a socket of its own, once welcomed. Either socket is closed.
 */
export function endBeforeStart(
  invite: InviteData,
  adopted: WebSocket | undefined,
  pristine: Pristine,
  reason: CustomerEndReason = 'customer-ended',
  keys: readonly string[] = [],
  tries = TRIES,
): void {
  const end = pristine.jsonStringify.call(JSON, { t: 'end', reason });
  if (adopted) {
    adopted.send(end);
    adopted.close(1000);
    return;
  }
  const url = new URL('/ws', invite.server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  let socket: WebSocket;
  try {
    socket = new pristine.WebSocket(url);
  } catch {
    return;
  }
  // The page's resume keys, as its session's socket would say them (signaling/customer-resume.ts).
  const resume = keys.length ? { resume: { keys, next: keys[keys.length - 1] } } : {};
  socket.onopen = () =>
    socket.send(pristine.jsonStringify.call(JSON, { t: 'hello', v: invite.v, token: invite.token, ...resume }));
  socket.onmessage = ({ data }: MessageEvent) => {
    let message: { t?: unknown; code?: unknown } | null;
    try {
      message = pristine.jsonParse.call(JSON, String(data)) as typeof message;
    } catch {
      message = null;
    }
    if (message?.t === 'welcome') socket.send(end);
    else if (message?.code === 'ROLE_TAKEN' && tries > 1)
      pristine.setTimeout.call(
        globalThis,
        () => endBeforeStart(invite, undefined, pristine, reason, keys, tries - 1),
        RETRY_MS,
      );
    socket.close(1000);
  };
}
