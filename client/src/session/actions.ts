import type { RequestName, RequestPayload, RequestResults } from '@parley/shared';

/** Sends one request and resolves with its result (SessionClient.request, ThreadsClient's). */
export type Requester = <K extends RequestName>(name: K, payload: RequestPayload<K>) => Promise<RequestResults[K]>;

/**
 * What screens do in a live session, by name: `client.rooms.move(ids, roomId)`,
 * `client.moderation.mute(ids)`. Components call these and never spell a wire message name, so
 * the protocol (shared/src/events.ts) can change without touching a screen. The server decides
 * who may do what; a refusal rejects the promise with a SessionRequestError.
 */
export function liveActions(request: Requester) {
  return {
    /** Caucus rooms and who is in them (mediator). */
    rooms: {
      create: (name: string) => request('room:create', { name }),
      close: (roomId: string) => request('room:close', { roomId }),
      move: (participantIds: string[], roomId: string) => request('room:move', { participantIds, roomId }),
      /** Lets people waiting in the waiting room into the joint room. */
      admit: (participantIds: string[]) => request('room:admit', { participantIds }),
      /** Lets everyone waiting in; whoever comes later goes straight in. */
      openJoint: () => request('room:open-joint', {}),
      /** `minutes: null` clears the countdown. */
      setTimer: (roomId: string, minutes: number | null, warnSeconds: number) => request('room:set-timer', { roomId, minutes, warnSeconds }),
    },
    /** Holding microphones and ending shares (mediator). */
    moderation: {
      mute: (participantIds: string[] | 'all') => request('moderation:mute', { participantIds }),
      askToUnmute: (participantId: string) => request('moderation:ask-unmute', { participantId }),
      stopShare: (participantId: string) => request('moderation:stop-share', { participantId }),
    },
    /** Who controls a room's shared stage (mediator). */
    control: {
      give: (roomId: string, participantId: string) => request('control:give', { roomId, participantId }),
      take: (roomId: string) => request('control:take', { roomId }),
    },
    /** The controller's choice of main stage (null = automatic). */
    stage: {
      set: (producerId: string | null) => request('stage:set', { producerId }),
    },
    /** The whole session (mediator). */
    session: {
      /** Ends it for everyone with a reason they are told: back to the waiting room, or out (every connection closed, this one too). */
      end: (to: 'waiting-room' | 'out', reason: string) => request('session:end', { to, reason }),
    },
    /** A message to everyone in every room (mediator). */
    announcements: {
      send: (text: string) => request('announcement:send', { text }),
    },
  };
}

export type LiveActions = ReturnType<typeof liveActions>;

/** The thread requests, by name, for ThreadsClient (threads work outside a live session too). */
export function threadRequests(request: Requester) {
  return {
    list: () => request('thread:list', {}),
    history: (threadId: string, limit: number, beforeSeq?: number) => request('thread:history', { threadId, limit, ...(beforeSeq ? { beforeSeq } : {}) }),
    send: (threadId: string, body: string, clientId: string) => request('message:send', { threadId, body, clientId }),
    edit: (messageId: string, body: string) => request('message:edit', { messageId, body }),
    remove: (messageId: string) => request('message:delete', { messageId }),
    markRead: (threadId: string, upToSeq: number) => request('thread:read', { threadId, upToSeq }),
  };
}
