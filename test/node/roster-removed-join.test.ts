/**
 * A removed viewer's invite is void for good (red team s12 F4): a 'viewer-joined'
 * recorded after its 'viewer-removed' (by an instance that had not heard of the
 * removal yet) must not put it back among those who watch, which the customer
 * would be told. Control: the same join without the removal does.
 */
import { describe, expect, it } from 'vitest';
import { rosterFrom, type RosterEvent } from '../../signaling/viewer-invites.js';

const id = 'vAbCdEfGh12';
const viewer = { viewerId: id, viewerName: 'Mallory', viewerKind: 'agent' };
const invited: RosterEvent = { type: 'viewer-invited', data: viewer };
const joined: RosterEvent = { type: 'viewer-joined', data: viewer };
const removed: RosterEvent = { type: 'viewer-removed', data: viewer };
const left: RosterEvent = { type: 'viewer-left', data: viewer };

describe('roster fold after a removal', () => {
  it('a join recorded after the removal leaves the viewer removed', () => {
    const roster = rosterFrom([invited, joined, removed, joined]);
    expect([...roster.present.keys()]).toEqual([]);
    expect([...roster.removed]).toEqual([id]);
  });

  it('control: a viewer who left and joined again watches', () => {
    const roster = rosterFrom([invited, joined, left, joined]);
    expect([...roster.present.keys()]).toEqual([id]);
    expect([...roster.removed]).toEqual([]);
  });
});
