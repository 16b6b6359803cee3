import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { statement } from './statements.ts';

describe('prepared statements', () => {
  it('are compiled once per database and SQL text, and give each call its own results', () => {
    const a = new DatabaseSync(':memory:');
    const b = new DatabaseSync(':memory:');
    for (const db of [a, b]) db.exec('CREATE TABLE t (v INTEGER)');
    const insert = 'INSERT INTO t (v) VALUES (?)';
    expect(statement(a, insert)).toBe(statement(a, insert));
    expect(statement(b, insert)).not.toBe(statement(a, insert));
    statement(a, insert).statement.run(1);
    statement(a, insert).statement.run(2);
    statement(b, insert).statement.run(3);
    const all = 'SELECT v FROM t ORDER BY v';
    expect(statement(a, all).statement.all()).toEqual([{ v: 1 }, { v: 2 }]);
    expect(statement(b, all).statement.all()).toEqual([{ v: 3 }]);
    expect(statement(a, 'SELECT v FROM t WHERE v = ?').statement.get(2)).toEqual({ v: 2 });
    expect(statement(a, 'SELECT v FROM t WHERE v = ?').statement.get(5)).toBeUndefined();
  });

  it('know whether they return rows (Kysely asks on every query)', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    expect(statement(db, 'INSERT INTO t (v) VALUES (?)').reader).toBe(false);
    expect(statement(db, 'INSERT INTO t (v) VALUES (?) RETURNING v').reader).toBe(true);
    expect(statement(db, 'SELECT v FROM t').reader).toBe(true);
  });
});
