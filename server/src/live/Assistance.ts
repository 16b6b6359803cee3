import { canAskForMediator, canModerate, ErrorCode, isWaitingRoom, ParleyError, type PersonRef } from '@parley/shared';
import type { Member } from './Member.ts';
import type { Notifier } from './Notifier.ts';
import type { Room } from './Room.ts';

interface AssistanceRequest {
  id: string;
  from: PersonRef;
  roomId: string;
  at: string;
}

interface AssistanceDeps {
  members: () => Member[];
  member: (id: string) => Member | undefined;
  room: (id: string) => Room | undefined;
  notify: Notifier;
  newId: () => string;
}

/**
 * People asking for the mediator from a room the mediator is not in [2.10], or from the waiting
 * room, until answered: the mediator comes to them, or they are moved (let in, sent elsewhere).
 */
export class Assistance {
  readonly #deps: AssistanceDeps;
  readonly #open = new Map<string, AssistanceRequest>();

  constructor(deps: AssistanceDeps) {
    this.#deps = deps;
  }

  request(from: Member): AssistanceRequest {
    const { members, room: roomOf, notify, newId } = this.#deps;
    const mediatorRooms = members().filter((m) => canModerate(m.role)).map((m) => m.roomId);
    if (!canAskForMediator(from.actor, mediatorRooms)) throw new ParleyError(ErrorCode.Conflict, 'The mediator is already with you.');
    for (const r of this.#open.values()) if (r.from.id === from.id) return r;
    // A waiting place is no room of the case: the mediator answers by letting them in.
    const roomName = roomOf(from.roomId)?.name ?? (isWaitingRoom(from.roomId) ? 'the waiting room' : null);
    if (roomName === null) throw new ParleyError(ErrorCode.Conflict, 'You are not in a room right now: wait until you are back in one.');
    const req = { id: newId(), from: from.ref, roomId: from.roomId, at: new Date().toISOString() };
    this.#open.set(req.id, req);
    notify.toModerators('assistance:requested', { requestId: req.id, from: req.from, roomId: req.roomId, roomName, at: req.at });
    return req;
  }

  resolve(requestId: string): void {
    const req = this.#open.get(requestId);
    if (!req) throw new ParleyError(ErrorCode.NotFound, 'That request was already answered.');
    this.#open.delete(requestId);
    this.#deps.notify.toModerators('assistance:resolved', { requestId });
    this.#deps.notify.to(this.#deps.member(req.from.id), 'assistance:resolved', { requestId });
  }

  /**
   * The mediator arriving in a room answers any request for them from that room; so does the
   * person who asked being moved out of it (let in from the waiting room, sent to a caucus).
   */
  afterMove(movers: Member[]): void {
    for (const req of [...this.#open.values()]) {
      const mediatorCame = movers.some((m) => canModerate(m.role) && m.roomId === req.roomId);
      const askerLeft = movers.some((m) => m.id === req.from.id && m.roomId !== req.roomId);
      if (mediatorCame || askerLeft) this.resolve(req.id);
    }
  }
}
