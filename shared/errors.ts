/**
 * One table of error codes for the whole protocol. Every refusal, on the
 * signaling socket, over REST or in the codec, is a value with one of these
 * codes; WebSocket close codes are mapped here and nowhere else.
 */
export const ERROR_CODES = {
  BAD_MESSAGE: { close: 4000, http: 400, message: 'The message is malformed or fails validation.' },
  UNSUPPORTED_VERSION: { close: 4001, http: 400, message: 'The peer speaks an incompatible protocol version.' },
  UNAUTHORIZED: { close: 4401, http: 401, message: 'The token is missing, unknown or revoked.' },
  SIGNED_OUT: { close: 4402, http: 401, message: 'Sign in to the agent console first.' },
  FORBIDDEN: { close: 4403, http: 403, message: 'This token is not allowed to do that.' },
  SESSION_NOT_FOUND: { close: 4404, http: 404, message: 'No such session.' },
  AUTH_TIMEOUT: { close: 4408, http: 408, message: 'The socket did not authenticate in time.' },
  ROLE_TAKEN: { close: 4409, http: 409, message: 'Another connection already holds this role in the session.' },
  SESSION_ENDED: { close: 4410, http: 410, message: 'The session has ended.' },
  SESSION_EXPIRED: { close: 4411, http: 410, message: 'The session reached its time limit.' },
  IDLE_TIMEOUT: { close: 4412, http: 408, message: 'The socket was idle for too long.' },
  HEARTBEAT_TIMEOUT: { close: 4413, http: 408, message: 'The socket stopped answering heartbeats.' },
  MESSAGE_TOO_LARGE: { close: 4414, http: 413, message: 'The message exceeds the maximum size.' },
  RATE_LIMITED: { close: 4429, http: 429, message: 'Too many messages in too short a time.' },
  TOO_MANY_CONNECTIONS: { close: 4430, http: 429, message: 'Too many connections from this address.' },
  HANDED_OVER: { close: 4420, http: 409, message: 'A person from support took over this session.' },
  HANDOVER_NOT_ALLOWED: {
    close: 4421,
    http: 409,
    message: 'The customer did not allow a person to take over without asking again: offer a new session.',
  },
  VIEWER_REMOVED: { close: 4422, http: 410, message: 'The customer removed you from this session.' },
  VIEWERS_FULL: {
    close: 4423,
    http: 409,
    message: 'This session already has as many agents watching as it allows.',
  },
  BOT_SESSION: {
    close: 4424,
    http: 409,
    message:
      'The customer shared this tab with the automated assistant only. A person joins through a hand-over that the customer allowed.',
  },
  RESUME_REFUSED: {
    close: 4425,
    http: 409,
    message: 'This session went on in another window or tab: it does not resume here.',
  },
  AUDIT_LIMIT: {
    close: 4431,
    http: 429,
    message: "This session's audit record is full: nothing more is recorded until it ends.",
  },
  PEER_ABSENT: { close: 4440, http: 409, message: 'The other side is not connected.' },
  SERVER_SHUTTING_DOWN: { close: 4503, http: 503, message: 'The server is restarting; reconnect shortly.' },
  // Codec and transport (data channel); these never travel as close codes.
  INFLATED_TOO_LARGE: { close: 4415, http: 413, message: 'The message inflates beyond the allowed size.' },
  CORRUPT_STREAM: { close: 4416, http: 400, message: 'The compressed stream is corrupt.' },
  DECODE_FAILED: { close: 4417, http: 400, message: 'The message could not be decoded.' },
  CHUNK_ERROR: { close: 4418, http: 400, message: 'A chunked message could not be reassembled.' },
  SEQUENCE_GAP: { close: 4419, http: 409, message: 'A DOM frame is missing; a fresh snapshot is needed.' },
  INTERNAL: { close: 4500, http: 500, message: 'Internal error.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

// Pure: a bundle that only throws ProtocolErrors (the customer's deflate module) leaves the table out.
export const ERROR_CODE_LIST = /* @__PURE__ */ Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** A protocol error as a value: a code from the table and a human message. */
export interface ProtocolErrorValue {
  code: ErrorCode;
  message: string;
}

/** Thrown (or returned) where a typed error must cross an API boundary. */
export class ProtocolError extends Error implements ProtocolErrorValue {
  readonly code: ErrorCode;
  /** The message says what happened here; ERROR_CODES[code].message is the generic one. */
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
  toValue(): ProtocolErrorValue {
    return { code: this.code, message: this.message };
  }
}

/** The WebSocket close code for an error code. */
export function closeCodeFor(code: ErrorCode): number {
  return ERROR_CODES[code].close;
}

/** The error code for a WebSocket close code, if it is one of ours. */
export function errorCodeForClose(close: number): ErrorCode | undefined {
  return ERROR_CODE_LIST.find((code) => ERROR_CODES[code].close === close);
}

export function isProtocolError(err: unknown): err is ProtocolError {
  return err instanceof ProtocolError;
}
