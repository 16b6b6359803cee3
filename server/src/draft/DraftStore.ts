import type { DraftDocRef } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import { now, type Store } from '../store/Store.ts';

/**
 * Sealed persistence of draft documents (table `draft_records`, see migrations.ts).
 *
 * Construction: each Yjs update the server accepts is written at once, before it is broadcast, as
 * one row `crypto_secretbox(update)` under a key derived from the case key for that document
 * (`Keyring.deriveKey(caseKey, "draft/<docName>")`), random nonce per row. A row moved to another
 * document or case no longer opens. Compaction seals the merged document state as one 'snapshot'
 * row and deletes the rows it covers, in one transaction, so a crash at any point leaves either
 * the old rows or the new snapshot. No draft text is ever stored in the clear.
 */
export class DraftStore {
  readonly #store: Store;
  readonly #keys: Keyring;
  readonly #caseKey: (caseId: string) => Uint8Array;
  readonly #docKeys = new Map<string, Uint8Array>();

  constructor(store: Store, keys: Keyring, caseKey: (caseId: string) => Uint8Array) {
    this.#store = store;
    this.#keys = keys;
    this.#caseKey = caseKey;
  }

  #key(doc: DraftDocRef): Uint8Array {
    let k = this.#docKeys.get(doc.name);
    if (!k) {
      k = this.#keys.deriveKey(this.#caseKey(doc.caseId), `draft/${doc.name}`);
      this.#docKeys.set(doc.name, k);
    }
    return k;
  }

  /** Every record of the document, opened, oldest first. Throws if one was altered. */
  load(doc: DraftDocRef): { updates: Uint8Array[]; lastId: number; bytes: number } {
    const rows = this.#store.db.prepare('SELECT id, sealed FROM draft_records WHERE doc_name = ? ORDER BY id').all(doc.name) as unknown as Array<{
      id: number;
      sealed: Uint8Array;
    }>;
    const key = this.#key(doc);
    const updates = rows.map((r) => this.#keys.openBytes(key, r.sealed));
    return { updates, lastId: rows.at(-1)?.id ?? 0, bytes: updates.reduce((n, u) => n + u.length, 0) };
  }

  /** Durable once this returns (WAL commit). */
  append(doc: DraftDocRef, update: Uint8Array): number {
    const r = this.#store.db
      .prepare("INSERT INTO draft_records (case_id, doc_name, kind, sealed, created_at) VALUES (?, ?, 'update', ?, ?)")
      .run(doc.caseId, doc.name, this.#keys.sealBytes(this.#key(doc), update), now());
    return Number(r.lastInsertRowid);
  }

  /** Replaces every record up to `upToId` by one sealed snapshot of the merged state. */
  compact(doc: DraftDocRef, state: Uint8Array, upToId: number): number {
    const sealed = this.#keys.sealBytes(this.#key(doc), state);
    return this.#store.tx(() => {
      this.#store.db.prepare('DELETE FROM draft_records WHERE doc_name = ? AND id <= ?').run(doc.name, upToId);
      const r = this.#store.db
        .prepare("INSERT INTO draft_records (case_id, doc_name, kind, sealed, created_at) VALUES (?, ?, 'snapshot', ?, ?)")
        .run(doc.caseId, doc.name, sealed, now());
      return Number(r.lastInsertRowid);
    });
  }

  /** For tests and diagnostics: how many rows a document has. */
  recordCount(docName: string): number {
    return (this.#store.db.prepare('SELECT COUNT(*) AS n FROM draft_records WHERE doc_name = ?').get(docName) as { n: number }).n;
  }
}
