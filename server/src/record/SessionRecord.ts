import { lockNamed } from '../store/database.ts';
import { GENESIS_HASH, type RecordActor, type RecordBody, type RecordData, type RecordEntry, type RecordEventType, type RecordExport } from '@parley/shared';
import type { CaseService } from '../domain/CaseService.ts';
import type { Keyring } from '../crypto/Keyring.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/Store.ts';
import type { EventBus } from '../events/EventBus.ts';
import { hashBody } from './chain.ts';

/** Where other parts of the platform report what happened. Never rejects: a failed append is logged. */
export interface RecordSink {
  append<T extends RecordEventType>(caseId: string, type: T, actor: RecordActor | null, data: RecordData<T>): Promise<void>;
}

/**
 * The append-only, hash-chained, signed record of a case. Each entry is stored sealed with the
 * case key (it names people and rooms); its hash is stored in the clear to chain the next one.
 * Appends of one case run one after the other in the order they were asked for (a chain of
 * promises per case), so entry N+1 is built on entry N; each is one transaction that reads the
 * newest entry and writes the next. On Postgres, where several nodes may write one case's record,
 * the transaction first takes a lock of that case's record (released at its end), so the newest
 * entry it reads stays the newest until it has written the next; the key (case_id, seq) refuses
 * any number written twice all the same.
 */
export class SessionRecord implements RecordSink {
  readonly #store: Store;
  readonly #cases: CaseService;
  readonly #keys: Keyring;
  readonly #logger: Logger;
  /** Each case's appends not yet done: the last one asked for (it waits for those before it). */
  readonly #pending = new Map<string, Promise<void>>();

  constructor(store: Store, cases: CaseService, keys: Keyring, logger: Logger) {
    this.#store = store;
    this.#cases = cases;
    this.#keys = keys;
    this.#logger = logger;
  }

  /**
   * What other features report lands here: consents (with the optional clauses accepted or
   * declined), changes of the breakdown procedure, and every live-session entry. Entries of a case
   * are written in the order the events were announced.
   */
  subscribe(bus: EventBus): () => void {
    return bus.onEach({
      'consent.recorded': ({ identity: who, clauseSetHash, optionalAccepted, optionalDeclined }) =>
        void this.append(
          who.caseId,
          'consent.recorded',
          { id: who.participantId, displayName: who.displayName, role: who.role },
          { clauseSetHash, ...(optionalAccepted.length ? { optionalAccepted } : {}), ...(optionalDeclined.length ? { optionalDeclined } : {}) },
        ),
      'breakdown.changed': ({ caseId, settings, by }) =>
        void this.append(caseId, 'breakdown.settings-changed', { id: by.participantId, displayName: by.displayName, role: by.role }, {
          graceSeconds: settings.graceSeconds,
          pauseJointSession: settings.pauseJointSession,
          audioOnlyFallback: settings.audioOnlyFallback,
          textFallback: settings.textFallback,
        }),
      'waiting-room.changed': ({ caseId, on, by }) => void this.append(caseId, 'room.waiting-changed', { id: by.participantId, displayName: by.displayName, role: by.role }, { on }),
      // The union keeps each type with its own data; the append re-checks nothing it could get wrong.
      'record.entry': (e) => void this.append<RecordEventType>(e.caseId, e.type, e.actor, e.data),
    });
  }

  /**
   * Appends an entry after every one asked for on this case before it, stamped with the time of
   * the call. Resolves once it is written; never rejects (a record that cannot be written is
   * serious but must not break the session itself: it is logged).
   */
  append<T extends RecordEventType>(caseId: string, type: T, actor: RecordActor | null, data: RecordData<T>): Promise<void> {
    const at = new Date().toISOString();
    const before = this.#pending.get(caseId) ?? Promise.resolve();
    const done = before
      .then(() => this.#write(caseId, at, type, actor, data))
      .catch((err: unknown) => this.#logger.error({ err, caseId, type }, 'session record append failed'));
    this.#pending.set(caseId, done);
    void done.then(() => {
      if (this.#pending.get(caseId) === done) this.#pending.delete(caseId);
    });
    return done;
  }

  /** Resolves when every append asked for so far (of every case) is written or its failure logged. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending.values());
  }

  async #write<T extends RecordEventType>(caseId: string, at: string, type: T, actor: RecordActor | null, data: RecordData<T>): Promise<void> {
    // Before the transaction, whose body awaits only its own queries: the key may need a read.
    const key = await this.#cases.caseKey(caseId);
    await this.#store.kysely.transaction().execute(async (trx) => {
      // Another node's append to this case waits here until this one is committed (SQLite has one writer).
      await lockNamed(trx, this.#store.engine, 'parley.session-record', caseId);
      const last = await trx.selectFrom('record_entries').select(['seq', 'hash']).where('case_id', '=', caseId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      // An absent optional key is left out of the hash and of the stored JSON alike (canonicalJson).
      const body: RecordBody = { v: 1, caseId, seq: Number(last?.seq ?? 0) + 1, at, type, actor, data, prevHash: last?.hash ?? GENESIS_HASH };
      const hash = hashBody(body);
      const s = this.#keys.sodium;
      const signature = s.to_base64(this.#keys.signDetached(s.from_string(hash)), s.base64_variants.URLSAFE_NO_PADDING);
      const entry: RecordEntry = { ...body, hash, signature };
      await trx.insertInto('record_entries').values({ case_id: caseId, seq: body.seq, hash, entry_sealed: this.#keys.sealText(key, JSON.stringify(entry)), created_at: body.at }).execute();
    });
  }

  /** The case's entries in order, once the appends already asked for on it are written. */
  async entries(caseId: string): Promise<RecordEntry[]> {
    await this.#pending.get(caseId);
    const rows = await this.#store.kysely.selectFrom('record_entries').select('entry_sealed').where('case_id', '=', caseId).orderBy('seq').execute();
    if (rows.length === 0) return [];
    const key = await this.#cases.caseKey(caseId);
    return rows.map((r) => JSON.parse(this.#keys.openText(key, r.entry_sealed)) as RecordEntry);
  }

  async export(caseId: string): Promise<RecordExport> {
    const s = this.#keys.sodium;
    const caseTitle = await this.#cases.caseTitle(caseId);
    return {
      format: 'parley.session-record/1',
      caseId,
      caseTitle,
      exportedAt: new Date().toISOString(),
      publicKey: s.to_base64(this.#keys.signPublicKey, s.base64_variants.URLSAFE_NO_PADDING),
      entries: await this.entries(caseId),
    };
  }
}
