import { describe, expect, it } from 'vitest';
import { parseRecordData, RECORD_DATA, RECORD_EVENT_TYPES, type RecordActor, type RecordBody, type RecordData, type RecordEventType } from './record.ts';
import { describeEntry, extraDetails, genericSentence, isDescribedSpecifically } from './record-words.ts';

const mediator: RecordActor = { id: 'med00000', displayName: 'Maria Mediator', role: 'mediator' };
const ana: RecordActor = { id: 'party001', displayName: 'Ana Arden', role: 'party' };
const olga: RecordActor = { id: 'ass00001', displayName: 'Olga Observer', role: 'assessor' };

/** An entry as the server writes it: the data is checked against its type's schema by the compiler. */
const entry = <T extends RecordEventType>(type: T, actor: RecordActor | null, data: RecordData<T>) => ({ type, actor, data: data as RecordBody['data'] });
type Example = { e: ReturnType<typeof entry>; text: string };

/** One example per entry type, with the data the server writes, and the sentence we expect. */
const EXAMPLES: Record<RecordEventType, Example> = {
  'consent.recorded': { e: entry('consent.recorded', ana, { clauseSetHash: 'ab'.repeat(32), optionalAccepted: ['assessor-caucus'] }), text: 'Ana Arden agreed to the protocol agreement' },
  'consent.declined': { e: entry('consent.declined', ana, { clauseSetHash: 'ab'.repeat(32) }), text: 'Ana Arden declined the protocol agreement' },
  'consent.withdrawn': {
    e: entry('consent.withdrawn', ana, { clauseSetHash: 'ab'.repeat(32) }),
    text: 'Ana Arden withdrew their consent to the protocol agreement and was taken out of the session',
  },
  'protocol.template-changed': {
    e: entry('protocol.template-changed', mediator, { template: 'Family disputes', version: 3 }),
    text: 'Mediator moved the case to the protocol agreement template “Family disputes”, version 3 (everyone is asked to consent again)',
  },
  'participant.joined': { e: entry('participant.joined', ana, { room: 'Joint room' }), text: 'Ana Arden joined “Joint room”' },
  'participant.left': { e: entry('participant.left', ana, { reason: 'left' }), text: 'Ana Arden left the session' },
  'participant.link-reused': {
    e: entry('participant.link-reused', null, { participant: 'Ana Arden', room: 'Joint room' }),
    text: 'Ana Arden was disconnected because their invitation link was opened in another browser or device',
  },
  'room.created': { e: entry('room.created', mediator, { room: 'Caucus with Ana' }), text: 'Mediator opened the room “Caucus with Ana”' },
  'room.closed': { e: entry('room.closed', mediator, { room: 'Caucus with Ana' }), text: 'Mediator closed the room “Caucus with Ana”' },
  'participant.moved': {
    e: entry('participant.moved', mediator, { room: 'Caucus with Ana', participants: ['Ana Arden'] }),
    text: 'Mediator moved Ana Arden to “Caucus with Ana”',
  },
  'room.timer-set': { e: entry('room.timer-set', mediator, { room: 'Caucus with Ana', minutes: 15 }), text: 'Mediator set a 15-minute timer in “Caucus with Ana”' },
  'participant.added': { e: entry('participant.added', mediator, { participant: 'Carla Counsel', role: 'advisor' }), text: 'Mediator added Carla Counsel to the case as an advisor' },
  'participant.removed': { e: entry('participant.removed', mediator, { participant: 'Carla Counsel', role: 'advisor' }), text: 'Mediator took Carla Counsel, an advisor, off the case' },
  'room.waiting-changed': { e: entry('room.waiting-changed', mediator, { on: true }), text: 'Mediator turned the waiting room on: parties wait until the mediator lets them in' },
  'moderation.muted': { e: entry('moderation.muted', mediator, { participant: 'Ben Brook' }), text: 'Mediator muted Ben Brook' },
  'moderation.unmute-asked': { e: entry('moderation.unmute-asked', mediator, { participant: 'Ben Brook' }), text: 'Mediator asked Ben Brook to unmute' },
  'share.started': { e: entry('share.started', ana, { room: 'Joint room' }), text: 'Ana Arden started sharing their screen in “Joint room”' },
  'share.stopped': { e: entry('share.stopped', ana, { participant: 'Ana Arden', room: 'Joint room' }), text: 'Ana Arden stopped sharing their screen in “Joint room”' },
  'control.given': { e: entry('control.given', mediator, { room: 'Joint room', participant: 'Ana Arden' }), text: 'Mediator gave control of “Joint room” to Ana Arden' },
  'control.taken': { e: entry('control.taken', mediator, { room: 'Joint room' }), text: 'Mediator took back control of “Joint room”' },
  'announcement.sent': { e: entry('announcement.sent', mediator, { text: 'Five minutes left' }), text: 'Mediator announced to everyone: “Five minutes left”' },
  'agreement.frozen': { e: entry('agreement.frozen', mediator, { version: 2, textHash: 'ab'.repeat(32) }), text: 'Mediator froze version 2 of the agreement for signing' },
  'agreement.signed': { e: entry('agreement.signed', ana, { version: 2, textHash: 'ab'.repeat(32) }), text: 'Ana Arden signed version 2 of the agreement' },
  'agreement.voided': { e: entry('agreement.voided', null, { version: 2, reason: 'edited after freeze' }), text: 'Version 2 of the agreement was withdrawn (edited after freeze)' },
  'breakdown.settings-changed': {
    e: entry('breakdown.settings-changed', mediator, { graceSeconds: 30, pauseJointSession: true, audioOnlyFallback: true, textFallback: false }),
    text: 'Mediator changed the breakdown procedure (everyone is asked to consent again)',
  },
  'breakdown.started': {
    e: entry('breakdown.started', ana, { participant: 'Ana Arden', cause: 'connection went silent', graceSeconds: 60 }),
    text: 'Ana Arden lost their connection (connection went silent)',
  },
  'breakdown.recovered': {
    e: entry('breakdown.recovered', ana, { participant: 'Ana Arden', seconds: 75, step: 'rejoined' }),
    text: 'Ana Arden was back after 1 minute 15 seconds, by reconnecting',
  },
  'breakdown.grace-expired': {
    e: entry('breakdown.grace-expired', ana, { participant: 'Ana Arden', graceSeconds: 60 }),
    text: 'Ana Arden was still not back after the grace period of 1 minute',
  },
  'breakdown.ice-restarted': { e: entry('breakdown.ice-restarted', ana, { participant: 'Ana Arden' }), text: 'Ana Arden had their audio and video connection restarted' },
  'breakdown.media-lost': { e: entry('breakdown.media-lost', ana, { participant: 'Ana Arden' }), text: 'Ana Arden could not get audio and video through' },
  'breakdown.media-restored': {
    e: entry('breakdown.media-restored', ana, { participant: 'Ana Arden', seconds: 9 }),
    text: 'Ana Arden had audio and video back after 9 seconds',
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
  'session.ended': {
    e: entry('session.ended', mediator, { outcome: 'back-to-waiting-room', participants: ['Ana Arden', 'Ben Brook'], reason: 'we continue one by one' }),
    text: 'Mediator ended the joint session: Ana Arden and Ben Brook went back to the waiting room (we continue one by one)',
  },
  'assessor.present': {
    e: entry('assessor.present', olga, { participant: 'Olga Observer', action: 'followed', room: 'Caucus with Ana' }),
    text: 'Olga Observer followed the mediator into “Caucus with Ana”',
  },
  'session.scheduled': {
    e: entry('session.scheduled', mediator, { purpose: 'joint', side: null, startsAt: '2031-01-16T08:00:00.000Z', durationMinutes: 90, timeZone: 'Europe/Paris' }),
    text: 'Mediator scheduled a joint session for Thursday, 16 January 2031, 09:00 Paris time (CET) (1 hour 30 minutes)',
  },
  'session.rescheduled': {
    e: entry('session.rescheduled', mediator, { purpose: 'caucus', side: 'A', startsAt: '2031-01-17T09:00:00.000Z', durationMinutes: 60, timeZone: 'Europe/Paris', previousStartsAt: '2031-01-16T08:00:00.000Z' }),
    text: 'Mediator moved the caucus with side A of Thursday, 16 January 2031, 09:00 Paris time (CET) to Friday, 17 January 2031, 10:00 Paris time (CET) (1 hour)',
  },
  'session.cancelled': {
    e: entry('session.cancelled', mediator, { purpose: 'deadline', side: 'B', startsAt: '2031-01-20T16:00:00.000Z', timeZone: 'Asia/Tokyo' }),
    text: 'Mediator cancelled the deadline for side B of Tuesday, 21 January 2031, 01:00 Tokyo time (GMT+9)',
  },
  'case.concluded': {
    e: entry('case.concluded', mediator, { outcome: 'no-agreement', reason: 'Ben withdrew from the mediation', partyAccessUntil: '2031-02-01T00:00:00.000Z' }),
    text: 'Mediator concluded the case without an agreement (Ben withdrew from the mediation)',
  },
  'case.reopened': { e: entry('case.reopened', mediator, { reason: 'Ana asked to correct a date' }), text: 'Mediator reopened the case (Ana asked to correct a date)' },
  'case.archived': { e: entry('case.archived', mediator, {}), text: 'Mediator archived the case' },
};

describe('the schema of each entry type', () => {
  it('has one schema per type, which reads its example and refuses a key the type does not have', () => {
    expect(Object.keys(RECORD_DATA).sort()).toEqual([...RECORD_EVENT_TYPES].sort());
    for (const type of RECORD_EVENT_TYPES) {
      const { e } = EXAMPLES[type];
      expect(parseRecordData(type, e.data), type).not.toBeNull();
      expect(parseRecordData(type, { ...e.data, to: 'Joint room' }), `${type} with a stray key`).toBeNull();
    }
  });

  it('uses one name per thing: a room is `room`, a person `participant`', () => {
    for (const schema of Object.values(RECORD_DATA)) {
      const keys = Object.keys(schema.shape);
      for (const synonym of ['to', 'roomName', 'toRoomName', 'assessor', 'name', 'displayName', 'participantName']) expect(keys).not.toContain(synonym);
    }
  });
});

describe('describeEntry', () => {
  it.each(RECORD_EVENT_TYPES.map((t) => [t] as const))('%s has its own plain sentence', (type) => {
    const { e, text } = EXAMPLES[type];
    expect(describeEntry(e)).toBe(text);
    expect(isDescribedSpecifically(e)).toBe(true);
    // Never leaks the raw event type.
    expect(describeEntry(e)).not.toContain(type);
  });

  it.each(RECORD_EVENT_TYPES.map((t) => [t] as const))('%s written before the schemas (other keys) still reads as a sentence', (type) => {
    const old = { type, actor: mediator, data: { to: 'Caucus A', participantName: 'Ana' } };
    expect(isDescribedSpecifically(old)).toBe(false);
    const sentence = describeEntry(old);
    expect(sentence).toBe(genericSentence(old));
    expect(sentence).toMatch(/^Mediator /);
    expect(sentence).not.toMatch(/undefined|null|\[object|Caucus A/);
    // Nothing it holds is hidden: all of it is shown next to the sentence.
    expect(extraDetails(old).map((d) => d.value)).toEqual(['Caucus A', 'Ana']);
  });

  it('never throws on what an old or damaged file may hold', () => {
    for (const data of [null, undefined, 'text', 42, [], { room: 7 }]) {
      expect(describeEntry({ type: 'participant.joined', actor: null, data } as never)).toBe('Parley joined the session');
      expect(extraDetails({ type: 'participant.joined', actor: null, data } as never)).toEqual(data && typeof data === 'object' && !Array.isArray(data) ? [{ key: 'room', label: 'Room', value: '7' }] : []);
    }
    expect(describeEntry({ type: 'room.renamed' as RecordEventType, actor: mediator, data: {} })).toBe('Mediator: room renamed');
  });

  it('names several people, the platform, and people the mediator stops', () => {
    expect(describeEntry(entry('participant.moved', null, { room: 'Joint room', participants: ['Ana Arden', 'Ben Brook', 'Carla'], reason: 'the caucus timer ended' }))).toBe(
      'Parley moved Ana Arden, Ben Brook and Carla to “Joint room” (the caucus timer ended)',
    );
    expect(describeEntry(entry('share.stopped', mediator, { participant: 'Ana Arden', room: 'Joint room' }))).toBe('Mediator stopped the screen share of Ana Arden in “Joint room”');
    // Ended by what happened to the sharer: the sentence does not say they stopped it.
    expect(describeEntry(entry('share.stopped', ana, { participant: 'Ana Arden', room: 'Joint room', reason: 'connection lost' }))).toBe(
      'Ana Arden’s screen share ended in “Joint room” (connection lost)',
    );
    expect(describeEntry(entry('agreement.voided', mediator, { version: 3, reason: 'replaced' }))).toBe('Mediator voided version 3 of the agreement (replaced)');
  });

  it('says why someone left', () => {
    expect(describeEntry(entry('participant.left', ana, { reason: 'removed' }))).toBe('Ana Arden was removed from the session');
    expect(describeEntry(entry('participant.left', ana, { reason: 'disconnected' }))).toBe('Ana Arden left the session: their connection did not come back in time');
  });

  it('describes timers that are cleared or short', () => {
    expect(describeEntry(entry('room.timer-set', mediator, { room: 'Caucus', minutes: null }))).toBe('Mediator cleared the timer in “Caucus”');
    expect(describeEntry(entry('room.timer-set', mediator, { room: 'Caucus', minutes: 0.5 }))).toBe('Mediator set a 30-second timer in “Caucus”');
  });

  it('says who paused and resumed, and when video came back', () => {
    expect(describeEntry(entry('session.paused', mediator, { missing: [], reason: 'the mediator paused the joint session' }))).toBe('Mediator paused the joint session');
    expect(describeEntry(entry('session.paused', null, { missing: ['Ana Arden', 'Ben Brook'], reason: 'not back after 60 seconds' }))).toBe(
      'Parley paused the joint session: Ana Arden and Ben Brook were not connected (not back after 60 seconds)',
    );
    expect(describeEntry(entry('session.resumed', null, { pausedSeconds: 42, missing: [] }))).toBe('Parley resumed the joint session after a pause of 42 seconds');
    expect(describeEntry(entry('breakdown.audio-only', ana, { participant: 'Ana Arden', on: false, reason: 'good again' }))).toBe('Ana Arden turned video back on');
    expect(describeEntry(entry('breakdown.recovered', ana, { participant: 'Ana Arden', seconds: 12.4, step: 'rejoined' }))).toBe('Ana Arden was back after 12 seconds, by reconnecting');
  });

  it('says when the mediator ended the session for everyone, and who was disconnected', () => {
    expect(describeEntry(entry('session.ended', mediator, { outcome: 'disconnected', participants: ['Ana Arden'], reason: 'time is up' }))).toBe('Mediator ended the session for everyone: Ana Arden was disconnected (time is up)');
    expect(describeEntry(entry('session.ended', mediator, { outcome: 'disconnected', participants: [], reason: 'time is up' }))).toBe('Mediator ended the session for everyone (time is up)');
  });

  it('tells what an assessor did', () => {
    expect(describeEntry(entry('assessor.present', olga, { participant: 'Olga Observer', action: 'joined', room: 'Joint room' }))).toBe('Olga Observer began observing in “Joint room”');
    // The room of a held-back assessor is the waiting place outside, which the sentence does not name as a caucus.
    expect(describeEntry(entry('assessor.present', olga, { participant: 'Olga Observer', action: 'held-back', room: 'outside the caucus (not observing)' }))).toBe(
      'Olga Observer stayed out of the caucus, as not everyone there agreed to be observed',
    );
  });

  it('shortens a long announcement for a one-line summary only when asked', () => {
    const long = entry('announcement.sent', mediator, { text: 'x'.repeat(300) });
    expect(describeEntry(long, { quoteMax: 100 }).length).toBeLessThan(140);
    expect(describeEntry(long)).toContain('x'.repeat(300));
  });
});

describe('extraDetails', () => {
  it('lists only the data the sentence does not already say', () => {
    expect(extraDetails(EXAMPLES['agreement.signed'].e)).toEqual([{ key: 'textHash', label: 'Text fingerprint', value: 'ab'.repeat(32) }]);
    expect(extraDetails(EXAMPLES['participant.moved'].e)).toEqual([]);
    expect(extraDetails(EXAMPLES['consent.recorded'].e)).toEqual([
      { key: 'clauseSetHash', label: 'Protocol agreement fingerprint', value: 'ab'.repeat(32) },
      { key: 'optionalAccepted', label: 'Optional clauses accepted', value: 'assessor-caucus' },
    ]);
    expect(extraDetails(EXAMPLES['breakdown.started'].e)).toEqual([{ key: 'graceSeconds', label: 'Grace period (seconds)', value: '60' }]);
  });

  it('shows the new procedure’s settings as details', () => {
    expect(extraDetails(EXAMPLES['breakdown.settings-changed'].e)).toEqual([
      { key: 'graceSeconds', label: 'Grace period (seconds)', value: '30' },
      { key: 'pauseJointSession', label: 'Pause the joint session', value: 'yes' },
      { key: 'audioOnlyFallback', label: 'Audio only by itself', value: 'yes' },
      { key: 'textFallback', label: 'Point to the messages', value: 'no' },
    ]);
  });
});
