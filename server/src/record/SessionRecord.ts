import { GENESIS_HASH, type RecordActor, type RecordBody, type RecordData, type RecordEntry, type RecordEventType, type RecordExport } from '@parley/shared';
import type { CaseService } from '../domain/CaseService.ts';
import type { Keyring } from '../crypto/Keyring.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/Store.ts';
import type { EventBus } from '../events/EventBus.ts';
import { hashBody } from './chain.ts';

/** Where other parts of the platform report what happened. Never throws into its caller. */
export interface RecordSink {
  append<T extends RecordEventType>(caseId: string, type: T, actor: RecordActor | null, data: RecordData<T>): void;
}

/**
 * The append-only, hash-chained, signed record of a case. Each entry is stored sealed with the
 * case key (it names people and rooms); its hash is stored in the clear to chain the next one.
 * Appends are synchronous SQLite transactions, so entries of one case cannot interleave.
 */
export class SessionRecord implements RecordSink {
  readonly #store: Store;
  readonly #cases: CaseService;
  readonly #keys: Keyring;
  readonly #logger: Logger;

  constructor(store: Store, cases: CaseService, keys: Keyring, logger: Logger) {
    this.#store = store;
    this.#cases = cases;
    this.#keys = keys;
    this.#logger = logger;
  }

  /**
   * What other features report lands here: consents (with the optional clauses accepted or
   * declined), changes of the breakdown procedure, and every live-session entry.
   */
  subscribe(bus: EventBus): () => void {
    return bus.onEach({
      'consent.recorded': ({ identity: who, clauseSetHash, optionalAccepted, optionalDeclined }) =>
        this.append(
          who.caseId,
          'consent.recorded',
          { id: who.participantId, displayName: who.displayName, role: who.role },
          { clauseSetHash, ...(optionalAccepted.length ? { optionalAccepted } : {}), ...(optionalDeclined.length ? { optionalDeclined } : {}) },
        ),
      'breakdown.changed': ({ caseId, settings, by }) =>
        this.append(caseId, 'breakdown.settings-changed', { id: by.participantId, displayName: by.displayName, role: by.role }, {
          graceSeconds: settings.graceSeconds,
          pauseJointSession: settings.pauseJointSession,
          audioOnlyFallback: settings.audioOnlyFallback,
          textFallback: settings.textFallback,
        }),
      'waiting-room.changed': ({ caseId, on, by }) => this.append(caseId, 'room.waiting-changed', { id: by.participantId, displayName: by.displayName, role: by.role }, { on }),
      // The union keeps each type with its own data; the append re-checks nothing it could get wrong.
      'record.entry': (e) => this.append<RecordEventType>(e.caseId, e.type, e.actor, e.data),
    });
  }

  append<T extends RecordEventType>(caseId: string, type: T, actor: RecordActor | null, data: RecordData<T>): void {
    try {
      this.#store.tx(() => {
        const last = this.#store.db.prepare('SELECT seq, hash FROM record_entries WHERE case_id = ? ORDER BY seq DESC LIMIT 1').get(caseId) as
          | { seq: number; hash: string }
          | undefined;
        // An absent optional key is left out of the hash and of the stored JSON alike (canonicalJson).
        const body: RecordBody = { v: 1, caseId, seq: (last?.seq ?? 0) + 1, at: new Date().toISOString(), type, actor, data, prevHash: last?.hash ?? GENESIS_HASH };
        const hash = hashBody(body);
        const s = this.#keys.sodium;
        const signature = s.to_base64(this.#keys.signDetached(s.from_string(hash)), s.base64_variants.URLSAFE_NO_PADDING);
        const entry: RecordEntry = { ...body, hash, signature };
        this.#store.db
          .prepare('INSERT INTO record_entries (case_id, seq, hash, entry_sealed, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(caseId, body.seq, hash, this.#cases.sealForCase(caseId, JSON.stringify(entry)), body.at);
      });
    } catch (err) {
      // A record that cannot be written is serious but must not break the session itself.
      this.#logger.error({ err, caseId, type }, 'session record append failed');
    }
  }

  entries(caseId: string): RecordEntry[] {
    const rows = this.#store.db.prepare('SELECT entry_sealed FROM record_entries WHERE case_id = ? ORDER BY seq').all(caseId) as Array<{ entry_sealed: string }>;
    return rows.map((r) => JSON.parse(this.#cases.openForCase(caseId, r.entry_sealed)) as RecordEntry);
  }

  export(caseId: string): RecordExport {
    const s = this.#keys.sodium;
    return {
      format: 'parley.session-record/1',
      caseId,
      caseTitle: this.#cases.caseTitle(caseId),
      exportedAt: new Date().toISOString(),
      publicKey: s.to_base64(this.#keys.signPublicKey, s.base64_variants.URLSAFE_NO_PADDING),
      entries: this.entries(caseId),
    };
  }
}
