import { describe, expect, it } from 'vitest';
import {
  canAskForMediator, canControlStage, canModerate, canPublishSource, canReceiveControl, canSelfUnmute, canStartShare, mayKnowRoom,
  presenceFor, roomsVisibleTo, type Actor,
} from './rooms.ts';
import type { Presence, RoomInfo } from './domain.ts';

const mediator: Actor = { id: 'm', role: 'mediator', roomId: 'caucus-aaaa' };
const partyA: Actor = { id: 'a', role: 'party', roomId: 'caucus-aaaa' };
const partyB: Actor = { id: 'b', role: 'party', roomId: 'joint' };
const room = (id: string, over: Partial<RoomInfo> = {}): RoomInfo => ({
  id: id as RoomInfo['id'], name: id, kind: id === 'joint' ? 'joint' : 'caucus', controllerId: 'm', stageProducerId: null, allowMultipleShares: false, timer: null, ...over,
});
const presence = (id: string, roomId: string): Presence => ({
  id, displayName: id, role: 'party', side: 'A', roomId: roomId as Presence['roomId'], mic: 'on', micHeldBy: null, camera: 'on',
  cameras: [{ producerId: 'p', label: 'Face', state: 'on' }], sharing: true, connection: 'connected', awaySince: null, audioOnly: false,
});

describe('room visibility', () => {
  it('the mediator sees every room; a party only their own', () => {
    const rooms = [room('joint'), room('caucus-aaaa'), room('caucus-bbbb')];
    expect(roomsVisibleTo(mediator, rooms)).toHaveLength(3);
    expect(roomsVisibleTo(partyB, rooms).map((r) => r.id)).toEqual(['joint']);
    expect(roomsVisibleTo(partyA, rooms).map((r) => r.id)).toEqual(['caucus-aaaa']);
    expect(mayKnowRoom(partyB, 'caucus-aaaa')).toBe(false);
    expect(mayKnowRoom(mediator, 'caucus-bbbb')).toBe(true);
  });

  it('a party learns nothing of someone in another room but that they are present', () => {
    const seen = presenceFor(partyB, presence('a', 'caucus-aaaa'));
    expect(seen).toMatchObject({ id: 'a', roomId: null, mic: 'none', camera: 'none', cameras: [], sharing: false, micHeldBy: null });
    expect(presenceFor(partyA, presence('a2', 'caucus-aaaa'))).toMatchObject({ roomId: 'caucus-aaaa', sharing: true });
    expect(presenceFor(mediator, presence('b', 'joint')).roomId).toBe('joint');
    expect(presenceFor(partyB, presence('b', 'joint')).roomId).toBe('joint');
  });
});

describe('who may do what', () => {
  it('only the mediator moderates; observers never publish', () => {
    expect(canModerate('mediator')).toBe(true);
    for (const r of ['party', 'advisor', 'assessor'] as const) expect(canModerate(r)).toBe(false);
    expect(canPublishSource('assessor', 'screen')).toBe(false);
    expect(canPublishSource('party', 'screen')).toBe(true);
  });

  it('one screen share per room unless more are allowed', () => {
    expect(canStartShare({ allowMultipleShares: false }, 0)).toEqual({ allowed: true });
    expect(canStartShare({ allowMultipleShares: false }, 1)).toEqual({ allowed: false, reason: 'one_share_per_room' });
    expect(canStartShare({ allowMultipleShares: true }, 3)).toEqual({ allowed: true });
  });

  it('stage commands come only from the controller of the room they are in', () => {
    expect(canControlStage(mediator, room('caucus-aaaa'))).toBe(true);
    expect(canControlStage(partyA, room('caucus-aaaa'))).toBe(false);
    expect(canControlStage(partyA, room('caucus-aaaa', { controllerId: 'a' }))).toBe(true);
    // Control of another room gives nothing here.
    expect(canControlStage({ ...partyA, roomId: 'joint' }, room('caucus-aaaa', { controllerId: 'a' }))).toBe(false);
    expect(canReceiveControl({ role: 'assessor', roomId: 'joint' }, 'joint')).toBe(false);
    expect(canReceiveControl({ role: 'party', roomId: 'caucus-aaaa' }, 'joint')).toBe(false);
    expect(canReceiveControl({ role: 'party', roomId: 'joint' }, 'joint')).toBe(true);
  });

  it('a held microphone cannot be self-unmuted; asking for the mediator only when apart', () => {
    expect(canSelfUnmute(true)).toBe(false);
    expect(canSelfUnmute(false)).toBe(true);
    expect(canAskForMediator(partyB, ['caucus-aaaa'])).toBe(true);
    expect(canAskForMediator(partyA, ['caucus-aaaa'])).toBe(false);
    expect(canAskForMediator(mediator, [])).toBe(false);
  });
});
