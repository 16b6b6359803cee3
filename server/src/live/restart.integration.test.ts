import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CloseCode, type Notifications } from '@parley/shared';
import { connect, must, nextEvent, type ClientSocket } from '../test/harness.ts';
import { onPostgres, testDatabaseUrl } from '../test/engine.ts';
import { startParleyProcess, type ParleyProcess } from '../test/process.ts';
import { consentedAgreement, restartableServer } from '../test/yjs.ts';

/**
 * Live state survives a restart (issue 14, step 3): the real process is stopped with SIGTERM in
 * the middle of a session, with Ana in a caucus and her microphone held by the mediator, and
 * started again on the same data (and database). Ana comes back where she was, still held; the
 * mediator finds the caucus as it was.
 */
const { dataDir, env } = restartableServer('parley-live-restart-');
const CAUCUS = 'Ana and the mediator, on the fence';
const children: ParleyProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function start(port = 0): Promise<ParleyProcess> {
  const url = await testDatabaseUrl(dataDir);
  const child = await startParleyProcess({ ...env, ...(url ? { DATABASE_URL: url } : {}) }, port);
  children.push(child);
  return child;
}

/** A first process, with the mediator and Ana (consented) joined to the live session of a new case. */
async function mediatorAndAnaInSession() {
  const first = await start();
  const port = Number(new URL(first.server.url).port);
  const { cookie, detail, ana } = await consentedAgreement(first.server);
  const anaId = detail.participants.find((p) => p.displayName === 'Ana Party')!.id;
  const mediator = await connect(first.server, { caseId: detail.id }, { cookie });
  await must(mediator, 'session:join', {});
  const party = await connect(first.server, { token: ana });
  await must(party, 'session:join', {});
  return { first, port, cookie, detail, ana, anaId, mediator, party };
}

describe('a restart in the middle of a live session', () => {
  it('brings a party back to the caucus they were in, still held by the mediator', async () => {
    const { first, port, cookie, detail, ana, anaId, mediator, party } = await mediatorAndAnaInSession();
    const { room } = await must(mediator, 'room:create', { name: CAUCUS });
    await must(mediator, 'room:move', { participantIds: [anaId], roomId: room.id });
    await must(mediator, 'moderation:mute', { participantIds: [anaId] });

    const told: Array<Notifications['session:closed']> = [];
    party.on('session:closed', (e) => told.push(e));
    const gone = new Promise<void>((r) => party.once('disconnect', () => r()));
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await gone;
    expect(told.map((t) => t.code)).toEqual([CloseCode.ServerRestart]);
    for (const s of [party, mediator]) s.close();
    // Kept sealed: the caucus's name is mediation content (the SQLite file and its WAL; on
    // Postgres the store tests check the sealing, LiveStates.test.ts).
    if (!onPostgres) {
      const onDisk = Buffer.concat(['parley.db', 'parley.db-wal'].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
      expect(onDisk.includes(Buffer.from(CAUCUS))).toBe(false);
    }

    // Started again on the same data and port; Ana's client reconnects by itself (4503 is not terminal).
    const second = await start(port);
    const back: ClientSocket = await connect(second.server, { token: ana });
    const joined = await must(back, 'session:join', {});
    expect(joined.self.roomId).toBe(room.id);
    expect(joined.self.micHeldBy?.displayName).toBe(detail.participants.find((p) => p.role === 'mediator')!.displayName);
    expect(joined.rooms.map((r) => r.name)).toEqual([CAUCUS]);

    // The mediator finds the caucus with Ana in it, and can bring her back to the joint room.
    const mediatorBack = await connect(second.server, { caseId: detail.id }, { cookie });
    const view = await must(mediatorBack, 'session:join', {});
    expect(view.rooms.find((r) => r.id === room.id)?.name).toBe(CAUCUS);
    expect(view.participants.find((p) => p.id === anaId)).toMatchObject({ roomId: room.id, micHeldBy: { displayName: expect.any(String) } });
    const moved = nextEvent(back, 'room:updated');
    await must(mediatorBack, 'room:move', { participantIds: [anaId], roomId: 'joint' });
    expect((await moved).id).toBe('joint');
    for (const s of [back, mediatorBack]) s.close();
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000); // two real processes start and stop, on a machine that may be busy

  it('finishes what a move set off (the caucus thread and its members) before the store closes', async () => {
    const { first, port, cookie, detail, ana, anaId, mediator, party } = await mediatorAndAnaInSession();
    const { room } = await must(mediator, 'room:create', { name: 'Ana alone' });
    // Acknowledged once Ana is placed; her caucus thread follows on the bus, and the stop comes at once.
    await must(mediator, 'room:move', { participantIds: [anaId], roomId: room.id });
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    for (const s of [party, mediator]) s.close();
    expect(first.logs.filter((l) => l.msg === 'caucus thread not updated')).toEqual([]);

    const second = await start(port);
    const back = await connect(second.server, { token: ana });
    const { threads } = await must(back, 'thread:list', {});
    expect(threads.map((t) => t.title)).toContain('Caucus: Ana alone');
    back.close();
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
