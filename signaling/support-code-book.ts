/**
 * Where pending support codes live until claimed or expired: in memory for
 * one instance, in Redis (SET NX PX, GETDEL) when any instance may be asked
 * to claim a code another one issued. Claiming is atomic: a code works once.
 */
import type { Redis } from 'ioredis';
import * as z from 'zod';

export const pendingCode = z.strictObject({
  sessionId: z.string(),
  agent: z.strictObject({ link: z.string(), token: z.string() }),
  expiresAt: z.number(),
});
export type PendingCode = z.infer<typeof pendingCode>;

export interface SupportCodeBook {
  /** False if the code is taken (the caller draws another) or the book is full. */
  put(digits: string, entry: PendingCode, now: number): Promise<boolean>;
  /** The entry, removed so that it works once; undefined if unknown or expired. */
  take(digits: string, now: number): Promise<PendingCode | undefined>;
}

const MAX_PENDING = 10_000;

export function memoryCodeBook(): SupportCodeBook {
  const pending = new Map<string, PendingCode>();
  const sweep = (now: number) => {
    for (const [code, entry] of pending) if (entry.expiresAt <= now) pending.delete(code);
  };
  return {
    async put(digits, entry, now) {
      sweep(now);
      if (pending.size >= MAX_PENDING || pending.has(digits)) return false;
      pending.set(digits, entry);
      return true;
    },
    async take(digits, now) {
      sweep(now);
      const entry = pending.get(digits);
      pending.delete(digits);
      return entry;
    },
  };
}

export function redisCodeBook(redis: Redis): SupportCodeBook {
  const key = (digits: string) => `cobrowse:code:${digits}`;
  return {
    async put(digits, entry, now) {
      const ttl = Math.max(1, entry.expiresAt - now);
      return (await redis.set(key(digits), JSON.stringify(entry), 'PX', ttl, 'NX')) === 'OK';
    },
    async take(digits) {
      const text = await redis.getdel(key(digits));
      if (text === null) return undefined;
      const parsed = pendingCode.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    },
  };
}
