import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, RecordEntry, RecordExport, RecordVerifyReport } from '@parley/shared';
import { api, connect, consent, createCase, must, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';
import { verifyRecord } from './chain.ts';

/** The session record: what happens is chained and signed; any removal, reordering or change is caught. */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let key: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
  detail = await createCase(server, cookie);
  key = (await api<{ publicKey: string }>(server, 'GET', '/api/agreement/public-key')).body.publicKey;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('session record', () => {
  it('records consents, joins, rooms, moves, mutes and announcements in order, and verifies', async () => {
    const tA = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
    await consent(server, tA, detail);
    const m = await connect(server, { caseId: detail.id }, { cookie });
    const a = await connect(server, { token: tA });
    sockets.push(m, a);
    await must(m, 'session:join', {});
    const aJoin = await must(a, 'session:join', {});
    const { room } = await must(m, 'room:create', { name: 'Caucus A' });
    await must(m, 'room:move', { participantIds: [aJoin.self.id], roomId: room.id });
    await must(m, 'moderation:mute', { participantIds: [aJoin.self.id] });
    await must(m, 'announcement:send', { text: 'Back in five minutes' });
    a.disconnect();
    // The drop is recorded when the server sees the socket go: wait for that entry, not for a time.
    await expect
      .poll(async () => (await api<RecordExport>(server, 'GET', `/api/cases/${detail.id}/record`, { cookie })).body.entries.at(-1)?.type)
      .toBe('breakdown.started');

    const r = await api<{ entries: RecordEntry[]; verification: RecordVerifyReport }>(server, 'GET', `/api/cases/${detail.id}/record`, { cookie });
    expect(r.body.entries.map((e) => e.type)).toEqual([
      'consent.recorded',
      'participant.joined',
      'participant.joined',
      'room.created',
      'participant.moved',
      'moderation.muted',
      'announcement.sent',
      'breakdown.started',
    ]);
    expect(r.body.entries[4]).toMatchObject({ actor: { role: 'mediator' }, data: { room: 'Caucus A', participants: ['Ana Party'] } });
    expect(r.body.verification).toEqual({ valid: true, entries: 8, problems: [] });
    expect((await api(server, 'GET', `/api/cases/${detail.id}/record`)).status).toBe(401);
  });

  it('detects an altered, removed or reordered entry, a forged signature and a foreign key', async () => {
    const res = await fetch(`${server.url}/api/cases/${detail.id}/record/export`, { headers: { cookie } });
    const downloaded = await res.text();
    const exp = JSON.parse(downloaded) as RecordExport;
    expect((await verifyRecord(exp, key)).valid).toBe(true);

    const altered = clone(exp);
    altered.entries[4]!.data.room = 'Joint room';
    const removed = clone(exp);
    removed.entries.splice(3, 1);
    const reordered = clone(exp);
    [reordered.entries[5], reordered.entries[6]] = [reordered.entries[6]!, reordered.entries[5]!];
    const renumbered = clone(removed);
    renumbered.entries.forEach((e, i) => (e.seq = i + 1)); // hiding the gap breaks the hashes instead
    const forged = clone(exp);
    forged.entries[2]!.signature = forged.entries[1]!.signature;
    const truncatedTail = clone(exp);
    truncatedTail.entries.pop();
    for (const [name, bad] of [['altered', altered], ['removed', removed], ['reordered', reordered], ['renumbered', renumbered], ['forged', forged]] as const) {
      const report = await verifyRecord(bad, key);
      expect(report.valid, name).toBe(false);
      expect(report.problems.length, name).toBeGreaterThan(0);
    }
    // Dropping the last entries leaves a valid prefix: the count and last hash in the mediator's
    // timeline are what show it (the platform's own copy is the reference).
    expect((await verifyRecord(truncatedTail, key)).entries).toBe(exp.entries.length - 1);
    expect((await verifyRecord(exp, 'A'.repeat(43))).valid).toBe(false);

    // The public endpoint, as someone checking a record uses it: the file exactly as downloaded is
    // valid, every entry counted; the altered copy is not.
    const verify = async (body: string) => {
      const res = await fetch(`${server.url}/api/record/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(200);
      return (await res.json()) as RecordVerifyReport;
    };
    expect(exp.entries.length).toBeGreaterThanOrEqual(8);
    expect(await verify(downloaded)).toEqual({ valid: true, entries: exp.entries.length, problems: [] });
    const viaApi = await verify(JSON.stringify(altered));
    expect(viaApi.valid).toBe(false);
    expect(viaApi.problems).toContain('Entry 5: its content was changed after it was recorded.');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-record-'));
    fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify(exp));
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(reordered));
    const cli = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../signoff/verify-cli.ts'), file, '--key', key], {
        cwd: path.resolve(import.meta.dirname, '../../..'),
        encoding: 'utf8',
        env: { ...process.env, INIT_CWD: dir },
      });
    expect(cli('good.json').status).toBe(0);
    const bad = cli('bad.json');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('INVALID');
  });
});
