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
];
