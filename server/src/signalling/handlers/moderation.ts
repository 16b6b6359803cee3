import { joined, moderator, type HandlerGroup } from './context.ts';

type Names = import('@parley/shared').RequestsOf<'moderation'>;

/** Muting, shares and control of the stage [2.11-ii, iv, v]: the rules live in live/Moderation.ts. */
export const moderationHandlers: HandlerGroup<Names> = {
  async 'moderation:mute'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { muted: await lc.moderation.mute(p.participantIds, member.ref) };
  },

  async 'moderation:ask-unmute'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    await lc.moderation.askToUnmute(p.participantId, member.ref);
    return { asked: true };
  },

  async 'moderation:stop-share'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { stopped: lc.moderation.stopShare(p.participantId, member.ref) };
  },

  async 'control:give'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { room: lc.moderation.giveControl(p.roomId, p.participantId, member.ref) };
  },

  async 'control:take'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { room: lc.moderation.takeControl(p.roomId, member.ref) };
  },

  async 'control:request'(socket, _p, { live }) {
    const { member, lc } = joined(socket, live);
    lc.moderation.requestControl(member);
    return { requested: true };
  },

  async 'stage:set'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    return { room: lc.moderation.setStage(member, p.producerId) };
  },

  async 'stage:pointer'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    lc.moderation.pointer(member, p);
    return { sent: true };
  },
};
