/** Prometheus metrics of one server instance (its own registry, so tests can run several). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  sessionsCreated: Counter;
  sessionsEnded: Counter<'reason'>;
  socketsOpen: Gauge<'role'>;
  messagesRelayed: Counter<'type'>;
  messagesRejected: Counter<'code'>;
  socketsClosed: Counter<'code'>;
  auditEvents: Counter<'type'>;
  joinSeconds: Histogram;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cobrowse_' });
  return {
    registry,
    sessionsCreated: new Counter({
      name: 'cobrowse_sessions_created_total',
      help: 'Sessions created through the API.',
      registers: [registry],
    }),
    sessionsEnded: new Counter({
      name: 'cobrowse_sessions_ended_total',
      help: 'Sessions ended, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    socketsOpen: new Gauge({
      name: 'cobrowse_sockets_open',
      help: 'Authenticated signaling sockets, by role.',
      labelNames: ['role'],
      registers: [registry],
    }),
    messagesRelayed: new Counter({
      name: 'cobrowse_messages_relayed_total',
      help: 'Messages relayed between peers.',
      labelNames: ['type'],
      registers: [registry],
    }),
    messagesRejected: new Counter({
      name: 'cobrowse_messages_rejected_total',
      help: 'Messages refused, by error code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    socketsClosed: new Counter({
      name: 'cobrowse_sockets_closed_total',
      help: 'Sockets closed by the server, by error code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    auditEvents: new Counter({
      name: 'cobrowse_audit_events_total',
      help: 'Audit events appended.',
      labelNames: ['type'],
      registers: [registry],
    }),
    joinSeconds: new Histogram({
      name: 'cobrowse_join_seconds',
      help: 'Time from socket open to welcome.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
