import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Prepared statements, compiled once per database connection and reused. node:sqlite has no
 * statement cache of its own, and compiling the SQL text again on every call was a large share of
 * each socket request's time (found profiling the socket.io ack benchmark: every request and every
 * delivery re-checks credentials and consent, a handful of statements each). A statement is only
 * ever used through get/all/run, which reset it, so one copy per SQL text is enough.
 */
const cache = new WeakMap<DatabaseSync, Map<string, Prepared>>();

/** A compiled statement, and whether it returns rows (read once: asking costs a native call each time). */
export interface Prepared {
  statement: StatementSync;
  reader: boolean;
}

export function statement(db: DatabaseSync, sql: string): Prepared {
  let byText = cache.get(db);
  if (!byText) {
    byText = new Map();
    cache.set(db, byText);
  }
  let s = byText.get(sql);
  if (!s) {
    const statement = db.prepare(sql);
    s = { statement, reader: statement.columns().length > 0 };
    byText.set(sql, s);
  }
  return s;
}
