import type { RecordEventType, RecordVerifyReport } from '@parley/shared';

/**
 * The record screen's own words: its filter groups and the status line above the timeline. The
 * sentence for each entry comes from the one translator in shared (record-words.ts), which the
 * assessor's notes use too.
 */

/** The filter groups offered by the "Show" select. */
export const RECORD_FILTERS = [
  { id: 'all', label: 'All events' },
  { id: 'rooms', label: 'Rooms and moves' },
  { id: 'control', label: 'Muting and control' },
  { id: 'agreement', label: 'Consent and agreement' },
  { id: 'breakdown', label: 'Breakdowns and pauses' },
  { id: 'schedule', label: 'Scheduling' },
  { id: 'lifecycle', label: 'Concluding and archiving' },
] as const;
export type RecordFilter = (typeof RECORD_FILTERS)[number]['id'];

const GROUP: Record<RecordEventType, Exclude<RecordFilter, 'all'>> = {
  'consent.recorded': 'agreement',
  'consent.declined': 'agreement',
  'consent.withdrawn': 'agreement',
  'protocol.template-changed': 'agreement',
  'participant.joined': 'rooms',
  'participant.left': 'rooms',
  'participant.link-reused': 'rooms',
  'participant.added': 'rooms',
  'participant.removed': 'rooms',
  'room.created': 'rooms',
  'room.closed': 'rooms',
  'participant.moved': 'rooms',
  'room.timer-set': 'rooms',
  'room.waiting-changed': 'rooms',
  'moderation.muted': 'control',
  'moderation.unmute-asked': 'control',
  'share.started': 'control',
  'share.stopped': 'control',
  'control.given': 'control',
  'control.taken': 'control',
  'announcement.sent': 'control',
  'agreement.frozen': 'agreement',
  'agreement.signed': 'agreement',
  'agreement.voided': 'agreement',
  'breakdown.settings-changed': 'breakdown',
  'breakdown.started': 'breakdown',
  'breakdown.recovered': 'breakdown',
  'breakdown.grace-expired': 'breakdown',
  'breakdown.ice-restarted': 'breakdown',
  'breakdown.media-lost': 'breakdown',
  'breakdown.media-restored': 'breakdown',
  'breakdown.audio-only': 'breakdown',
  'session.paused': 'breakdown',
  'session.resumed': 'breakdown',
  'session.ended': 'rooms',
  // Who was watching is part of who was present.
  'assessor.present': 'rooms',
  'session.scheduled': 'schedule',
  'session.rescheduled': 'schedule',
  'session.cancelled': 'schedule',
  'case.concluded': 'lifecycle',
  'case.reopened': 'lifecycle',
  'case.archived': 'lifecycle',
};

export function matchesFilter(type: string, filter: RecordFilter): boolean {
  if (filter === 'all') return true;
  return (GROUP as Record<string, string | undefined>)[type] === filter;
}

/** The status line above the timeline, from the server's check of the whole chain. */
export function statusSentence(v: RecordVerifyReport): string {
  if (v.valid) {
    if (v.entries === 0) return 'The record is intact. Nothing has been recorded for this case yet.';
    if (v.entries === 1) return 'The record is intact: 1 entry, signed';
    return `The record is intact: ${v.entries} entries, each signed and chained to the one before`;
  }
  return `The record does not check out: ${v.problems.length === 1 ? 'we found a problem' : `we found ${v.problems.length} problems`} in its ${v.entries} ${v.entries === 1 ? 'entry' : 'entries'}`;
}
