import { canJoinSession, canPublish, ErrorCode, ParleyError, type RequestName, type RequestPayload, type RequestResults } from '@parley/shared';
import type { MediasoupTypes } from '@parley/sfu';
import type { CaseService } from '../domain/CaseService.ts';
import type { LiveSessions } from './LiveSessions.ts';
import type { ParleySocket } from './Member.ts';

export interface HandlerDeps {
  cases: CaseService;
  live: LiveSessions;
}

type Handler<K extends RequestName> = (socket: ParleySocket, payload: RequestPayload<K>, deps: HandlerDeps) => Promise<RequestResults[K]>;
export type Handlers = { [K in RequestName]: Handler<K> };

/** The joined member of this socket, or a typed refusal. */
function joined(socket: ParleySocket) {
  const member = socket.data.member;
  if (!member) throw new ParleyError(ErrorCode.NotInSession, 'Join the session first.');
  return member;
}

export const handlers: Handlers = {
  async 'session:join'(socket, _payload, { cases, live }) {
    if (socket.data.member) throw new ParleyError(ErrorCode.Conflict, 'You are already in the session.');
    // Re-check the link at join time too: it may have been revoked since the handshake.
    if (socket.data.token !== undefined) socket.data.identity = cases.authenticateInvite(socket.data.token);
    const identity = socket.data.identity;
    const decision = canJoinSession({ role: identity.role, consentCurrent: cases.hasCurrentConsent(identity) });
    if (!decision.allowed) {
      throw new ParleyError(ErrorCode.ConsentRequired, 'Please read and agree to the protocol agreement before joining.');
    }
    return live.withCase(identity.caseId, (lc) => {
      if (!socket.connected) throw new ParleyError(ErrorCode.NotInSession, 'Connection closed.');
      const member = lc.join(identity, socket);
      return {
        self: lc.presenceOf(member),
        caseId: identity.caseId,
        caseTitle: cases.caseTitle(identity.caseId),
        routerRtpCapabilities: lc.media.rtpCapabilities,
        participants: lc.members().filter((m) => m !== member).map((m) => lc.presenceOf(m)),
      };
    });
  },

  async 'session:leave'(socket, _p, { live }) {
    const member = joined(socket);
    live.get(member.identity.caseId)?.leave(member, 'left');
    return { left: true };
  },

  async 'transport:create'(socket, p, { live }) {
    const member = joined(socket);
    const lc = live.get(member.identity.caseId)!;
    return lc.media.createWebRtcTransport(member.id, p.direction);
  },

  async 'transport:connect'(socket, p, { live }) {
    const member = joined(socket);
    await live.get(member.identity.caseId)!.media.connectTransport(member.id, p.transportId, p.dtlsParameters as MediasoupTypes.DtlsParameters);
    return { connected: true };
  },

  async 'media:ready'(socket, p, { live }) {
    const member = joined(socket);
    const consumers = await live.get(member.identity.caseId)!.media.setReady(member.id, p.rtpCapabilities as MediasoupTypes.RtpCapabilities);
    return { consumers };
  },

  async 'producer:create'(socket, p, { live }) {
    const member = joined(socket);
    if (!canPublish(member.identity.role, p.source)) throw new ParleyError(ErrorCode.Forbidden, 'Observers cannot send audio or video.');
    const lc = live.get(member.identity.caseId)!;
    const producerId = await lc.media.produce(member.id, {
      transportId: p.transportId,
      kind: p.kind,
      rtpParameters: p.rtpParameters as MediasoupTypes.RtpParameters,
      source: p.source,
    });
    lc.presenceChanged(member);
    return { producerId };
  },

  async 'producer:close'(socket, p, { live }) {
    const member = joined(socket);
    const lc = live.get(member.identity.caseId)!;
    lc.media.closeProducer(member.id, p.producerId);
    lc.presenceChanged(member);
    return { closed: true };
  },

  async 'producer:set-paused'(socket, p, { live }) {
    const member = joined(socket);
    const lc = live.get(member.identity.caseId)!;
    await lc.media.setProducerPaused(member.id, p.producerId, p.paused);
    lc.presenceChanged(member);
    return { paused: p.paused };
  },

  async 'consumer:resume'(socket, p, { live }) {
    const member = joined(socket);
    await live.get(member.identity.caseId)!.media.resumeConsumer(member.id, p.consumerId);
    return { resumed: true };
  },
};
