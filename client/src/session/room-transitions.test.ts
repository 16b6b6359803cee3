import { describe, expect, it } from 'vitest';
import type { Presence, RoomInfo } from '@parley/shared';
import {
  afterSelfMoved, withAssistance, withBroadcast, withLinkReused, withPointer, withRoom, withSnapshotBroadcasts, withTimerWarning, withoutAssistance, withoutLinkReused, withoutRoom,
} from './room-transitions.ts';
import { initialSessionState, type SessionState } from './store.ts';

const room = (id: string, extra: Partial<RoomInfo> = {}): RoomInfo =>
  ({ id, name: id === 'joint' ? 'Joint room' : 'Side A', kind: id === 'joint' ? 'joint' : 'caucus', controllerId: 'med00000', stageProducerId: null, allowMultipleShares: false, timer: null, ...extra }) as RoomInfo;
const person = (id: string, role: Presence['role'], roomId: string | null): Presence =>
  ({ id, displayName: id, role, side: null, roomId, mic: 'on', micHeldBy: null, camera: 'on', cameras: [], sharing: false, connection: 'connected', awaySince: null, audioOnly: false }) as Presence;
const state = (patch: Partial<SessionState>): SessionState => ({ ...initialSessionState, ...patch });

describe('room transitions', () => {
  it('a changed or cleared timer drops its warning; an unchanged one keeps it', () => {
    const timer = { endsAt: '2030-01-01T00:00:00.000Z', warnSeconds: 60 };
    let s = state({ rooms: [room('caucus-abcd', { timer })] });
    s = withTimerWarning(s, { roomId: 'caucus-abcd', secondsLeft: 60 }, 1);
    expect(withRoom(s, room('caucus-abcd', { timer, controllerId: 'party001' })).timerWarnings['caucus-abcd']).toBeDefined();
    expect(withRoom(s, room('caucus-abcd', { timer: null })).timerWarnings['caucus-abcd']).toBeUndefined();
  });

  it('the pointer belongs to my room and disappears when control changes hands', () => {
    let s = state({ self: person('party001', 'party', 'joint'), rooms: [room('joint', { controllerId: 'party002' })] });
    s = withPointer(s, { participantId: 'party002', x: 0.25, y: 0.5 });
    expect(s.pointers.joint).toEqual({ participantId: 'party002', x: 0.25, y: 0.5 });
    expect(withRoom(s, room('joint', { controllerId: 'med00000' })).pointers.joint).toBeUndefined();
    expect(withPointer(s, { participantId: 'party002', x: null, y: null }).pointers.joint).toBeUndefined();
  });

  it('a party who moves forgets the room they left; the mediator keeps every room', () => {
    const rooms = [room('joint'), room('caucus-abcd')];
    const party = afterSelfMoved(state({ rooms }), 'joint', person('party001', 'party', 'caucus-abcd'));
    expect(party.rooms.map((r) => r.id)).toEqual(['caucus-abcd']);
    const mediator = afterSelfMoved(state({ rooms }), 'joint', person('med00000', 'mediator', 'caucus-abcd'));
    expect(mediator.rooms).toHaveLength(2);
  });

  it('resolving my own request for the mediator clears the acknowledgement', () => {
    const req = { requestId: 'req00001', from: { id: 'party001', displayName: 'Ana' }, roomId: 'caucus-abcd', roomName: 'Side A', at: '' };
    let s = withAssistance(state({ askedForMediator: { requestId: 'req00001' } }), req);
    expect(withAssistance(s, { ...req, requestId: 'req00002' }).assistance).toHaveLength(1); // one per person
    s = withoutAssistance(s, 'req00001');
    expect(s.assistance).toEqual([]);
    expect(s.askedForMediator).toBeNull();
  });

  it('announcements are newest first, once each; a closed room takes its state with it', () => {
    const a = (id: string) => ({ id, text: id, from: { id: 'med00000', displayName: 'Mediator' }, at: '' });
    let s = withBroadcast(withBroadcast(state({}), a('one'), 1), a('two'), 2);
    s = withBroadcast(s, a('one'), 3);
    expect(s.announcements.map((b) => b.id)).toEqual(['two', 'one']);
    s = withTimerWarning(state({ rooms: [room('caucus-abcd')], controlAsked: 'caucus-abcd' }), { roomId: 'caucus-abcd', secondsLeft: 5 }, 1);
    const closed = withoutRoom(s, 'caucus-abcd');
    expect([closed.rooms, closed.timerWarnings, closed.controlAsked]).toEqual([[], {}, null]);
  });

  it('the join snapshot fills the announcements: history on a first join, news after a reconnect, nothing twice', () => {
    const a = (id: string, at: string) => ({ id, text: id, from: { id: 'med00000', displayName: 'Mediator' }, at });
    const snapshot = [a('two', '2030-01-01T10:02:00.000Z'), a('one', '2030-01-01T10:01:00.000Z')];
    // A reload: both are shown, neither pops up as a toast (receivedAt 0).
    const first = withSnapshotBroadcasts(state({}), snapshot, false, 500);
    expect(first.announcements.map((b) => [b.id, b.receivedAt])).toEqual([['two', 0], ['one', 0]]);
    // A reconnect: the one I had keeps its time; the one sent while I was away is news.
    const had = withBroadcast(state({}), a('one', '2030-01-01T10:01:00.000Z'), 7);
    const back = withSnapshotBroadcasts(had, snapshot, true, 900);
    expect(back.announcements.map((b) => [b.id, b.receivedAt])).toEqual([['two', 900], ['one', 7]]);
    expect(withSnapshotBroadcasts(back, [], true, 1000)).toBe(back);
  });

  it('a link opened elsewhere is one notice per person until the mediator dismisses it', () => {
    const e = (at: string) => ({ participant: { id: 'party001', displayName: 'Ana' }, at });
    const s = withLinkReused(withLinkReused(state({}), e('1')), e('2'));
    expect(s.linkReuses).toEqual([e('2')]);
    expect(withoutLinkReused(s, 'party001').linkReuses).toEqual([]);
  });
});
