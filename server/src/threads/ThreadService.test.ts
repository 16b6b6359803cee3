import { describe, expect, it } from 'vitest';
import { JOINT_ROOM, type Notifications } from '@parley/shared';
import type { PeopleNotifier } from '../events/PeopleNotifier.ts';
import { createLogger } from '../logger.ts';
import { captureLogs } from '../test/harness.ts';
import { caseFixture } from '../test/services.ts';
import { ThreadService } from './ThreadService.ts';

/** Caucus threads follow the live session's rooms through the bus; people are told through the notifier. */
async function setup(logger = createLogger('silent')) {
  const f = await caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
    { displayName: 'Cleo Assessor', role: 'assessor', side: null },
  ]);
  const told: Array<{ to: string[]; event: keyof Notifications; title?: string }> = [];
  const people: PeopleNotifier = {
    toPeople: (ids, event, payload) => void told.push({ to: [...ids], event, ...(event === 'thread:added' ? { title: (payload as Notifications['thread:added']).title } : {}) }),
  };
  const threads = new ThreadService(f.store, f.cases, people, logger);
  threads.subscribe(f.bus);
  const id = (name: string) => f.who(name).participantId;
  const caucusesOf = async (name: string) => (await threads.list(f.who(name))).filter((t) => t.kind === 'caucus').map((t) => t.title);
  return { ...f, threads, told, id, caucusesOf };
}

describe('ThreadService on the event bus', () => {
  it('a caucus room opening gives it a thread the mediator is told of', async () => {
    const { bus, detail, told, cases, caucusesOf, threads } = await setup();
    bus.emit('room.created', { caseId: detail.id, roomId: 'room-1', name: 'Ana alone' });
    await threads.settled();
    expect(told).toEqual([{ to: [await cases.mediatorParticipantId(detail.id)], event: 'thread:added', title: 'Caucus: Ana alone' }]);
    expect(await caucusesOf('Ana Party')).toEqual([]);
  });

  it('people placed in a caucus join its thread (the assessor never does); the joint room has no caucus thread', async () => {
    const { bus, detail, told, id, caucusesOf, threads, cases } = await setup();
    // Placed at once after the room opened: the thread is made (with its title) before anyone joins it.
    bus.emit('room.created', { caseId: detail.id, roomId: 'room-1', name: 'Ana alone' });
    bus.emit('room.placed', { caseId: detail.id, roomId: 'room-1', participantIds: [id('Ana Party'), id('Cleo Assessor')] });
    await threads.settled();
    expect(told).toEqual([
      { to: [await cases.mediatorParticipantId(detail.id)], event: 'thread:added', title: 'Caucus: Ana alone' },
      { to: [id('Ana Party')], event: 'thread:added', title: 'Caucus: Ana alone' },
    ]);
    expect(await caucusesOf('Ana Party')).toEqual(['Caucus: Ana alone']);
    expect(await caucusesOf('Cleo Assessor')).toEqual([]);

    told.length = 0;
    bus.emit('room.placed', { caseId: detail.id, roomId: JOINT_ROOM, participantIds: [id('Ben Party')] });
    await threads.settled();
    expect(told).toEqual([]);
    expect(await caucusesOf('Ben Party')).toEqual([]);
  });
  it('a reaction that fails is logged and does not stop the ones after it', async () => {
    const { logger, lines } = captureLogs();
    const { bus, detail, told, threads } = await setup(logger);
    bus.emit('room.created', { caseId: 'no-such-case', roomId: 'room-0', name: 'Nowhere' });
    bus.emit('room.created', { caseId: detail.id, roomId: 'room-1', name: 'Ana alone' });
    await threads.settled();
    expect(lines.filter((l) => l.msg === 'caucus thread not updated')).toHaveLength(1);
    expect(told.map((t) => t.title)).toEqual(['Caucus: Ana alone']);
  });
});

describe('ThreadService names', () => {
  it('titles, members and authors show the names as stored now: a renamed mediator, a person added later', async () => {
    const { threads, cases, people, auth, mediatorId, detail, who } = await setup();
    const ana = who('Ana Party');
    const mediator = await cases.mediatorIdentity(mediatorId, detail.id);
    const jointOf = async (w: typeof ana) => (await threads.list(w)).find((t) => t.kind === 'joint')!;
    await threads.send(mediator, (await jointOf(mediator)).id, 'Welcome.', 'client-1');
    expect((await threads.list(ana)).map((t) => t.title)).toEqual(['Joint thread', 'Private: you and Maria Mediator']);

    await auth.setDisplayName(mediatorId, 'Maria Renamed', await cases.resealMediatorName(mediatorId, 'Maria Renamed'));
    expect((await threads.list(ana)).map((t) => t.title)).toEqual(['Joint thread', 'Private: you and Maria Renamed']);
    expect((await threads.history(ana, (await jointOf(ana)).id, undefined, 50)).map((m) => m.author.displayName)).toEqual(['Maria Renamed']);

    const added = await people.add(mediatorId, detail.id, { displayName: 'Dan Advisor', role: 'advisor', side: 'A' });
    expect((await jointOf(ana)).members.map((m) => m.displayName)).toEqual(['Maria Mediator', 'Ana Party', 'Ben Party', 'Cleo Assessor', 'Dan Advisor'].map((n) => (n === 'Maria Mediator' ? 'Maria Renamed' : n)));
    expect((await threads.list(who('Dan Advisor', added))).map((t) => t.title)).toEqual(['Joint thread', 'Private: you and Maria Renamed']);
    expect((await threads.list(await cases.mediatorIdentity(mediatorId, detail.id))).map((t) => t.title)).toContain('Private: Dan Advisor');
  });
});

describe('ThreadService order', () => {
  it('lists the threads as they were made: the joint one, then the private ones in the case order of people', async () => {
    const { threads, cases, mediatorId, detail } = await setup();
    const mediator = await cases.mediatorIdentity(mediatorId, detail.id);
    expect((await threads.list(mediator)).map((t) => t.title)).toEqual(['Joint thread', 'Private: Ana Party', 'Private: Ben Party']);
    expect((await threads.list(mediator)).find((t) => t.kind === 'private')!.members.map((m) => m.displayName)).toEqual(['Maria Mediator', 'Ana Party']);
  });
});

describe('ThreadService messages', () => {
  it('messages sent at once each get their own sequence, in order, and a resend is the same message', async () => {
    const { threads, who } = await setup();
    const ana = who('Ana Party');
    const joint = (await threads.list(ana)).find((t) => t.kind === 'joint')!;
    const sent = await Promise.all(Array.from({ length: 8 }, (_, i) => threads.send(ana, joint.id, `Message ${i}`, `client-${i}`)));
    const again = await threads.send(ana, joint.id, 'Message 3', 'client-3');
    expect(again).toMatchObject({ id: sent[3]!.id, seq: sent[3]!.seq });
    expect(new Set(sent.map((m) => m.seq)).size).toBe(8);
    const bySeq = [...sent].sort((a, b) => a.seq - b.seq).map((m) => m.id);
    expect((await threads.history(ana, joint.id, undefined, 50)).map((m) => m.id)).toEqual(bySeq);
    const third = sent.find((m) => m.id === bySeq[2])!;
    expect((await threads.history(ana, joint.id, third.seq, 50)).map((m) => m.id)).toEqual(bySeq.slice(0, 2));
    expect((await threads.history(ana, joint.id, undefined, 3)).map((m) => m.id)).toEqual(bySeq.slice(-3));
  });

  it('a thread list gives each thread its own unread count and newest message time', async () => {
    const { threads, who, store } = await setup();
    const ana = who('Ana Party');
    const ben = who('Ben Party');
    const listed = async (w: typeof ana) => new Map((await threads.list(w)).map((t) => [t.kind, t]));
    const joint = (await listed(ana)).get('joint')!;
    const privateOfBen = (await listed(ben)).get('private')!;
    expect(joint.lastMessageAt).toBeNull();
    await threads.send(ana, joint.id, 'First in the joint thread', 'c-1');
    const last = await threads.send(ana, joint.id, 'Second in the joint thread', 'c-2');
    await threads.send(ben, privateOfBen.id, 'Ben to the mediator', 'c-3');
    const forBen = await listed(ben);
    expect(forBen.get('joint')).toMatchObject({ unread: 2, lastMessageAt: last.at });
    // His own message is not unread for him, and it is the private thread's newest.
    expect(forBen.get('private')).toMatchObject({ unread: 0, lastMessageAt: expect.any(String) });
    expect((await listed(ana)).get('joint')!.unread).toBe(0);
    await store.close();
  });
});
