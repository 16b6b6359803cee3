import { joined, moderator, type HandlerGroup } from './context.ts';

type Names = import('@parley/shared').RequestsOf<'rooms'>;

/** Rooms and caucuses [2.10, 2.11-iii]: only the mediator shapes them; anyone may ask for the mediator. */
export const roomHandlers: HandlerGroup<Names> = {
  async 'room:create'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { room: lc.rooms.create(p.name, member.ref).info() };
  },

  async 'room:close'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    await lc.rooms.close(p.roomId, member.ref);
    return { closed: true };
  },

  async 'room:move'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { moved: await lc.rooms.move(p.participantIds, p.roomId, member.ref) };
  },

  async 'room:admit'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { admitted: await lc.rooms.admit(p.participantIds, member.ref) };
  },

  async 'room:open-joint'(socket, _p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { admitted: await lc.rooms.openJoint(member.ref) };
  },

  async 'room:set-timer'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { room: lc.rooms.setTimer(p.roomId, p.minutes, p.warnSeconds, member.ref).info() };
  },

  async 'room:set-share-policy'(socket, p, { live }) {
    const { lc } = moderator(socket, live);
    return { room: lc.moderation.setSharePolicy(p.roomId, p.allowMultipleShares) };
  },

  async 'announcement:send'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    lc.moderation.announce(member.ref, p);
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
