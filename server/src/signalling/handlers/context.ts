import { canModerate, ErrorCode, ParleyError, type AgreementStatus, type RequestName, type RequestParsed, type RequestResults } from '@parley/shared';
import type { AccessGate } from '../../auth/AccessGate.ts';
import type { IceServers } from '../../auth/TurnCredentials.ts';
import type { CaseService } from '../../domain/CaseService.ts';
import type { LiveSessions } from '../../live/LiveSessions.ts';
import type { ThreadService } from '../../threads/ThreadService.ts';
import type { LiveCase } from '../../live/LiveCase.ts';
import type { Member, ParleySocket } from '../../live/Member.ts';

export interface HandlerDeps {
  cases: CaseService;
  /** Re-checks who sent each request before its handler runs (see dispatch). */
  gate: AccessGate;
  live: LiveSessions;
  threads: ThreadService;
  /** The agreement version frozen for signature (told at join; changes arrive as agreement:updated). */
  agreementOf: (caseId: string) => Promise<AgreementStatus | null>;
  /** TURN credentials and the ICE policy, handed out with each transport (joined members only). */
  ice: IceServers;
}

export type Handler<K extends RequestName> = (socket: ParleySocket, payload: RequestParsed<K>, deps: HandlerDeps) => Promise<RequestResults[K]>;
export type HandlerGroup<K extends RequestName> = { [P in K]: Handler<P> };

/** The joined member of this socket and their live case, or a typed refusal. */
export function joined(socket: ParleySocket, live: LiveSessions): { member: Member; lc: LiveCase } {
  const member = socket.data.member;
  const lc = member && live.get(member.identity.caseId);
  if (!member || !lc) throw new ParleyError(ErrorCode.NotInSession, 'Join the session first.');
  return { member, lc };
}

/** Same, and the person must be allowed to run the process (the mediator). */
export function moderator(socket: ParleySocket, live: LiveSessions): { member: Member; lc: LiveCase } {
  const j = joined(socket, live);
  if (!canModerate(j.member.role)) throw new ParleyError(ErrorCode.Forbidden, 'Only the mediator can do that.');
  return j;
}
