import { canCreateTransport, canModerate, canPublishSource, ErrorCode, ParleyError } from '@parley/shared';
import type { MediasoupTypes } from '@parley/sfu';
import { joined, moderator, type HandlerGroup } from './context.ts';

type Names = import('@parley/shared').RequestsOf<'session'>;

/** Joining, leaving and the media plumbing of one person. */
export const sessionHandlers: HandlerGroup<Names> = {
  async 'session:prepare'(socket, p, { live, ice }) {
    // The same for every case (docs/protocol.md). No live case is created before someone joins;
    // a receive transport, if asked for, is made on the router the case will have.
    const routerRtpCapabilities = live.rtpCapabilities;
    if (!p.receive || socket.data.member) return { routerRtpCapabilities, receive: null };
    // Consent was checked for this request (AccessGate.authorise): TURN credentials may go with it.
    const caseId = socket.data.identity.caseId;
    // Set first: a disconnect from now on releases it (after this prepare, in the case's queue).
    socket.data.preparedIn = caseId;
    const prepared = await live.prepareReceive(caseId, socket.id);
    return { routerRtpCapabilities, receive: { transport: { ...prepared.transport, ...ice.issue(socket.data.identity.participantId) }, probe: prepared.probe } };
  },

  async 'session:join'(socket, p, { cases, live, agreementOf, ice }) {
    if (socket.data.member) throw new ParleyError(ErrorCode.Conflict, 'You are already in the session.');
    // Credentials and current consent were re-checked for this request (AccessGate.authorise in dispatch).
    const identity = socket.data.identity;
    // Read before the case's queue, which every join, prepare and release of the case waits on.
    const [caseTitle, agreement, consentAnswers] = await Promise.all([
      cases.caseTitle(identity.caseId),
      agreementOf(identity.caseId),
      // A mediator who joins late still sees who declined, asked or withdrew meanwhile.
      canModerate(identity.role) ? cases.consent.openAnswers(identity.caseId) : [],
    ]);
    const { member, lc, view } = await live.withCase(identity.caseId, async (lc) => {
      // The queue may have waited: a connection that closed meanwhile does not join.
      if (!socket.connected) throw new ParleyError(ErrorCode.NotInSession, 'Connection closed.');
      const member = await lc.join(identity, socket);
      return {
        member,
        lc,
        view: { ...lc.viewFor(member), caseId: identity.caseId, caseTitle, agreement, consentAnswers, routerRtpCapabilities: lc.media.rtpCapabilities },
      };
    });
    // A transport prepared on the pre-join screen and not adopted below is closed (the join opens another).
    const adopted = !!p.receive?.transportId && lc.media.adoptPrepared(member.id, socket.id, p.receive.transportId);
    if (socket.data.preparedIn) {
      if (!adopted) void live.releasePrepared(socket.data.preparedIn, socket.id);
      delete socket.data.preparedIn;
    }
    if (!p.receive) return { ...view, receive: null };
    // One round trip instead of three (transport:create, media:ready): the person sees the others sooner.
    const transport = adopted ? null : { ...(await lc.media.createWebRtcTransport(member.id, 'recv')), ...ice.issue(member.id) };
    const offers = await lc.media.setReady(member.id, p.receive.rtpCapabilities as MediasoupTypes.RtpCapabilities);
    return { ...view, receive: { transport, offers } };
  },

  async 'session:leave'(socket, _p, { live }) {
    const { member, lc } = joined(socket, live);
    lc.leave(member);
    return { left: true };
  },

  async 'transport:create'(socket, p, { live, ice }) {
    const { member, lc } = joined(socket, live);
    if (!canCreateTransport(member.role, p.direction)) throw new ParleyError(ErrorCode.Forbidden, 'Observers receive only; they cannot send audio or video.');
    // TURN credentials only here: a joined member has passed the gate and consented (assessors receive too).
    return { ...(await lc.media.createWebRtcTransport(member.id, p.direction)), ...ice.issue(member.id) };
  },

  async 'transport:connect'(socket, p, { live }) {
    if (!socket.data.member && socket.data.preparedIn) {
      // Before the join: only the receive transport this connection prepared (and, AccessGate
      // checked, only with current consent).
      await live.connectPrepared(socket.data.preparedIn, socket.id, p.transportId, p.dtlsParameters as MediasoupTypes.DtlsParameters);
      return { connected: true };
    }
    const { member, lc } = joined(socket, live);
    await lc.media.connectTransport(member.id, p.transportId, p.dtlsParameters as MediasoupTypes.DtlsParameters);
    return { connected: true };
  },

  async 'transport:restart-ice'(socket, p, { live, ice }) {
    const { member, lc } = joined(socket, live);
    const iceParameters = await lc.media.restartIce(member.id, p.transportId);
    // A renewal of TURN credentials before they expire is routine, not a breakdown.
    if (!p.renewal) lc.ladder.iceRestarted(member);
    // Fresh TURN credentials: a restart after the old ones expired must not gather with them.
    return { iceParameters, ...ice.issue(member.id) };
  },

  async 'media:audio-only'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    return { audioOnly: await lc.setAudioOnly(member, p.on, p.reason) };
  },

  async 'session:end'(socket, p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { affected: await lc.end(member, p.to, p.reason) };
  },

  async 'session:pause'(socket, _p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { pause: await lc.ladder.pause(member.ref) };
  },

  async 'session:resume'(socket, _p, { live }) {
    const { member, lc } = moderator(socket, live);
    return { resumed: await lc.ladder.resume(member.ref) };
  },

  /** Consumers of everything this person may receive are offered now, one `consumer:receive` each. */
  async 'media:ready'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    const consumers = await lc.media.setReady(member.id, p.rtpCapabilities as MediasoupTypes.RtpCapabilities);
    return { consumers };
  },

  async 'producer:create'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    if (!canPublishSource(member.role, p.source)) throw new ParleyError(ErrorCode.Forbidden, 'Observers cannot send audio, video or screens.');
    if (p.source === 'screen') lc.shares.assertCanShare(member);
    const producerId = await lc.media.produce(member.id, {
      transportId: p.transportId,
      kind: p.kind,
      rtpParameters: p.rtpParameters as MediasoupTypes.RtpParameters,
      source: p.source,
      label: p.label,
    });
    lc.presenceChanged(member);
    if (p.source === 'screen') lc.record('share.started', member.ref, { room: lc.room(member.roomId)?.name ?? '' });
    return { producerId };
  },

  async 'producer:close'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    lc.shares.closeOwn(member, p.producerId);
    return { closed: true };
  },

  async 'producer:set-paused'(socket, p, { live }) {
    const { member, lc } = joined(socket, live);
    await lc.media.setProducerPaused(member.id, p.producerId, p.paused);
    lc.presenceChanged(member);
    return { paused: p.paused };
  },
};
