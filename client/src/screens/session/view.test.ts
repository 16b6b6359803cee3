import { describe, expect, it } from 'vitest';
import { PAUSE_HOLDER, type Presence, type RoomInfo } from '@parley/shared';
import { formatClock, formatElapsed, heldWords, nextCaucusName, personTrouble, stageTile, troubleText, warnSecondsFor, type TileModel } from './view.ts';

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
