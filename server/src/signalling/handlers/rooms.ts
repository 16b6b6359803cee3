import { ErrorCode, ParleyError } from '@parley/shared';
import { joined, moderator, type HandlerGroup } from './context.ts';

type Names = import('@parley/shared').RequestsOf<'rooms'>;

/** Rooms and caucuses [2.10, 2.11-iii]: only the mediator shapes them; anyone may ask for the mediator. */
export const roomHandlers: HandlerGroup<Names> = {
  async 'room:create'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { room: lc.createRoom(p.name, member.ref).info() };
  },

  async 'room:close'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    await lc.closeRoom(p.roomId, member.ref);
    return { closed: true };
  },

  async 'room:move'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { moved: await lc.move(p.participantIds, p.roomId, member.ref) };
  },

  async 'room:set-timer'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { room: lc.setTimer(p.roomId, p.minutes, p.warnSeconds, member.ref).info() };
  },

  async 'room:set-share-policy'(socket, p, { live }) {
    const { lc } = moderator(socket, live);
    const room = lc.room(p.roomId);
    if (!room) throw new ParleyError(ErrorCode.NotFound, 'No such room.');
    room.allowMultipleShares = p.allowMultipleShares;
    lc.notify.room(room.info());
    return { room: room.info() };
  },

  async 'announcement:send'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    lc.announcements.send(member.ref, p.text);
    lc.record('announcement.sent', member.ref, { text: p.text });
    return { sent: true };
  },

  async 'assistance:request'(socket, _p, { live }) {
    const { member, lc } = joined(socket, live);
    return { requestId: lc.assistance.request(member).id };
  },

  async 'assistance:resolve'(socket, p, { live }) {
    const { lc } = moderator(socket, live);
    lc.assistance.resolve(p.requestId);
    return { resolved: true };
  },
};

