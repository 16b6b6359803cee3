import { describe, expect, it } from 'vitest';
import { PAUSE_HOLDER, type Presence, type RoomInfo } from '@parley/shared';
import { initialSessionState, type SessionState } from '../../session/store.ts';
import {
  controlChipText, emptyStageText, formatClock, formatElapsed, hasControl, heldWords, nextCaucusName, personTrouble, roomLineText, roomTiles, stageTile, troubleText,
  warnSecondsFor, type TileModel,
} from './view.ts';

describe('session view helpers', () => {
  it('counts down in m:ss and never below zero', () => {
    expect([formatClock(599_001), formatClock(65_000), formatClock(4_200), formatClock(-3_000)]).toEqual(['10:00', '1:05', '0:05', '0:00']);
  });

  it('warns a minute before the end, or a third of a short timer (at least 5 s)', () => {
    expect([warnSecondsFor(10), warnSecondsFor(2), warnSecondsFor(1.5), warnSecondsFor(0.1)]).toEqual([60, 60, 30, 5]);
  });

  it('suggests the first free caucus number', () => {
    const rooms = [{ name: 'Joint room' }, { name: 'Caucus 1' }, { name: 'caucus 3' }] as RoomInfo[];
    expect(nextCaucusName(rooms)).toBe('Caucus 2');
  });

  it('the stage is the controller’s choice, else a screen someone else shares, else none', () => {
    const tile = (key: string, kind: TileModel['kind'], local = false) => ({ key, kind, local, producerId: `p-${key}` }) as TileModel;
    const tiles = [tile('cam', 'camera'), tile('mine', 'screen', true), tile('theirs', 'screen')];
    const r = (stageProducerId: string | null) => ({ stageProducerId }) as RoomInfo;
    expect(stageTile(tiles, r('p-cam'))?.key).toBe('cam');
    expect(stageTile(tiles, r(null))?.key).toBe('theirs');
    expect(stageTile(tiles.slice(0, 2), r(null))).toBeNull();
    expect(stageTile(tiles.slice(0, 2), r('gone'))).toBeNull();
  });
});

describe('other people’s connection trouble', () => {
  const ana = (patch: Partial<Presence>) => ({ id: 'ana00000', displayName: 'Ana', connection: 'connected', audioOnly: false, ...patch }) as Presence;

  it('counts up in m:ss on the viewer’s clock', () => {
    expect([formatElapsed(0), formatElapsed(23_900), formatElapsed(125_000), formatElapsed(-5)]).toEqual(['0:00', '0:23', '2:05', '0:00']);
    const t = personTrouble(ana({ connection: 'reconnecting' }), { ana00000: 10_000 }, 99_999)!;
    expect(troubleText('Ana', t, 33_000)).toBe('Ana’s connection dropped — reconnecting, 0:23');
  });

  it('says when audio and video do not get through, or video is off for a weak connection', () => {
    expect(troubleText('Ana', personTrouble(ana({ connection: 'media-lost' }), {}, 0)!, 0)).toBe('Ana’s audio and video are not getting through');
    expect(troubleText('Ana', personTrouble(ana({ audioOnly: true }), {}, 0)!, 0)).toBe('Ana is on audio only (weak connection)');
    expect(personTrouble(ana({}), {}, 0)).toBeNull();
  });

  it('tells a pause hold from a mediator’s mute', () => {
    expect(heldWords(PAUSE_HOLDER, 'me')).toBe('Muted while the joint session is paused');
    expect(heldWords({ id: 'me', displayName: 'Maria' }, 'me')).toBe('Muted by you');
    expect(heldWords({ id: 'med', displayName: 'Maria' }, 'me')).toBe('Muted by Maria');
  });
});

describe('what the session says about my room', () => {
  const person = (id: string, patch: Partial<Presence> = {}) =>
    ({ id, displayName: id, role: 'party', side: null, roomId: 'joint', mic: 'on', micHeldBy: null, camera: 'on', cameras: [], sharing: false, connection: 'connected', awaySince: null, audioOnly: false, ...patch }) as Presence;
  const joint = { id: 'joint', name: 'Joint room', kind: 'joint', controllerId: 'Maria', stageProducerId: null, allowMultipleShares: false, timer: null } as RoomInfo;
  const state = (patch: Partial<SessionState> = {}, local: Partial<SessionState['local']> = {}): SessionState => ({
    ...initialSessionState,
    connection: { status: 'joined' },
    self: person('Ana'),
    others: [person('Maria', { role: 'mediator' }), person('Ben')],
    rooms: [joint],
    ...patch,
    local: { ...initialSessionState.local, mic: 'on', camera: 'on', ...local },
  });

  it('in the waiting room, says that nobody sees or hears me and who will let me in', () => {
    const waiting = { self: person('Ana', { roomId: 'waiting-Ana0000000' }), rooms: [] };
    expect(roomLineText(state({ ...waiting, others: [person('Maria', { role: 'mediator', roomId: null }), person('Ben', { roomId: null })] }))).toBe(
      'You are in the waiting room · Nobody can see or hear you. Maria will let you in.',
    );
    expect(roomLineText(state({ ...waiting, others: [person('Ben', { roomId: null })] }))).toBe(
      'You are in the waiting room · Nobody can see or hear you. The mediator has not arrived yet; they will let you in.',
    );
    expect(emptyStageText(state(waiting)).text).toBe('You are in the waiting room. The mediator will let you in.');
    expect(emptyStageText(state({ ...waiting, others: [] })).text).toBe('You are in the waiting room. The mediator has not arrived yet.');
  });

  it('says who can see and hear me, and what they cannot because my microphone or camera is off', () => {
    expect(roomLineText(state())).toBe('You are in the joint room · Everyone in this room can see and hear you: Maria, Ben');
    expect(roomLineText(state({}, { mic: 'off' }))).toBe('You are in the joint room · Everyone in this room can see you (your microphone is off): Maria, Ben');
    expect(roomLineText(state({}, { camera: 'off' }))).toBe('You are in the joint room · Everyone in this room can hear you (your camera is off): Maria, Ben');
    expect(roomLineText(state({}, { mic: 'off', camera: 'off' }))).toBe('You are in the joint room · Your microphone and camera are off: nobody can see or hear you. In this room: Maria, Ben');
    expect(roomLineText(state({}, { mic: 'none', camera: 'off' }))).toBe('You are in the joint room · You have no microphone and your camera is off: nobody can see or hear you. In this room: Maria, Ben');
    const shared = { track: {} as MediaStreamTrack, audioTrack: null, producerId: 'p' };
    expect(roomLineText(state({}, { camera: 'off', screen: shared }))).toBe('You are in the joint room · Everyone in this room can hear you and see your shared screen (your camera is off): Maria, Ben');
  });

  it('alone in the joint room while the mediator is in a caucus: a private meeting, with only what I was told', () => {
    // The server redacts people in other rooms for a party: roomId null, no media.
    const away = state({ others: [person('Maria', { role: 'mediator', roomId: null }), person('Ben', { roomId: null })] }, { mic: 'off' });
    expect(emptyStageText(away)).toEqual({
      text: 'The mediator is in a private meeting in another room. Ben is not in this room either.',
      hint: 'You will be back together in this room when the private meeting ends. Until then nobody can see or hear you here.',
    });
    expect(roomLineText(away)).toBe('You are in the joint room · Nobody else is in this room right now: nobody can see or hear you');
    // The joint room keeps the mediator as its controller, but nobody steers a room they left.
    expect(controlChipText(away)).toBeNull();
    expect(controlChipText(state())).toBe('Maria has control');
    // Before anyone else came: waiting, as before.
    expect(emptyStageText(state({ others: [] })).text).toBe('Waiting for the others to join…');
    expect(roomLineText(state({ others: [] }))).toBe('You are in the joint room · Nobody else is in this room yet');
  });

  it('marks who has control of the stage of the room they are in', () => {
    expect(hasControl(person('Maria'), [joint])).toBe(true);
    expect(hasControl(person('Maria', { roomId: 'caucus-1' }), [joint])).toBe(false);
    expect(hasControl(person('Ben'), [joint])).toBe(false);
    const handed = state({ rooms: [{ ...joint, controllerId: 'Ben' }] });
    expect(roomTiles(handed).filter((t) => t.control).map((t) => t.name)).toEqual(['Ben']);
    expect(controlChipText(handed)).toBe('Ben has control');
    expect(controlChipText(state({ rooms: [{ ...joint, controllerId: 'Ana' }] }))).toBe('You have control of the stage');
  });
});
