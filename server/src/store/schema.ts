import type { Generated } from 'kysely';
import type { CaseOutcome, CaseState } from '@parley/shared';

/**
 * Every table as the typed query layer (Kysely) sees it, the same on both engines. Columns ending
 * in `_sealed` hold only text sealed with a case key or a platform key, never plaintext; times are
 * ISO 8601 text (UTC), so that they sort and compare the same on SQLite and Postgres. Why each
 * table exists is told where it is created (migrations.ts, and pgBaseline.ts for Postgres).
 */
export interface DB {
  mediators: {
    id: string;
    display_name: string;
    created_at: string;
    is_admin: Generated<number>;
    deactivated_at: string | null;
    organisation: Generated<string>;
    statement: Generated<string>;
    email_sealed: string | null;
    email_hash: string | null;
    /** Grows with every row written (migration 0015): the order rows were added in. */
    row_order: Generated<number>;
  };
  signin_tokens: { token_hash: string; mediator_id: string; created_at: string; expires_at: string; used_at: string | null };
  mediator_sessions: { token_hash: string; mediator_id: string; created_at: string; expires_at: string };
  server_keys: { id: string; public_key: string; sealed_secret_key: string; created_at: string };
  cases: {
    id: string;
    mediator_id: string;
    wrapped_key: string;
    title_sealed: string;
    agreement_json: string;
    clause_set_hash: string;
    created_at: string;
    breakdown_json: string | null;
    waiting_room: number | null;
    template_version_id: string | null;
    /** Grows with every row written (migration 0015): the order rows were added in. */
    row_order: Generated<number>;
    /** The end of the case (migration 0017, lifecycle/CaseLifecycle.ts). */
    state: Generated<CaseState>;
    concluded_at: string | null;
    outcome: CaseOutcome | null;
    reason_sealed: string | null;
    party_access_until: string | null;
    archived_at: string | null;
  };
  participants: {
    id: string;
    case_id: string;
    display_name_sealed: string;
    role: 'mediator' | 'party' | 'advisor' | 'assessor';
    side: string | null;
    created_at: string;
    removed_at: string | null;
    mediator_id: string | null;
    /** Grows with every row written (migration 0015): the order rows were added in. */
    row_order: Generated<number>;
  };
  invitations: { jti: string; participant_id: string; case_id: string; issued_at: string; expires_at: string; revoked_at: string | null; opened_at: string | null; row_order: Generated<number> };
  consents: {
    id: Generated<number>;
    participant_id: string;
    case_id: string;
    clause_set_hash: string;
    accepted_clause_ids: string;
    at: string;
    withdrawn_at: string | null;
  };
  draft_records: { id: Generated<number>; case_id: string; doc_name: string; kind: 'snapshot' | 'update'; sealed: Uint8Array; created_at: string };
  threads: { id: string; case_id: string; kind: 'joint' | 'caucus' | 'private'; key: string; title_sealed: string | null; created_at: string; row_order: Generated<number> };
  thread_members: { thread_id: string; participant_id: string; added_at: string; last_read_seq: Generated<number>; row_order: Generated<number> };
  messages: {
    seq: Generated<number>;
    id: string;
    thread_id: string;
    author_id: string;
    client_id: string;
    body_sealed: string | null;
    created_at: string;
    edited_at: string | null;
    deleted_at: string | null;
  };
  agreement_versions: {
    id: string;
    case_id: string;
    version: number;
    text_sealed: string;
    text_hash: string;
    frozen_at: string;
    frozen_by: string;
    voided_at: string | null;
    void_reason: string | null;
  };
  agreement_signatures: { version_id: string; participant_id: string; record_sealed: string; signature: string; signed_at: string };
  record_entries: { case_id: string; seq: number; hash: string; entry_sealed: string; created_at: string };
  assessments: { case_id: string; assessor_id: string; ratings_sealed: string; released_at: string | null; updated_at: string };
  assessment_notes: { id: string; case_id: string; assessor_id: string; note_sealed: string; created_at: string; row_order: Generated<number> };
  scheduled_sessions: {
    id: string;
    case_id: string;
    starts_at: string;
    duration_minutes: number;
    purpose: 'joint' | 'caucus' | 'deadline';
    side: string | null;
    details_sealed: string;
    sequence: Generated<number>;
    cancelled_at: string | null;
    created_at: string;
    updated_at: string;
  };
  participant_time_zones: { participant_id: string; case_id: string; zone_sealed: string; source: 'browser' | 'mediator'; updated_at: string };
  agreement_templates: { id: string; mediator_id: string; created_at: string };
  agreement_template_versions: { id: string; template_id: string; version: number; name: string; clauses_json: string; created_at: string; row_order: Generated<number> };
  consent_answers: {
    id: string;
    case_id: string;
    participant_id: string;
    kind: 'declined' | 'question' | 'withdrawn';
    text_sealed: string | null;
    clause_set_hash: string;
    at: string;
    answered_at: string | null;
    /** Grows with every row written (migration 0015): the order rows were added in. */
    row_order: Generated<number>;
  };
  passkeys: {
    id: string;
    mediator_id: string;
    credential_id: string;
    public_key: string;
    counter: number;
    transports_json: string;
    name: string;
    created_at: string;
    last_used_at: string | null;
  };
  mail_recipients: {
    participant_id: string;
    case_id: string;
    address_sealed: string | null;
    opted_out_at: string | null;
    unsubscribe_sealed: string;
    unsubscribe_hash: string;
    digest_count: Generated<number>;
    digest_since: string | null;
  };
  mail_outbox: { id: string; case_id: string; participant_id: string; mail_sealed: string; attempts: Generated<number>; next_attempt_at: string; created_at: string };
  mail_reminders: { session_id: string; sequence: number; at: string };
  /** One live session's rooms, placements, holds and pause, sealed with the case key (migration 0016). */
  live_states: { case_id: string; state_sealed: string; saved_at: string; alive_at: string };
  mediator_invitations: {
    id: string;
    token_hash: string;
    invited_by: string;
    display_name: string;
    email_sealed: string | null;
    email_hash: string | null;
    created_at: string;
    expires_at: string;
    used_at: string | null;
    withdrawn_at: string | null;
    mediator_id: string | null;
    /** Grows with every row written (migration 0015): the order rows were added in. */
    row_order: Generated<number>;
  };
}
