import { describe, expect, it } from 'vitest';
import { entriesVisibleTo, linkNearestEvents, sessionSecondsAt, type LinkableEntry } from './assessment-events.ts';

const T0 = Date.parse('2025-05-01T09:00:00.000Z');
const mediator = { id: 'mediator-0001', displayName: 'Maria', role: 'mediator' as const };
const ana = { id: 'party-ana-0001', displayName: 'Ana', role: 'party' as const };
const cleo = { id: 'assessor-cleo1', displayName: 'Cleo', role: 'assessor' as const };

let seq = 0;
function entry(secondsFromT0: number, type: LinkableEntry['type'], actor: LinkableEntry['actor'], data: LinkableEntry['data'] = {}): LinkableEntry {
  return { seq: ++seq, at: new Date(T0 + secondsFromT0 * 1000).toISOString(), type, actor, data };
}

describe('linking a note to the nearest session events', () => {
  it('links the three closest events of the five minutes before, plus any in the 30 s after', () => {
    seq = 0;
    const entries = [
      entry(0, 'participant.joined', mediator, { room: 'Joint room' }), // 10 min before: too old
      entry(400, 'room.created', mediator, { room: 'Caucus A' }),
      entry(500, 'participant.moved', mediator, { room: 'Caucus A', participants: ['Ana'] }),
      entry(550, 'moderation.muted', mediator, { participant: 'Ana' }),
      entry(590, 'announcement.sent', mediator, { text: 'Back in five minutes' }),
      entry(620, 'control.given', mediator, { room: 'Joint room', participant: 'Ana' }), // 20 s after
      entry(640, 'control.taken', mediator, { room: 'Joint room' }), // 40 s after: too late
    ];
    const links = linkNearestEvents(entries, T0 + 600_000);
    expect(links.map((l) => l.seq)).toEqual([3, 4, 5, 6]);
    expect(links.map((l) => l.summary)).toEqual([
      'Mediator moved Ana to “Caucus A”',
      'Mediator muted Ana',
      'Mediator announced to everyone: “Back in five minutes”',
      'Mediator gave control of “Joint room” to Ana',
    ]);
    expect(links[0]).toMatchObject({ type: 'participant.moved', at: entries[2]!.at });
  });

  it('links nothing when nothing happened in the window, and leaves out the assessor’s own events', () => {
    seq = 0;
    const entries = [entry(0, 'participant.joined', mediator), entry(290, 'participant.joined', cleo), entry(295, 'assessor.present', cleo)];
    expect(linkNearestEvents(entries, T0 + 300_000, { excludeActorId: cleo.id }).map((l) => l.seq)).toEqual([1]);
    expect(linkNearestEvents(entries, T0 + 3_600_000)).toEqual([]);
  });

  it('an event exactly at the note counts as before it; five minutes back is still inside', () => {
    seq = 0;
    const entries = [entry(0, 'room.created', mediator, { room: 'A' }), entry(300, 'room.closed', mediator, { room: 'A' })];
    expect(linkNearestEvents(entries, T0 + 300_000).map((l) => l.seq)).toEqual([1, 2]);
  });
});

describe('what the assessor could perceive', () => {
  it('links events of the assessor’s room and case-wide ones, never those of a caucus they stayed out of', () => {
    seq = 0;
    const entries = [
      entry(0, 'participant.joined', mediator, { room: 'Joint room' }),
      entry(1, 'participant.joined', ana, { room: 'Joint room' }),
      entry(2, 'participant.joined', cleo, { room: 'Joint room' }), // 1–3: before the assessor arrived, or their own
      entry(10, 'room.created', mediator, { room: 'Caucus A' }), // 4: made in the joint room: seen
      entry(11, 'participant.moved', mediator, { room: 'Caucus A', participants: ['Ana'] }), // 5: Ana leaves the joint room: seen
      entry(12, 'participant.moved', mediator, { room: 'Caucus A', participants: ['Maria'] }), // 6: seen
      entry(13, 'assessor.present', cleo, { participant: 'Cleo', action: 'held-back', room: 'Outside' }), // 7: Ana declined
      entry(20, 'moderation.muted', mediator, { participant: 'Ana' }), // 8: in the caucus: not seen
      entry(21, 'control.given', mediator, { room: 'Caucus A', participant: 'Ana' }), // 9: not seen
      entry(22, 'announcement.sent', mediator, { text: 'Back in 5' }), // 10: to everyone: seen
      entry(23, 'breakdown.media-lost', ana, { participant: 'Ana' }), // 11: Ana is in the caucus: not seen
      entry(30, 'room.closed', mediator, { room: 'Caucus A' }), // 12: not seen from outside
      entry(31, 'assessor.present', cleo, { participant: 'Cleo', action: 'followed', room: 'Joint room' }),
      entry(32, 'moderation.muted', mediator, { participant: 'Ana' }), // 14: Ana is back in the joint room: seen
      entry(33, 'some.future-event' as LinkableEntry['type'], mediator, {}), // 15: room unknown… the mediator's room: seen
    ];
    expect([...entriesVisibleTo(entries, cleo)].sort((a, b) => a - b)).toEqual([4, 5, 6, 10, 14, 15]);
    const links = linkNearestEvents(entries, T0 + 25_000, { excludeActorId: cleo.id, observer: cleo });
    // Before: the three closest the assessor saw (not 8 or 9, in the caucus); after: the 30 s that followed.
    expect(links.map((l) => l.seq)).toEqual([5, 6, 10, 14, 15]);
    expect(links.map((l) => l.summary)).not.toContain('Mediator gave control of “Caucus A” to Ana');
  });

  it('links events inside a caucus the assessor followed the mediator into', () => {
    seq = 0;
    const entries = [
      entry(0, 'participant.joined', cleo, { room: 'Joint room' }),
      entry(1, 'assessor.present', cleo, { participant: 'Cleo', action: 'followed', room: 'Caucus B' }),
      entry(2, 'control.given', mediator, { room: 'Caucus B', participant: 'Ana' }),
      entry(3, 'room.timer-set', mediator, { room: 'Caucus C', minutes: 5 }),
    ];
    expect(linkNearestEvents(entries, T0 + 5_000, { excludeActorId: cleo.id, observer: cleo }).map((l) => l.seq)).toEqual([3]);
  });

  it('before the assessor has joined, only case-wide events are theirs to see', () => {
    seq = 0;
    const entries = [entry(0, 'participant.joined', mediator, { room: 'Joint room' }), entry(1, 'consent.recorded', ana, {})];
    expect([...entriesVisibleTo(entries, cleo)]).toEqual([2]);
  });
});

describe('session time', () => {
  it('counts from the join that found the session empty, and is null between sittings', () => {
    seq = 0;
    const entries = [
      entry(0, 'participant.joined', mediator),
      entry(60, 'participant.joined', ana),
      entry(120, 'participant.left', mediator),
      entry(130, 'participant.joined', mediator), // Ana was still there: same sitting
      entry(1800, 'participant.left', ana),
      entry(1810, 'participant.left', mediator), // sitting over
      entry(7200, 'participant.joined', ana), // a new sitting
    ];
    expect(sessionSecondsAt(entries, T0 - 1000)).toBeNull();
    expect(sessionSecondsAt(entries, T0 + 725_000)).toBe(725);
    expect(sessionSecondsAt(entries, T0 + 3_600_000)).toBeNull();
    expect(sessionSecondsAt(entries, T0 + 7_265_000)).toBe(65);
  });
});

describe('one-line summaries', () => {
  it('are the record screen’s sentences, with a long announcement shortened', () => {
    seq = 0;
    const entries = [
      entry(0, 'participant.joined', ana, { room: 'Joint room' }),
      entry(1, 'participant.moved', null, { room: 'Joint room', participants: ['Ana', 'Ben'], reason: 'the caucus timer ended' }),
      entry(2, 'room.timer-set', mediator, { room: 'Caucus A', minutes: 10 }),
      entry(3, 'share.stopped', mediator, { participant: 'Ana', room: 'Joint room' }),
      entry(4, 'agreement.voided', null, { version: 2, reason: 'edited after freeze' }),
      entry(5, 'session.paused', null, { missing: ['Ben'], reason: 'not back after 60 seconds' }),
      entry(6, 'announcement.sent', mediator, { text: 'x'.repeat(300) }),
      entry(7, 'some.future-event' as LinkableEntry['type'], mediator),
    ];
    const summaries = linkNearestEvents(entries, T0 - 1000).map((l) => l.summary);
    expect(summaries).toHaveLength(8);
    expect(summaries.slice(0, 6)).toEqual([
      'Ana joined “Joint room”',
      'Parley moved Ana and Ben to “Joint room” (the caucus timer ended)',
      'Mediator set a 10-minute timer in “Caucus A”',
      'Mediator stopped the screen share of Ana in “Joint room”',
      'Version 2 of the agreement was withdrawn (edited after freeze)',
      'Parley paused the joint session: Ben was not connected (not back after 60 seconds)',
    ]);
    expect(summaries[6]!.length).toBeLessThan(130);
    expect(summaries[7]).toBe('Mediator: some future event');
  });
});
