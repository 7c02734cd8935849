/**
 * What the sessions of one conversation cost at the audit cap: `GET
 * /api/conversations/:id/sessions` (the chat system) and the demo desk's
 * `GET /demo/api/conversations/:id/sessions`, through the real app (Fastify
 * inject, SQLite). SESSIONS sessions of one conversation are filled to the
 * cap (page visits and remote actions of typical size, as
 * bench/audit-summary.ts does); the endpoint, and the desk's read
 * (sessions.listByConversation, which both call), are timed as process CPU,
 * median of 9 after 2 warm-ups, and given per session. Runs on any tree that has the
 * endpoints (copy this file and its .mjs into a base worktree to compare).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../signaling/app.js';
import { loadConfig } from '../signaling/config.js';
import { catalogueEvent } from './catalogue-events.js';
import { quantile } from './stats.js';

const RUNS = 9;
const WARM_UP = 2;
const API_KEY = 'bench-api-key-0123456789abcdef';

async function cpuMs(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function median(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARM_UP; i += 1) await work();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) samples.push(await cpuMs(work));
  return quantile(samples, 0.5);
}

export async function main(events: number, sessions: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-bench-conversation-'));
  const config = loadConfig({
    API_KEY,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    AUDIT_MAX_EVENTS: String(events),
  });
  const app = await build({ config, logger: false });
  try {
    const store = app.cobrowse.store;
    for (let s = 0; s < sessions; s += 1) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/sessions',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ conversationId: 'demo-bench', agentName: 'Ada' }),
      });
      const { sessionId } = created.json<{ sessionId: string }>();
      const now = Date.now();
      await store.appendEvent(sessionId, { type: 'consent-granted', actor: 'customer', at: now, data: {} });
      for (let i = 0; ; i += 1) {
        try {
          await store.appendEvent(sessionId, catalogueEvent(i, now, 'agent'));
        } catch {
          break; // the cap (AuditLimitError)
        }
      }
    }
    const get = async (url: string, headers: Record<string, string> = {}) => {
      const response = await app.inject({ method: 'GET', url, headers });
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
      return response.body.length;
    };
    const rest = () => get('/api/conversations/demo-bench/sessions', { authorization: `Bearer ${API_KEY}` });
    // The demo desk's list reads the same (demo-desk.ts maps each entry); its route is not served from the
    // compiled bench (the demo's files are found next to the module), so the read is timed directly.
    const desk = () => app.cobrowse.sessions.listByConversation('demo-bench');
    const result = {
      events,
      sessions,
      restBytes: await rest(),
      restMsPerSession: (await median(rest)) / sessions,
      deskMsPerSession: (await median(desk)) / sessions,
    };
    console.log(JSON.stringify(result));
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
