import type { Identity } from '../../domain/CaseService.ts';
import type { ParleySocket } from '../../live/Member.ts';
import type { HandlerGroup } from './context.ts';

type Names = import('@parley/shared').RequestsOf<'threads'>;

/**
 * Threads need a consented, valid identity but no live session: a party can read and write
 * between sessions. The credentials and consent are re-checked on every request (AccessGate.authorise
 * in dispatch), so a withdrawn link or a signed-out session stops at once.
 */
const consented = (socket: ParleySocket): Identity => socket.data.identity;

export const threadHandlers: HandlerGroup<Names> = {
  async 'thread:list'(socket, _p, deps) {
    return { threads: await deps.threads.list(consented(socket)) };
  },
  async 'thread:history'(socket, p, deps) {
    return { messages: await deps.threads.history(consented(socket), p.threadId, p.beforeSeq, p.limit) };
  },
  async 'message:send'(socket, p, deps) {
    return { message: await deps.threads.send(consented(socket), p.threadId, p.body, p.clientId) };
  },
  async 'message:edit'(socket, p, deps) {
    return { message: await deps.threads.edit(consented(socket), p.messageId, p.body) };
  },
  async 'message:delete'(socket, p, deps) {
    await deps.threads.delete(consented(socket), p.messageId);
    return { deleted: true };
  },
  async 'thread:read'(socket, p, deps) {
    return { unread: await deps.threads.markRead(consented(socket), p.threadId, p.upToSeq) };
  },
};
