import { describe, expect, it } from 'vitest';
import type { ThreadMessage, ThreadSummary } from '@parley/shared';
import {
  audienceText,
  initialThreadsState,
  mergeMessages,
  messagesOf,
  newestSeq,
  threadButtonName,
  totalUnread,
  withHistory,
  withMessage,
  withMessageRemoved,
  withMessagesStale,
  withMessageUpdated,
  withOwnDeletion,
  withPendingAcked,
  withPendingAdded,
  withPendingStatus,
  withThreadAdded,
  withThreadList,
  withUnread,
  type ThreadsState,
} from './state.ts';

const mediator = { id: 'med-00001', displayName: 'Mediator', role: 'mediator' as const };
const ana = { id: 'ana-00001', displayName: 'Ana', role: 'party' as const };
const ben = { id: 'ben-00001', displayName: 'Ben', role: 'party' as const };

function thread(id: string, kind: ThreadSummary['kind'], title: string, members = [mediator, ana, ben], unread = 0): ThreadSummary {
  return { id, kind, title, members, unread, lastMessageAt: null };
}

function msg(seq: number, author = ben, threadId = 'joint-001', over: Partial<ThreadMessage> = {}): ThreadMessage {
  return { id: `m-${threadId}-${seq}`, threadId, seq, author, body: `message ${seq}`, at: new Date(Date.UTC(2030, 0, 1, 10, seq)).toISOString(), editedAt: null, deletedAt: null, ...over };
}

function anaState(): ThreadsState {
  return withThreadList(initialThreadsState({ id: ana.id, role: 'party' }), [
    thread('priv-001', 'private', 'Private: you and Mediator', [mediator, ana]),
    thread('joint-001', 'joint', 'Joint thread'),
    thread('cau-0001', 'caucus', 'Caucus: Side A', [mediator, ana]),
  ]);
}

describe('thread list', () => {
  it('sorts joint, then caucus, then private threads', () => {
    expect(anaState().threads!.map((t) => t.kind)).toEqual(['joint', 'caucus', 'private']);
  });

  it('adds a thread once, replacing an older copy', () => {
    let s = anaState();
    s = withThreadAdded(s, thread('cau-0002', 'caucus', 'Caucus: Later', [mediator, ana]));
    s = withThreadAdded(s, { ...thread('cau-0002', 'caucus', 'Caucus: Later', [mediator, ana]), unread: 2 });
    expect(s.threads!.filter((t) => t.id === 'cau-0002')).toHaveLength(1);
    expect(totalUnread(s)).toBe(2);
  });

  it('forgets the open thread when a fresh list no longer has it', () => {
    const s = { ...anaState(), openThreadId: 'cau-0001' };
    expect(withThreadList(s, [thread('joint-001', 'joint', 'Joint thread')]).openThreadId).toBeNull();
    expect(withThreadList(s, s.threads!).openThreadId).toBe('cau-0001');
  });
});

describe('messages', () => {
  it('keeps messages ordered by seq and unique by id', () => {
    const merged = mergeMessages([msg(3), msg(1)], [msg(2), { ...msg(1), body: 'newer copy' }]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(merged[0]!.body).toBe('newer copy');
  });

  it('counts a message from someone else as unread unless the thread is being viewed', () => {
    let s = withMessage(anaState(), msg(1), false);
    expect(s.threads!.find((t) => t.id === 'joint-001')!.unread).toBe(1);
    s = withMessage(s, msg(1), false); // the same message again: no double count
    expect(totalUnread(s)).toBe(1);
    s = withMessage(s, msg(2), true);
    expect(totalUnread(s)).toBe(1);
    s = withMessage(s, msg(3, ana), false); // my own
    expect(totalUnread(s)).toBe(1);
    expect(messagesOf(s, 'joint-001').items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(s.threads!.find((t) => t.id === 'joint-001')!.lastMessageAt).toBe(msg(3).at);
    expect(withUnread(s, 'joint-001', 0).threads!.every((t) => t.unread === 0)).toBe(true);
  });

  it('a history page replaces what was loaded but keeps live messages that are newer', () => {
    let s = withMessage(anaState(), msg(7), true);
    s = withHistory(s, 'joint-001', [msg(4), msg(5)], 'replace', 100);
    expect(messagesOf(s, 'joint-001').items.map((m) => m.seq)).toEqual([4, 5, 7]);
    expect(messagesOf(s, 'joint-001').hasEarlier).toBe(false);
    s = withHistory(s, 'joint-001', [msg(2), msg(3)], 'earlier', 2);
    expect(messagesOf(s, 'joint-001')).toMatchObject({ status: 'ready', hasEarlier: true });
    expect(newestSeq(s, 'joint-001')).toBe(7);
    expect(messagesOf(s, 'joint-001').items.map((m) => m.seq)).toEqual([2, 3, 4, 5, 7]);
  });

  it('after a reconnect, loaded threads are marked to load again', () => {
    const s = withMessagesStale(withHistory(anaState(), 'joint-001', [msg(1)], 'replace', 100));
    expect(messagesOf(s, 'joint-001')).toMatchObject({ status: 'idle', items: [msg(1)] });
  });

  it('applies edits, removals and mediator tombstones', () => {
    let s = withHistory(anaState(), 'joint-001', [msg(1), msg(2)], 'replace', 100);
    s = withMessageUpdated(s, { ...msg(1), body: 'corrected', editedAt: '2030-01-01T10:05:00.000Z' });
    expect(messagesOf(s, 'joint-001').items[0]).toMatchObject({ body: 'corrected', editedAt: '2030-01-01T10:05:00.000Z' });
    s = withMessageRemoved(s, 'joint-001', msg(2).id);
    expect(messagesOf(s, 'joint-001').items.map((m) => m.seq)).toEqual([1]);
    expect(withMessageRemoved(s, 'joint-001', 'unknown')).toBe(s);

    // A party's own deletion: gone. The mediator's: a tombstone with the time.
    expect(messagesOf(withOwnDeletion(s, 'joint-001', msg(1).id, 'x'), 'joint-001').items).toHaveLength(0);
    const asMediator = { ...s, self: { id: mediator.id, role: 'mediator' as const } };
    const tomb = messagesOf(withOwnDeletion(asMediator, 'joint-001', msg(1).id, '2030-01-01T11:00:00.000Z'), 'joint-001').items[0];
    expect(tomb).toMatchObject({ body: null, deletedAt: '2030-01-01T11:00:00.000Z' });
  });
});

describe('pending messages', () => {
  it('a written message stays pending until the server acknowledges it, then appears once', () => {
    let s = withPendingAdded(anaState(), { clientId: 'c1', threadId: 'joint-001', body: 'hello', createdAt: 'now' });
    expect(s.pending).toMatchObject([{ clientId: 'c1', status: 'sending', error: null }]);
    s = withPendingStatus(s, 'c1', 'failed', 'No.');
    expect(s.pending[0]).toMatchObject({ status: 'failed', error: 'No.' });
    s = withPendingStatus(s, 'c1', 'sending', null);
    const stored = msg(1, ana, 'joint-001', { body: 'hello' });
    // The notification arrives before the acknowledgement: the pending copy goes at once.
    s = withMessage(s, stored, true);
    expect(s.pending).toEqual([]);
    expect(messagesOf(s, 'joint-001').items).toEqual([stored]);
    s = withPendingAcked(s, 'c1', stored);
    expect(s.pending).toEqual([]);
    expect(messagesOf(s, 'joint-001').items).toEqual([stored]);
    expect(totalUnread(s)).toBe(0);
  });
});

describe('words', () => {
  it('names a thread with its unread count', () => {
    expect(threadButtonName({ title: 'Joint thread', unread: 2 })).toBe('Joint thread, 2 unread');
    expect(threadButtonName({ title: 'Joint thread', unread: 0 })).toBe('Joint thread');
  });

  it('says who can read a thread', () => {
    expect(audienceText(thread('p', 'private', 'x', [mediator, ana]), ana.id)).toBe('Only you and Mediator can read this.');
    expect(audienceText(thread('p', 'private', 'x', [mediator, ana]), mediator.id)).toBe('Only you and Ana can read this.');
    expect(audienceText(thread('j', 'joint', 'x'), ana.id)).toBe('Everyone on the case can read this: Mediator, Ben and you.');
    expect(audienceText(thread('c', 'caucus', 'x', [mediator, ana]), mediator.id)).toBe('Everyone in this caucus can read this: Ana and you.');
  });
});
