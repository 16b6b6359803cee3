import { describe, expect, it } from 'vitest';
import { RECORD_EVENT_TYPES, type RecordActor, type RecordBody, type RecordEventType } from '@parley/shared';
import { describeEntry, extraDetails, matchesFilter, RECORD_FILTERS, statusSentence } from './describe.ts';

const mediator: RecordActor = { id: 'med00000', displayName: 'Maria Mediator', role: 'mediator' };
const ana: RecordActor = { id: 'party001', displayName: 'Ana Arden', role: 'party' };
const ben: RecordActor = { id: 'party002', displayName: 'Ben Brook', role: 'party' };

const entry = (type: RecordEventType, actor: RecordActor | null, data: RecordBody['data'] = {}) => ({ type, actor, data });

/** One realistic example per event type, with the sentence we expect. */
const EXAMPLES: Record<RecordEventType, { e: ReturnType<typeof entry>; text: string }> = {
  'consent.recorded': { e: entry('consent.recorded', ana, { version: '2024-1' }), text: 'Ana Arden agreed to the protocol agreement' },
  'participant.joined': { e: entry('participant.joined', ana, { roomName: 'Joint room' }), text: 'Ana Arden joined “Joint room”' },
  'participant.left': { e: entry('participant.left', ben), text: 'Ben Brook left the session' },
  'room.created': {
    e: entry('room.created', mediator, { roomName: 'Caucus with Ana', participants: ['Ana Arden'] }),
    text: 'Mediator opened the room “Caucus with Ana” for Ana Arden',
  },
  'room.closed': { e: entry('room.closed', mediator, { roomName: 'Caucus with Ana' }), text: 'Mediator closed the room “Caucus with Ana”' },
  'participant.moved': {
    e: entry('participant.moved', mediator, { roomName: 'Caucus with Ana', participants: ['Ana Arden'] }),
    text: 'Mediator moved Ana Arden to “Caucus with Ana”',
  },
  'room.timer-set': { e: entry('room.timer-set', mediator, { roomName: 'Caucus with Ana', minutes: 15 }), text: 'Mediator set a 15-minute timer in “Caucus with Ana”' },
  'moderation.muted': { e: entry('moderation.muted', mediator, { participants: ['Ben'], producerSource: 'mic' }), text: 'Mediator muted Ben' },
  'moderation.unmute-asked': { e: entry('moderation.unmute-asked', mediator, { participants: ['Ben'] }), text: 'Mediator asked Ben to unmute' },
  'share.started': {
    e: entry('share.started', ana, { producerSource: 'screen', roomName: 'Joint room' }),
    text: 'Ana Arden started sharing their screen in “Joint room”',
  },
  'share.stopped': { e: entry('share.stopped', ana, { producerSource: 'screen' }), text: 'Ana Arden stopped sharing their screen' },
  'control.given': {
    e: entry('control.given', mediator, { roomName: 'Joint room', participants: ['Ana Arden'] }),
    text: 'Mediator gave control of “Joint room” to Ana Arden',
  },
  'control.taken': { e: entry('control.taken', mediator, { roomName: 'Joint room' }), text: 'Mediator took back control of “Joint room”' },
  'announcement.sent': { e: entry('announcement.sent', mediator, { text: 'Five minutes left' }), text: 'Mediator announced to everyone: “Five minutes left”' },
  'agreement.frozen': { e: entry('agreement.frozen', mediator, { version: 2, textHash: 'ab'.repeat(32) }), text: 'Mediator froze version 2 of the agreement for signing' },
  'agreement.signed': { e: entry('agreement.signed', ana, { version: 2, textHash: 'ab'.repeat(32) }), text: 'Ana Arden signed version 2 of the agreement' },
  'agreement.voided': { e: entry('agreement.voided', mediator, { version: 2 }), text: 'Mediator voided version 2 of the agreement' },
};

describe('describeEntry', () => {
  it.each(RECORD_EVENT_TYPES.map((t) => [t] as const))('%s has its own plain sentence', (type) => {
    const example = EXAMPLES[type];
    expect(example, `no example for ${type}`).toBeDefined();
    const sentence = describeEntry(example.e);
    expect(sentence).toBe(example.text);
    // Never leaks the raw event type.
    expect(sentence).not.toContain(type);
  });

  it.each(RECORD_EVENT_TYPES.map((t) => [t] as const))('%s still reads as a sentence with no data at all', (type) => {
    const sentence = describeEntry(entry(type, mediator));
    expect(sentence).toMatch(/^Mediator /);
    expect(sentence).not.toMatch(/undefined|null|\[object/);
  });

  it('every event type belongs to exactly one filter group besides "All events"', () => {
    for (const type of RECORD_EVENT_TYPES) {
      const groups = RECORD_FILTERS.filter((f) => f.id !== 'all' && matchesFilter(type, f.id));
      expect(groups, type).toHaveLength(1);
      expect(matchesFilter(type, 'all')).toBe(true);
    }
    expect(matchesFilter('participant.moved', 'rooms')).toBe(true);
    expect(matchesFilter('moderation.muted', 'control')).toBe(true);
    expect(matchesFilter('agreement.signed', 'agreement')).toBe(true);
    expect(matchesFilter('consent.recorded', 'agreement')).toBe(true);
  });

  it('names several people, everyone, and people the mediator stops', () => {
    expect(describeEntry(entry('participant.moved', mediator, { roomName: 'Joint room', participants: ['Ana Arden', 'Ben Brook', 'Carla'] }))).toBe(
      'Mediator moved Ana Arden, Ben Brook and Carla to “Joint room”',
    );
    expect(describeEntry(entry('moderation.muted', mediator, { participants: 'all' }))).toBe('Mediator muted everyone');
    expect(describeEntry(entry('share.stopped', mediator, { participants: ['Ana Arden'], producerSource: 'screen' }))).toBe(
      'Mediator stopped the screen share of Ana Arden',
    );
    expect(describeEntry(entry('share.started', mediator, { participants: ['Maria Mediator'], producerSource: 'camera' }))).toBe(
      'Mediator started sharing their camera',
    );
  });

  it('describes timers that are cleared or short, and events without an actor', () => {
    expect(describeEntry(entry('room.timer-set', mediator, { roomName: 'Caucus', minutes: null }))).toBe('Mediator cleared the timer in “Caucus”');
    expect(describeEntry(entry('room.timer-set', mediator, { minutes: 0.5 }))).toBe('Mediator set a 30-second timer');
    expect(describeEntry(entry('participant.left', null, { participants: ['Ben Brook'] }))).toBe('Ben Brook left the session');
  });

  it('does not break on an event type it does not know', () => {
    const unknown = { type: 'room.renamed' as RecordEventType, actor: mediator, data: {} };
    expect(describeEntry(unknown)).toBe('Mediator: room renamed');
  });
});

describe('extraDetails', () => {
  it('lists only the data the sentence does not already say', () => {
    const details = extraDetails(entry('agreement.signed', ana, { version: 2, textHash: 'abc', method: 'typed-name', witnessed: false }));
    expect(details).toEqual([
      { key: 'textHash', label: 'Text fingerprint', value: 'abc' },
      { key: 'method', label: 'Method', value: 'typed-name' },
      { key: 'witnessed', label: 'Witnessed', value: 'no' },
    ]);
    expect(extraDetails(entry('participant.moved', mediator, { roomName: 'X', participants: ['A'] }))).toEqual([]);
  });
});

describe('statusSentence', () => {
  it('says the record is intact, or that it has problems', () => {
    expect(statusSentence({ valid: true, entries: 12, problems: [] })).toBe('The record is intact: 12 entries, each signed and chained to the one before');
    expect(statusSentence({ valid: true, entries: 0, problems: [] })).toMatch(/Nothing has been recorded/);
    expect(statusSentence({ valid: false, entries: 5, problems: ['Entry 3 was changed', 'Entry 4 is missing'] })).toBe(
      'The record does not check out: we found 2 problems in its 5 entries',
    );
  });
});

describe('entries as the server writes them', () => {
  it('reads the server’s data keys', () => {
    const e = (type: string, data: Record<string, unknown>) =>
      describeEntry({ type, actor: { id: 'm', displayName: 'Mira', role: 'mediator' }, data } as never);
    expect(e('participant.moved', { to: 'Caucus A', participants: ['Ana Party'], reason: 'moved' })).toContain('Ana Party');
    expect(e('participant.moved', { to: 'Caucus A', participants: ['Ana Party'], reason: 'moved' })).toContain('Caucus A');
    expect(e('moderation.muted', { participant: 'Ben Party' })).toContain('Ben Party');
    expect(e('control.given', { room: 'Joint room', to: 'Ana Party' })).toContain('Ana Party');
  });
});
