import { canControlStage, canModerate, canReceiveControl, canRequestControl, ErrorCode, ParleyError } from '@parley/shared';
import { currentRoom, joined, moderator, present, type HandlerGroup } from './context.ts';

type Names = import('@parley/shared').RequestsOf<'moderation'>;

/** Muting, shares and control of the stage [2.11-ii, iv, v]. */
export const moderationHandlers: HandlerGroup<Names> = {
  async 'moderation:mute'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    const targets = p.participantIds === 'all' ? lc.members().filter((m) => !canModerate(m.role)) : p.participantIds.map((id) => present(lc, id));
    let muted = 0;
    for (const t of targets) if (await lc.hold(t, member.ref)) muted++;
    lc.log.info({ muted, all: p.participantIds === 'all' }, 'mediator muted');
    return { muted };
  },

  async 'moderation:ask-unmute'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    await lc.askToUnmute(present(lc, p.participantId), member.ref);
    return { asked: true };
  },

  async 'moderation:stop-share'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { stopped: lc.shares.stop(present(lc, p.participantId), member.ref) };
  },

  async 'control:give'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    const room = lc.room(p.roomId);
    if (!room) throw new ParleyError(ErrorCode.NotFound, 'No such room.');
    const target = present(lc, p.participantId);
    if (!canReceiveControl(target.actor, room.id)) throw new ParleyError(ErrorCode.BadRequest, 'Control can only go to someone in that room who takes part.');
    room.controllerId = target.id;
    lc.notify.room(room.info());
    lc.record('control.given', member.ref, { room: room.name, to: target.identity.displayName });
    return { room: room.info() };
  },

  async 'control:take'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    const room = lc.room(p.roomId);
    if (!room) throw new ParleyError(ErrorCode.NotFound, 'No such room.');
    room.controllerId = member.id;
    lc.notify.room(room.info());
    lc.record('control.taken', member.ref, { room: room.name });
    return { room: room.info() };
  },

  async 'control:request'(socket, _p, { live }) {
    const { member, lc } = joined(socket, live);
    if (!canRequestControl(member.role)) throw new ParleyError(ErrorCode.Forbidden, 'Observers cannot take control of the screen.');
    const room = currentRoom(lc, member);
    if (room.controllerId === member.id) throw new ParleyError(ErrorCode.Conflict, 'You already have control.');
    lc.notify.toModerators('control:requested', { from: member.ref, roomId: room.id });
    return { requested: true };
  },

  async 'stage:set'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    const room = currentRoom(lc, member);
    if (!canControlStage(member.actor, room)) throw new ParleyError(ErrorCode.Forbidden, 'Only the person with control can change the stage.');
    if (p.producerId !== null) {
      const owner = lc.media.ownerOf(p.producerId);
      const ownerMember = owner && lc.member(owner.peerId);
      if (!owner || !ownerMember || ownerMember.roomId !== room.id) throw new ParleyError(ErrorCode.NotFound, 'That video is not in this room.');
      if (owner.source !== 'camera' && owner.source !== 'screen') throw new ParleyError(ErrorCode.BadRequest, 'Only a camera or a shared screen can be on the stage.');
    }
    room.stageProducerId = p.producerId;
    lc.notify.room(room.info());
    return { room: room.info() };
  },

  async 'stage:pointer'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    const room = currentRoom(lc, member);
    if (!canControlStage(member.actor, room)) throw new ParleyError(ErrorCode.Forbidden, 'Only the person with control can point on the stage.');
    lc.notify.toRoom(room.id, 'stage:pointer-moved', p ? { participantId: member.id, x: p.x, y: p.y } : { participantId: member.id, x: null, y: null }, member.id);
    return { sent: true };
  },
};
