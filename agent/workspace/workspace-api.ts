/**
 * The console's calls to its own server: who is signed in, sign-in with a
 * minted identity, sign-out, claiming a support code, the agent's session
 * list and joining from it. Every answer is parsed; a refusal comes back as
 * the server's own message.
 */
import * as z from 'zod/mini';

const agentSchema = z.object({ id: z.string(), name: z.string(), via: z.enum(['oidc', 'api']) });
export type SignedInAgent = z.infer<typeof agentSchema>;

const meSchema = z.object({ agent: z.nullable(agentSchema), oidc: z.boolean() });
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const claimSchema = z.object({ sessionId: z.string(), agent: z.object({ token: z.string() }) });
const joinSchema = z.object({ sessionId: z.string(), ticket: z.string() });

const pageSchema = z.object({ url: z.string(), title: z.optional(z.string()), at: z.number() });
/** An entry of `GET /api/sessions`: the summary less its lists, with the number of pages and the last one. */
export const sessionSummarySchema = z.object({
  sessionId: z.string(),
  conversationId: z.nullable(z.string()),
  agentName: z.nullable(z.string()),
  status: z.enum(['pending', 'consented', 'live', 'ended']),
  createdAt: z.number(),
  startedAt: z.nullable(z.number()),
  endedAt: z.nullable(z.number()),
  durationMs: z.nullable(z.number()),
  endedBy: z.nullable(z.string()),
  endReason: z.nullable(z.string()),
  pageCount: z.number(),
  lastPage: z.nullable(pageSchema),
  controlGranted: z.boolean(),
  consent: z.enum(['pending', 'granted', 'declined']),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;
const listSchema = z.object({ sessions: z.array(sessionSummarySchema), next: z.nullable(z.string()) });

export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; code: string; message: string };

const UNREACHABLE = 'Could not reach the co-browsing server. Check your connection.';

async function call<T>(
  schema: z.ZodMiniType<T>,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<Answer<T>> {
  let res: Response;
  try {
    const { json, ...rest } = init;
    res = await fetch(path, {
      credentials: 'same-origin',
      ...rest,
      ...(json === undefined ? {} : { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }),
    });
  } catch {
    return { ok: false, status: 0, code: 'UNREACHABLE', message: UNREACHABLE };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const error = errorSchema.safeParse(body);
    return error.success
      ? { ok: false, status: res.status, ...error.data.error }
      : { ok: false, status: res.status, code: 'INTERNAL', message: `The server answered ${res.status}.` };
  }
  const parsed = schema.safeParse(body);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : {
        ok: false,
        status: res.status,
        code: 'INTERNAL',
        message: 'The server sent an answer this console cannot read.',
      };
}

export const workspaceApi = {
  me: () => call(meSchema, '/api/me', { cache: 'no-store' }),
  /** Whom a sign-in link is for; signs nobody in. */
  checkIdentity: (identity: string) =>
    call(z.object({ agent: agentSchema }), '/auth/identity/check', { method: 'POST', json: { identity } }),
  /** `replace`: the person confirmed signing out the agent signed in here now. */
  signInWithIdentity: (identity: string, replace = false) =>
    call(z.object({ agent: agentSchema }), '/auth/identity', { method: 'POST', json: { identity, replace } }),
  signOut: () => call(z.object({ signedOut: z.boolean() }), '/auth/logout', { method: 'POST' }),
  claim: (code: string) => call(claimSchema, '/api/support-codes/claim', { method: 'POST', json: { code } }),
  sessions: (status: string, limit: number) =>
    call(listSchema, `/api/sessions?status=${encodeURIComponent(status)}&limit=${limit}`, { cache: 'no-store' }),
  /** One page of the agent's sessions for a query from session-query.ts; `next` is the following page's cursor. */
  sessionPage: (query: string) => call(listSchema, `/api/sessions?${query}`, { cache: 'no-store' }),
  join: (sessionId: string) =>
    call(joinSchema, `/api/sessions/${encodeURIComponent(sessionId)}/join`, { method: 'POST' }),
};
