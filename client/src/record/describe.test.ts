import { describe, expect, it } from 'vitest';
import { RECORD_EVENT_TYPES } from '@parley/shared';
import { matchesFilter, RECORD_FILTERS, statusSentence } from './describe.ts';

// The sentence for each entry is tested with the translator itself (shared/src/record-words.test.ts).

describe('the record screen’s filters', () => {
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

  it('groups breakdowns and pauses under their own filter', () => {
    for (const t of ['breakdown.started', 'breakdown.audio-only', 'session.paused', 'session.resumed'] as const) expect(matchesFilter(t, 'breakdown')).toBe(true);
    expect(matchesFilter('assessor.present', 'rooms')).toBe(true);
  });

  it('groups scheduled, moved and cancelled sessions under their own filter', () => {
    for (const t of ['session.scheduled', 'session.rescheduled', 'session.cancelled'] as const) expect(matchesFilter(t, 'schedule')).toBe(true);
    expect(matchesFilter('session.paused', 'schedule')).toBe(false);
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
