import type { Kysely } from 'kysely';
import { LiveSnapshot } from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { DB } from '../store/schema.ts';
import type { LiveStateStorage } from './LiveStateKeeper.ts';

/**
 * How long a kept live state may go untouched and still be resumed. A live case touches its row
 * every minute (LiveStateKeeper), so only a session whose node stopped and that nobody came back
 * to within this time starts afresh: a restart or a takeover takes seconds, and people who come
 * back the next day should not land in a caucus of yesterday.
 */
export const RESUME_WITHIN_MS = 15 * 60_000;

/** Seals and opens text with the case's key (CaseService.sealForCase / openForCase). */
export interface CaseSealing {
  seal(caseId: string, text: string): Promise<string>;
  open(caseId: string, sealed: string): Promise<string>;
}

/**
 * The kept state of live sessions: one row per case, the snapshot sealed with the case key (room
 * names and announcements are mediation content), on either SQL engine.
 */
export class LiveStates implements LiveStateStorage {
  readonly #db: Kysely<DB>;
  readonly #sealing: CaseSealing;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(db: Kysely<DB>, sealing: CaseSealing, log: Logger, now: () => number = Date.now) {
    this.#db = db;
    this.#sealing = sealing;
    this.#log = log;
    this.#now = now;
  }

  /**
   * The state to rebuild the case's live session from, or null: none kept, kept too long ago
   * (RESUME_WITHIN_MS), or unreadable (another version wrote it). A state not used is deleted.
   */
  async load(caseId: string): Promise<LiveSnapshot | null> {
    const row = await this.#db.selectFrom('live_states').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    if (!row) return null;
    if (this.#now() - Date.parse(row.alive_at) > RESUME_WITHIN_MS) {
      this.#log.info({ caseId, aliveAt: row.alive_at }, 'kept live state too old to resume: the session starts afresh');
      await this.clear(caseId);
      return null;
    }
    let parsed: ReturnType<typeof LiveSnapshot.safeParse> | undefined;
    try {
      parsed = LiveSnapshot.safeParse(JSON.parse(await this.#sealing.open(caseId, row.state_sealed)));
    } catch (err) {
      this.#log.warn({ caseId, err }, 'kept live state could not be opened: the session starts afresh');
    }
    if (parsed && !parsed.success) this.#log.warn({ caseId, issues: parsed.error.issues.slice(0, 5) }, 'kept live state unreadable: the session starts afresh');
    if (!parsed?.success) {
      await this.clear(caseId);
      return null;
    }
    return parsed.data;
  }

  async save(caseId: string, snapshot: LiveSnapshot): Promise<void> {
    const state_sealed = await this.#sealing.seal(caseId, JSON.stringify(snapshot));
    const at = new Date(this.#now()).toISOString();
    await this.#db
      .insertInto('live_states')
      .values({ case_id: caseId, state_sealed, saved_at: at, alive_at: at })
      .onConflict((oc) => oc.column('case_id').doUpdateSet({ state_sealed, saved_at: at, alive_at: at }))
      .execute();
  }

  async clear(caseId: string): Promise<void> {
    await this.#db.deleteFrom('live_states').where('case_id', '=', caseId).execute();
  }

  async touch(caseId: string): Promise<void> {
    await this.#db.updateTable('live_states').set({ alive_at: new Date(this.#now()).toISOString() }).where('case_id', '=', caseId).execute();
  }
}
