import type { DatabaseSync } from 'node:sqlite';
import type { SessionPurpose, TimeZoneSource } from '@parley/shared';

export interface ScheduledRow {
  id: string;
  case_id: string;
  /** UTC, ISO 8601 with Z. */
  starts_at: string;
  duration_minutes: number;
  purpose: SessionPurpose;
  side: string | null;
  /** SealedDetails as JSON, sealed with the case key. */
  details_sealed: string;
  sequence: number;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** What is sealed of a scheduled session: the zone the mediator set it in, and their note. */
export interface SealedDetails {
  timeZone: string;
  note: string;
}

export interface TimeZoneRow {
  participant_id: string;
  case_id: string;
  zone_sealed: string;
  source: TimeZoneSource;
  updated_at: string;
}

/** SQL for scheduled sessions and people's time zones. Everything confidential arrives here already sealed. */
export class ScheduleStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  sessionsOf(caseId: string): ScheduledRow[] {
    return this.#db.prepare('SELECT * FROM scheduled_sessions WHERE case_id = ? ORDER BY starts_at, created_at').all(caseId) as unknown as ScheduledRow[];
  }

  count(caseId: string): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM scheduled_sessions WHERE case_id = ?').get(caseId) as { n: number }).n;
  }

  get(caseId: string, id: string): ScheduledRow | undefined {
    return this.#db.prepare('SELECT * FROM scheduled_sessions WHERE case_id = ? AND id = ?').get(caseId, id) as ScheduledRow | undefined;
  }

  insert(r: ScheduledRow): void {
    this.#db
      .prepare(
        `INSERT INTO scheduled_sessions (id, case_id, starts_at, duration_minutes, purpose, side, details_sealed, sequence, cancelled_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.id, r.case_id, r.starts_at, r.duration_minutes, r.purpose, r.side, r.details_sealed, r.sequence, r.cancelled_at, r.created_at, r.updated_at);
  }

  /** A reschedule or a cancellation: the whole row as it is now (the sequence already raised by the caller). */
  update(r: ScheduledRow): void {
    this.#db
      .prepare(
        `UPDATE scheduled_sessions SET starts_at = ?, duration_minutes = ?, purpose = ?, side = ?, details_sealed = ?, sequence = ?, cancelled_at = ?, updated_at = ?
         WHERE case_id = ? AND id = ?`,
      )
      .run(r.starts_at, r.duration_minutes, r.purpose, r.side, r.details_sealed, r.sequence, r.cancelled_at, r.updated_at, r.case_id, r.id);
  }

  zonesOf(caseId: string): TimeZoneRow[] {
    return this.#db.prepare('SELECT * FROM participant_time_zones WHERE case_id = ?').all(caseId) as unknown as TimeZoneRow[];
  }

  zoneOf(participantId: string): TimeZoneRow | undefined {
    return this.#db.prepare('SELECT * FROM participant_time_zones WHERE participant_id = ?').get(participantId) as TimeZoneRow | undefined;
  }

  putZone(r: TimeZoneRow): void {
    this.#db
      .prepare(
        `INSERT INTO participant_time_zones (participant_id, case_id, zone_sealed, source, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (participant_id) DO UPDATE SET zone_sealed = excluded.zone_sealed, source = excluded.source, updated_at = excluded.updated_at`,
      )
      .run(r.participant_id, r.case_id, r.zone_sealed, r.source, r.updated_at);
  }

  clearZone(participantId: string): void {
    this.#db.prepare('DELETE FROM participant_time_zones WHERE participant_id = ?').run(participantId);
  }
}
