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
  'participant.link-reused': {
    e: entry('participant.link-reused', null, { participant: 'Ana Arden', room: 'Joint room' }),
    text: 'Ana Arden was disconnected because their invitation link was opened in another browser or device',
  },
  'control.given': {
    e: entry('control.given', mediator, { roomName: 'Joint room', participants: ['Ana Arden'] }),
    text: 'Mediator gave control of “Joint room” to Ana Arden',
  },
  'control.taken': { e: entry('control.taken', mediator, { roomName: 'Joint room' }), text: 'Mediator took back control of “Joint room”' },
  'announcement.sent': { e: entry('announcement.sent', mediator, { text: 'Five minutes left' }), text: 'Mediator announced to everyone: “Five minutes left”' },
  'agreement.frozen': { e: entry('agreement.frozen', mediator, { version: 2, textHash: 'ab'.repeat(32) }), text: 'Mediator froze version 2 of the agreement for signing' },
  'agreement.signed': { e: entry('agreement.signed', ana, { version: 2, textHash: 'ab'.repeat(32) }), text: 'Ana Arden signed version 2 of the agreement' },
  'agreement.voided': { e: entry('agreement.voided', mediator, { version: 2 }), text: 'Mediator voided version 2 of the agreement' },
  'breakdown.settings-changed': {
    e: entry('breakdown.settings-changed', mediator, { graceSeconds: 30, pauseJointSession: true }),
    text: 'Mediator changed the breakdown procedure (everyone is asked to consent again)',
  },
  'breakdown.started': { e: entry('breakdown.started', null, { participant: 'Ana Arden', cause: 'network' }), text: 'Ana Arden lost their connection (network lost)' },
  'breakdown.recovered': {
    e: entry('breakdown.recovered', null, { participant: 'Ana Arden', seconds: 75, step: 'rejoin' }),
    text: 'Ana Arden was back after 1 minute 15 seconds, by reconnecting',
  },
  'breakdown.grace-expired': {
    e: entry('breakdown.grace-expired', null, { participant: 'Ben Brook', graceSeconds: 60 }),
    text: 'Ben Brook was still not back after the grace period of 1 minute',
  },
  'breakdown.ice-restarted': { e: entry('breakdown.ice-restarted', ana, { participant: 'Ana Arden' }), text: 'Ana Arden had their audio and video connection restarted' },
  'breakdown.media-lost': { e: entry('breakdown.media-lost', null, { participant: 'Ben Brook' }), text: 'Ben Brook could not get audio and video through' },
  'breakdown.media-restored': {
    e: entry('breakdown.media-restored', null, { participant: 'Ben Brook', seconds: 9 }),
    text: 'Ben Brook had audio and video back after 9 seconds',
  },
  'breakdown.audio-only': {
    e: entry('breakdown.audio-only', ana, { participant: 'Ana Arden', on: true, reason: 'weak connection: 120 kbit/s available' }),
    text: 'Ana Arden continued with audio only (weak connection: 120 kbit/s available)',
  },
  'session.paused': {
    e: entry('session.paused', null, { missing: ['Ben Brook'], reason: 'not back after 60 seconds' }),
    text: 'Parley paused the joint session: Ben Brook was not connected (not back after 60 seconds)',
  },
  'session.resumed': {
    e: entry('session.resumed', mediator, { pausedSeconds: 130, missing: ['Ben Brook'] }),
    text: 'Mediator resumed the joint session after a pause of 2 minutes 10 seconds, without Ben Brook',
  },
  'assessor.present': {
    e: entry('assessor.present', { id: 'ass00001', displayName: 'Olga Observer', role: 'assessor' }, { assessor: 'Olga Observer', action: 'followed', room: 'Caucus with Ana' }),
    text: 'Olga Observer followed the mediator into “Caucus with Ana”',
  },
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
    // Ended by what happened to the sharer: the sentence does not say they stopped it.
    expect(describeEntry(entry('share.stopped', ana, { participant: 'Ana Arden', room: 'Joint room', reason: 'connection lost' }))).toBe(
      'Ana Arden’s screen share ended in “Joint room” (connection lost)',
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

describe('breakdown entries', () => {
  it('groups breakdowns and pauses under their own filter', () => {
    for (const t of ['breakdown.started', 'breakdown.audio-only', 'session.paused', 'session.resumed'] as const) expect(matchesFilter(t, 'breakdown')).toBe(true);
    expect(matchesFilter('assessor.present', 'rooms')).toBe(true);
  });

  it('shows the server’s own words for why a connection broke', () => {
    expect(describeEntry(entry('breakdown.started', ana, { participant: 'Ana Arden', cause: 'connection went silent', graceSeconds: 60 }))).toBe(
      'Ana Arden lost their connection (connection went silent)',
    );
    expect(describeEntry(entry('breakdown.recovered', ana, { participant: 'Ana Arden', seconds: 12.4, step: 'rejoined' }))).toBe('Ana Arden was back after 12 seconds, by reconnecting');
  });

  it('says who paused and resumed, and when video came back', () => {
    expect(describeEntry(entry('session.paused', mediator, { missing: [], reason: 'mediator' }))).toBe('Mediator paused the joint session');
    expect(describeEntry(entry('session.paused', null, { missing: ['Ana Arden', 'Ben Brook'] }))).toBe('Parley paused the joint session: Ana Arden and Ben Brook were not connected');
    expect(describeEntry(entry('session.resumed', null, { pausedSeconds: 42, missing: [] }))).toBe('Parley resumed the joint session after a pause of 42 seconds');
    expect(describeEntry(entry('breakdown.audio-only', ana, { participant: 'Ana Arden', on: false, reason: 'good again' }))).toBe('Ana Arden turned video back on');
    expect(describeEntry(entry('breakdown.recovered', null, { participant: 'Ana Arden', seconds: 4, step: 'ice-restart' }))).toBe(
      'Ana Arden was back after 4 seconds, after the platform repaired the connection',
    );
  });

  it('tells what an assessor did', () => {
    const olga: RecordActor = { id: 'ass00001', displayName: 'Olga Observer', role: 'assessor' };
    expect(describeEntry(entry('assessor.present', olga, { assessor: 'Olga Observer', action: 'joined', room: 'Joint room' }))).toBe('Olga Observer began observing in “Joint room”');
    expect(describeEntry(entry('assessor.present', olga, { assessor: 'Olga Observer', action: 'left' }))).toBe('Olga Observer stopped observing');
    expect(describeEntry(entry('assessor.present', olga, { assessor: 'Olga Observer', action: 'held-back', room: 'Caucus B' }))).toBe(
      'Olga Observer stayed out of “Caucus B”, as not everyone there agreed to be observed',
    );
  });

  it('shows the new procedure’s settings as details', () => {
    expect(extraDetails(entry('breakdown.settings-changed', mediator, { graceSeconds: 30, textFallback: false }))).toEqual([
      { key: 'graceSeconds', label: 'Grace period (seconds)', value: '30' },
      { key: 'textFallback', label: 'Point to the messages', value: 'no' },
    ]);
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
