/**
 * Every message of the product, as zod schemas: the signaling socket
 * (customer/agent <-> server, JSON text frames) and the data channel
 * (customer <-> agent, msgpack + deflate, see codec.ts). Types are z.infer of
 * the schemas; nothing is used without being parsed first.
 *
 * One module per part (shared/protocol/): session (version, roles, ids),
 * signaling (socket messages, audit events), nodes (the serialized DOM
 * contract), dom-frames (page frames and assets), guidance (pointer, drawing,
 * control, remote actions), channel (the data channel union), rest (REST
 * bodies, the customer invite). Import from here; except frame-bridge
 * (postMessage between the page and a cross-origin iframe that embeds our
 * script), imported from its module by the customer's code alone so the
 * agent's bundle does not carry it, and frame-handshake (its constants,
 * without zod, for the loader).
 *
 * zod/mini, not classic zod: these schemas ship in the customer's bundle, where
 * classic zod weighed three times as much. It loads no locale, so issue
 * messages are generic in the browser; the server configures English.
 */
export * from './protocol/session.js';
export * from './protocol/signaling.js';
export * from './protocol/nodes.js';
export * from './protocol/dom-frames.js';
export * from './protocol/guidance.js';
export * from './protocol/channel.js';
export * from './protocol/rest.js';
