import { describe, expect, it } from 'vitest';
import { ErrorCode, JOINT_ROOM } from '@parley/shared';
import { liveCase, person } from './live.fakes.ts';

async function withMediatorAndParties() {
  const t = liveCase();
  const m = await t.join(person('m', 'mediator'));
  const a = await t.join(person('a', 'party'));
  const b = await t.join(person('b', 'party'));
  return { ...t, m, a, b };
}

describe('Moderation', () => {
  it('asking a party to unmute is refused while the joint session is paused, and the hold stays', async () => {
    const { lc, m, media } = await withMediatorAndParties();
    await lc.ladder.pause(m.member.ref);
    await expect(lc.moderation.askToUnmute('a', m.member.ref)).rejects.toMatchObject({ code: ErrorCode.Conflict });
    expect(media.isHeld('a', 'mic')).toBe(true);
  });

  it('control goes to a party in that room', async () => {
    const { lc, m } = await withMediatorAndParties();
    expect(lc.moderation.giveControl(JOINT_ROOM, 'a', m.member.ref).controllerId).toBe('a');
  });

  it('control is refused to someone in another room', async () => {
    const { lc, m } = await withMediatorAndParties();
    const caucus = lc.rooms.create('With B');
    await lc.rooms.move(['b'], caucus.id, null);
    expect(() => lc.moderation.giveControl(JOINT_ROOM, 'b', m.member.ref)).toThrow(expect.objectContaining({ code: ErrorCode.BadRequest }));
    expect(lc.room(JOINT_ROOM)?.controllerId).toBe('m');
  });

  it('control is refused to an assessor, who only observes', async () => {
    const { lc, m, join } = await withMediatorAndParties();
    await join(person('o', 'assessor'));
    expect(() => lc.moderation.giveControl(JOINT_ROOM, 'o', m.member.ref)).toThrow(expect.objectContaining({ code: ErrorCode.BadRequest }));
  });

  it('the stage shows a camera or a screen of someone in this room', async () => {
    const { lc, m, media } = await withMediatorAndParties();
    const screen = media.publish('a', 'screen');
    expect(lc.moderation.setStage(m.member, screen).stageProducerId).toBe(screen);
  });

  it('a microphone cannot be put on the stage', async () => {
    const { lc, m, media } = await withMediatorAndParties();
    const mic = media.publish('a', 'mic');
    expect(() => lc.moderation.setStage(m.member, mic)).toThrow(expect.objectContaining({ code: ErrorCode.BadRequest }));
    expect(lc.room(JOINT_ROOM)?.stageProducerId).toBeNull();
  });

  it('a camera of someone in another room cannot be put on the stage', async () => {
    const { lc, m, media } = await withMediatorAndParties();
    const caucus = lc.rooms.create('With B');
    await lc.rooms.move(['b'], caucus.id, null);
    const camera = media.publish('b', 'camera');
    expect(() => lc.moderation.setStage(m.member, camera)).toThrow(expect.objectContaining({ code: ErrorCode.NotFound }));
  });
});
