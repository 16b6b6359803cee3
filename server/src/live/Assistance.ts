import { canAskForMediator, canModerate, ErrorCode, ParleyError, type PersonRef } from '@parley/shared';
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

/** People asking for the mediator from a room the mediator is not in [2.10], until answered. */
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
    const room = roomOf(from.roomId)!;
    const req = { id: newId(), from: from.ref, roomId: room.id, at: new Date().toISOString() };
    this.#open.set(req.id, req);
    notify.toModerators('assistance:requested', { requestId: req.id, from: req.from, roomId: room.id, roomName: room.name, at: req.at });
    return req;
  }

  resolve(requestId: string): void {
    const req = this.#open.get(requestId);
    if (!req) throw new ParleyError(ErrorCode.NotFound, 'That request was already answered.');
    this.#open.delete(requestId);
    this.#deps.notify.toModerators('assistance:resolved', { requestId });
    this.#deps.notify.to(this.#deps.member(req.from.id), 'assistance:resolved', { requestId });
  }

  /** The mediator arriving in a room answers any request for them from that room. */
  afterMove(movers: Member[]): void {
    for (const req of [...this.#open.values()]) {
      if (movers.some((m) => canModerate(m.role) && m.roomId === req.roomId)) this.resolve(req.id);
    }
  }
}
