import { canJoinSession, ErrorCode, ParleyError } from '@parley/shared';
import type { Identity } from '../../domain/CaseService.ts';
import type { ParleySocket } from '../../live/Member.ts';
import type { HandlerDeps, HandlerGroup } from './context.ts';

type Names = import('@parley/shared').RequestsOf<'threads'>;

/**
 * Threads need a consented, valid identity but no live session: a party can read and write
 * between sessions. The link is re-checked on every request, so a withdrawn link stops at once.
 */
function consented(socket: ParleySocket, { cases }: HandlerDeps): Identity {
  if (socket.data.token !== undefined) socket.data.identity = cases.authenticateInvite(socket.data.token);
  const identity = socket.data.identity;
  if (!canJoinSession({ role: identity.role, consentCurrent: cases.hasCurrentConsent(identity) }).allowed) {
    throw new ParleyError(ErrorCode.ConsentRequired, 'Please read and agree to the protocol agreement first.');
  }
  return identity;
}

export const threadHandlers: HandlerGroup<Names> = {
  async 'thread:list'(socket, _p, deps) {
    return { threads: deps.threads.list(consented(socket, deps)) };
  },
  async 'thread:history'(socket, p, deps) {
    return { messages: deps.threads.history(consented(socket, deps), p.threadId, p.beforeSeq, p.limit) };
  },
  async 'message:send'(socket, p, deps) {
    return { message: deps.threads.send(consented(socket, deps), p.threadId, p.body, p.clientId) };
  },
  async 'message:edit'(socket, p, deps) {
    return { message: deps.threads.edit(consented(socket, deps), p.messageId, p.body) };
  },
  async 'message:delete'(socket, p, deps) {
    deps.threads.delete(consented(socket, deps), p.messageId);
    return { deleted: true };
  },
  async 'thread:read'(socket, p, deps) {
    return { unread: deps.threads.markRead(consented(socket, deps), p.threadId, p.upToSeq) };
  },
};
