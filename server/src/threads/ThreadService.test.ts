import { describe, expect, it } from 'vitest';
import { JOINT_ROOM, type Notifications } from '@parley/shared';
import type { PeopleNotifier } from '../events/PeopleNotifier.ts';
import { caseFixture } from '../test/services.ts';
import { ThreadService } from './ThreadService.ts';

/** Caucus threads follow the live session's rooms through the bus; people are told through the notifier. */
async function setup() {
  const f = await caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
    { displayName: 'Cleo Assessor', role: 'assessor', side: null },
  ]);
  const told: Array<{ to: string[]; event: keyof Notifications; title?: string }> = [];
  const people: PeopleNotifier = {
    toPeople: (ids, event, payload) => void told.push({ to: [...ids], event, ...(event === 'thread:added' ? { title: (payload as Notifications['thread:added']).title } : {}) }),
  };
  const threads = new ThreadService(f.store, f.cases, people);
  threads.subscribe(f.bus);
  const id = (name: string) => f.who(name).participantId;
  const caucusesOf = (name: string) => threads.list(f.who(name)).filter((t) => t.kind === 'caucus').map((t) => t.title);
  return { ...f, threads, told, id, caucusesOf };
}

describe('ThreadService on the event bus', () => {
  it('a caucus room opening gives it a thread the mediator is told of', async () => {
    const { bus, detail, told, cases, caucusesOf } = await setup();
    bus.emit('room.created', { caseId: detail.id, roomId: 'room-1', name: 'Ana alone' });
    expect(told).toEqual([{ to: [cases.mediatorParticipantId(detail.id)], event: 'thread:added', title: 'Caucus: Ana alone' }]);
    expect(caucusesOf('Ana Party')).toEqual([]);
  });

  it('people placed in a caucus join its thread (the assessor never does); the joint room has no caucus thread', async () => {
    const { bus, detail, told, id, caucusesOf } = await setup();
    bus.emit('room.created', { caseId: detail.id, roomId: 'room-1', name: 'Ana alone' });
    told.length = 0;
    bus.emit('room.placed', { caseId: detail.id, roomId: 'room-1', participantIds: [id('Ana Party'), id('Cleo Assessor')] });
    expect(told).toEqual([{ to: [id('Ana Party')], event: 'thread:added', title: 'Caucus: Ana alone' }]);
    expect(caucusesOf('Ana Party')).toEqual(['Caucus: Ana alone']);
    expect(caucusesOf('Cleo Assessor')).toEqual([]);

    told.length = 0;
    bus.emit('room.placed', { caseId: detail.id, roomId: JOINT_ROOM, participantIds: [id('Ben Party')] });
    expect(told).toEqual([]);
    expect(caucusesOf('Ben Party')).toEqual([]);
  });
});

describe('ThreadService names', () => {
  it('titles, members and authors show the names as stored now: a renamed mediator, a person added later', async () => {
    const { threads, cases, people, auth, mediatorId, detail, who } = await setup();
    const ana = who('Ana Party');
    const mediator = cases.mediatorIdentity(mediatorId, detail.id);
    const jointOf = (w: typeof ana) => threads.list(w).find((t) => t.kind === 'joint')!;
    threads.send(mediator, jointOf(mediator).id, 'Welcome.', 'client-1');
    expect(threads.list(ana).map((t) => t.title)).toEqual(['Joint thread', 'Private: you and Maria Mediator']);

    auth.setDisplayName(mediatorId, 'Maria Renamed', cases.resealMediatorName(mediatorId, 'Maria Renamed'));
    expect(threads.list(ana).map((t) => t.title)).toEqual(['Joint thread', 'Private: you and Maria Renamed']);
    expect(threads.history(ana, jointOf(ana).id, undefined, 50).map((m) => m.author.displayName)).toEqual(['Maria Renamed']);

    const added = people.add(mediatorId, detail.id, { displayName: 'Dan Advisor', role: 'advisor', side: 'A' });
    expect(jointOf(ana).members.map((m) => m.displayName)).toEqual(['Maria Mediator', 'Ana Party', 'Ben Party', 'Cleo Assessor', 'Dan Advisor'].map((n) => (n === 'Maria Mediator' ? 'Maria Renamed' : n)));
    expect(threads.list(who('Dan Advisor', added)).map((t) => t.title)).toEqual(['Joint thread', 'Private: you and Maria Renamed']);
    expect(threads.list(cases.mediatorIdentity(mediatorId, detail.id)).map((t) => t.title)).toContain('Private: Dan Advisor');
  });
});

