import { describe, expect, it } from 'vitest';
import type { RoomInfo } from '@parley/shared';
import { formatClock, nextCaucusName, stageTile, warnSecondsFor, type TileModel } from './view.ts';

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
