/**
 * The audit events the server benches fill a session with: a customer browsing a catalogue (page visits) and
 * clicks on its basket buttons, alternating, each at its own millisecond.
 */
import type { AuditEventInput } from '../signaling/store.js';

/** The `i`th event: a page visit when `i` is even, else a click recorded as `clicker`'s. */
export function catalogueEvent(i: number, now: number, clicker: 'customer' | 'agent'): AuditEventInput {
  return i % 2 === 0
    ? {
        type: 'page-visited',
        actor: 'customer',
        at: now + i,
        data: { url: `https://shop.example/catalogue/item-${i}`, title: `Item ${i} of the catalogue` },
      }
    : {
        type: 'remote-action',
        actor: clicker,
        at: now + i,
        data: { action: 'click', target: `button "Add item ${i} to the basket"` },
      };
}
