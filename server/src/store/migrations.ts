/**
 * Schema migrations, applied in order on start (PRAGMA user_version tracks the last one).
 * Confidential text (case titles, participant names) is stored sealed with the case key:
 * columns ending in `_sealed` never hold plaintext.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE mediators (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE signin_tokens (
    token_hash TEXT PRIMARY KEY,
    mediator_id TEXT NOT NULL REFERENCES mediators(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
  );
  CREATE TABLE mediator_sessions (
    token_hash TEXT PRIMARY KEY,
    mediator_id TEXT NOT NULL REFERENCES mediators(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE TABLE server_keys (
    id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    sealed_secret_key TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    mediator_id TEXT NOT NULL REFERENCES mediators(id),
    wrapped_key TEXT NOT NULL,
    title_sealed TEXT NOT NULL,
    agreement_json TEXT NOT NULL,
    clause_set_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    display_name_sealed TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('mediator','party','advisor','assessor')),
    side TEXT,
    created_at TEXT NOT NULL,
    removed_at TEXT
  );
  CREATE INDEX participants_case ON participants(case_id);
  CREATE TABLE invitations (
    jti TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participants(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    opened_at TEXT
  );
  CREATE INDEX invitations_participant ON invitations(participant_id);
  CREATE TABLE consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id TEXT NOT NULL REFERENCES participants(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    clause_set_hash TEXT NOT NULL,
    accepted_clause_ids TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX consents_participant ON consents(participant_id);
  `,
  // Shared agreement draft and mediator notes (issue 4): every received Yjs update is one sealed
  // row (kind 'update'); compaction replaces them with one sealed 'snapshot' (server/src/draft/DraftStore.ts).
  `
  CREATE TABLE draft_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES cases(id),
    doc_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('snapshot','update')),
    sealed BLOB NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX draft_records_doc ON draft_records(doc_name, id);
  `,
  // 2: threads [issue 4]. Message bodies and thread titles are sealed with the case key.
  `
  CREATE TABLE threads (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL CHECK (kind IN ('joint','caucus','private')),
    key TEXT NOT NULL,
    title_sealed TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (case_id, kind, key)
  );
  CREATE TABLE thread_members (
    thread_id TEXT NOT NULL REFERENCES threads(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    added_at TEXT NOT NULL,
    last_read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (thread_id, participant_id)
  );
  CREATE INDEX thread_members_participant ON thread_members(participant_id);
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    author_id TEXT NOT NULL REFERENCES participants(id),
    client_id TEXT NOT NULL,
    body_sealed TEXT,
    created_at TEXT NOT NULL,
    edited_at TEXT,
    deleted_at TEXT,
    UNIQUE (author_id, client_id)
  );
  CREATE INDEX messages_thread ON messages(thread_id, seq);
  `,
  // 3: agreement sign-off [issue 4]. The frozen text is sealed; signatures are Ed25519 by the server key
  // over the canonical record, which holds no agreement text (only its hash).
  `
  CREATE TABLE agreement_versions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    version INTEGER NOT NULL,
    text_sealed TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    frozen_at TEXT NOT NULL,
    frozen_by TEXT NOT NULL REFERENCES participants(id),
    voided_at TEXT,
    void_reason TEXT,
    UNIQUE (case_id, version)
  );
  CREATE TABLE agreement_signatures (
    version_id TEXT NOT NULL REFERENCES agreement_versions(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    record_sealed TEXT NOT NULL,
    signature TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    PRIMARY KEY (version_id, participant_id)
  );
  `,
  // 4: the tamper-evident session record [issue 5]. Entries are sealed (they name people and rooms);
  // the hash stays in the clear so the chain can be extended without opening earlier entries.
  `
  CREATE TABLE record_entries (
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    entry_sealed TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
  );
  `,
  // 5: the case's technology-breakdown procedure [issue 5, 3.6.13]: settings the mediator chose, as JSON
  // (no confidential content: durations, switches and a contact the parties are shown anyway).
  `
  ALTER TABLE cases ADD COLUMN breakdown_json TEXT;
  `,
  // 6: the assessor's scorecard [issue 5, ODR-QAP]. Ratings (one sealed JSON per assessor) and each
  // note (its own sealed record, so it can be edited or erased alone) are sealed with the case key.
  `
  CREATE TABLE assessments (
    case_id TEXT NOT NULL REFERENCES cases(id),
    assessor_id TEXT NOT NULL REFERENCES participants(id),
    ratings_sealed TEXT NOT NULL,
    released_at TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (case_id, assessor_id)
  );
  CREATE TABLE assessment_notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    assessor_id TEXT NOT NULL REFERENCES participants(id),
    note_sealed TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX assessment_notes_assessor ON assessment_notes(case_id, assessor_id, created_at);
  `,
  // 7: whether parties and advisors wait until the mediator lets them in [issue 13]; null = the
  // platform's default (CaseService.waitingRoomOn), so changing the default needs no migration.
  `
  ALTER TABLE cases ADD COLUMN waiting_room INTEGER;
  `,
  // 8: scheduled sessions and deadlines, and each person's time zone [issue 13; IMI 2.8]. The instant,
  // length, purpose and side are in the clear (the calendar needs them and they say nothing of the
  // dispute); the zone a session was set in and the mediator's note are sealed together, and a
  // person's zone is sealed on its own: where someone is in the world is theirs.
  `
  CREATE TABLE scheduled_sessions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    starts_at TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('joint','caucus','deadline')),
    side TEXT,
    details_sealed TEXT NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0,
    cancelled_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX scheduled_sessions_case ON scheduled_sessions(case_id, starts_at);
  CREATE TABLE participant_time_zones (
    participant_id TEXT PRIMARY KEY REFERENCES participants(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    zone_sealed TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('browser','mediator')),
    updated_at TEXT NOT NULL
  );
  `,
  // 9: protocol agreement templates and consent answers [issue 13; 3.5, 3.6.8, 3.6.12, 3.6.14]. A template
  // version is the mediator's general wording, never case content (a case's agreement_json is in the
  // clear too), and is never changed once saved. What a party writes when declining, asking or
  // withdrawing is mediation content: sealed with the case key. A withdrawn consent keeps its row
  // (when it was given) and says when it was withdrawn.
  `
  CREATE TABLE agreement_templates (
    id TEXT PRIMARY KEY,
    mediator_id TEXT NOT NULL REFERENCES mediators(id),
    created_at TEXT NOT NULL
  );
  CREATE INDEX agreement_templates_mediator ON agreement_templates(mediator_id);
  CREATE TABLE agreement_template_versions (
    id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL REFERENCES agreement_templates(id),
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    clauses_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (template_id, version)
  );
  ALTER TABLE cases ADD COLUMN template_version_id TEXT REFERENCES agreement_template_versions(id);
  CREATE TABLE consent_answers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL CHECK (kind IN ('declined','question','withdrawn')),
    text_sealed TEXT,
    clause_set_hash TEXT NOT NULL,
    at TEXT NOT NULL,
    answered_at TEXT
  );
  CREATE INDEX consent_answers_case ON consent_answers(case_id, at);
  CREATE INDEX consent_answers_participant ON consent_answers(participant_id, at);
  ALTER TABLE consents ADD COLUMN withdrawn_at TEXT;
  `,
  // 10: the mediator's passkeys [issue 13]. Only what checks a signature is kept: the credential's
  // public key (COSE, base64url), its id and signature counter, the transports the browser reported
  // (a hint for the next sign-in), the name the mediator gave it and its dates. No secret: the
  // private key never leaves the mediator's device.
  `
  CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    mediator_id TEXT NOT NULL REFERENCES mediators(id),
    credential_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    counter INTEGER NOT NULL,
    transports_json TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT
  );
  CREATE INDEX passkeys_mediator ON passkeys(mediator_id, created_at);
  `,
  // 11: e-mail notifications [issue 13]. A person's address and their unsubscribe token are sealed
  // with the case key (the token's hash finds the person when the link is used); mails waiting to go
  // out are sealed whole, as they hold links that are keys to the mediation; a reminder's row keeps
  // a restart from sending it twice (one per version of the session).
  `
  CREATE TABLE mail_recipients (
    participant_id TEXT PRIMARY KEY REFERENCES participants(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    address_sealed TEXT,
    opted_out_at TEXT,
    unsubscribe_sealed TEXT NOT NULL,
    unsubscribe_hash TEXT NOT NULL UNIQUE,
    digest_count INTEGER NOT NULL DEFAULT 0,
    digest_since TEXT
  );
  CREATE INDEX mail_recipients_case ON mail_recipients(case_id);
  CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    mail_sealed TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at);
  CREATE TABLE mail_reminders (
    session_id TEXT NOT NULL REFERENCES scheduled_sessions(id),
    sequence INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (session_id, sequence)
  );
  `,
  // 12: mediator accounts [issue 13]. The oldest account administers the platform. Organisation
  // and statement are what the mediator tells the people they invite [3.6.14] (not case content).
  // An e-mail address is sealed with a platform key; email_hash (a keyed hash) finds it again.
  // Of an invitation link only the hash is stored.
  `
  ALTER TABLE mediators ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE mediators ADD COLUMN deactivated_at TEXT;
  ALTER TABLE mediators ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
  ALTER TABLE mediators ADD COLUMN statement TEXT NOT NULL DEFAULT '';
  ALTER TABLE mediators ADD COLUMN email_sealed TEXT;
  ALTER TABLE mediators ADD COLUMN email_hash TEXT;
  CREATE INDEX mediators_email_hash ON mediators(email_hash);
  UPDATE mediators SET is_admin = 1 WHERE id = (SELECT id FROM mediators ORDER BY created_at, rowid LIMIT 1);
  CREATE TABLE mediator_invitations (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL REFERENCES mediators(id),
    display_name TEXT NOT NULL,
    email_sealed TEXT,
    email_hash TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    withdrawn_at TEXT,
    mediator_id TEXT REFERENCES mediators(id)
  );
  `,
  // 13: co-mediators [issue 13; 3.6.10]. A mediator's participant row names their account, so a
  // case can have several (the lead, cases.mediator_id, and co-mediators); every existing
  // mediator row is its case's lead's.
  `
  ALTER TABLE participants ADD COLUMN mediator_id TEXT REFERENCES mediators(id);
  UPDATE participants SET mediator_id = (SELECT c.mediator_id FROM cases c WHERE c.id = participants.case_id) WHERE role = 'mediator';
  CREATE INDEX participants_mediator ON participants(mediator_id) WHERE mediator_id IS NOT NULL;
  `,
];
