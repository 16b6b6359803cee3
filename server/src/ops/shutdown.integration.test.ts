import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CloseCode, type Notifications } from '@parley/shared';
import type { RunningServer } from '../index.ts';
import { randomUUID } from 'node:crypto';
import type { RecordEntry, RecordExport, RecordVerifyReport, ThreadMessage } from '@parley/shared';
import { api, connect, must, type ClientSocket } from '../test/harness.ts';
import { startParleyProcess, type ParleyProcess } from '../test/process.ts';
import { appendParagraph, consentedAgreement, provider, restartableServer, synced, until } from '../test/yjs.ts';

/**
 * Graceful shutdown of the real process: `node --import tsx server/src/main.ts`, the command
 * `npm start` ends with (scripts/run.sh), on its own data folder. SIGTERM must tell connected
 * people the service is restarting, keep the draft, and exit 0; a second signal changes nothing.
 */
const { dataDir, env } = restartableServer('parley-shutdown-');
const SENTENCE = 'Ben repaints the fence in the colour both parties chose.';

const children: ParleyProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startProcess(port = 0): Promise<ParleyProcess> {
  const child = await startParleyProcess(env, port);
  children.push(child);
  return child;
}

/** Ana types SENTENCE into the draft; a second client seeing it means the server applied it. */
async function typeIntoDraft(server: RunningServer, name: string, ana: string) {
  const typing = provider(server, name, { token: ana });
  const watching = provider(server, name, { token: ana });
  await synced(typing);
  await synced(watching);
  appendParagraph(typing.doc, SENTENCE);
  await until(() => watching.doc.getXmlFragment('default').toString().includes(SENTENCE), 10_000, 'the edit to reach the server');
  return { typing, watching };
}

describe('graceful shutdown', () => {
  it('on SIGTERM tells a connected client it is restarting (4503), keeps the draft, exits 0, and a second signal changes nothing', async () => {
    const first = await startProcess();
    const { ana, name } = await consentedAgreement(first.server);

    // Ana in the live session over a raw socket.
    const socket: ClientSocket = await connect(first.server, { token: ana });
    const told: Array<Notifications['session:closed']> = [];
    socket.on('session:closed', (e) => told.push(e));
    const disconnected = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
    await must(socket, 'session:join', {});

    // …and typing into the agreement draft.
    const { typing, watching } = await typeIntoDraft(first.server, name, ana);

    first.proc.kill('SIGTERM');
    first.proc.kill('SIGINT');
    expect(await first.exited).toBe(0);
    await disconnected;
    expect(told).toEqual([{ code: CloseCode.ServerRestart, message: 'The service is restarting. You will be reconnected.' }]);
    expect(first.logs.filter((l) => l.msg === 'shutting down')).toHaveLength(1);
    // Whichever of the two the process handled second (both were pending at once) was only logged.
    expect(first.logs.filter((l) => l.msg === 'already shutting down')).toHaveLength(1);
    expect(first.logs.some((l) => l.msg === 'parley stopped')).toBe(true);
    // The workers close last, in order: no live case took the signal for a crashed worker.
    expect(first.logs.some((l) => /media worker died/.test(l.msg))).toBe(false);
    expect(first.logs.some((l) => l.msg === 'shutdown did not finish in time: exiting anyway')).toBe(false);
    socket.close();
    typing.destroy();
    watching.destroy();

    // Started again on the same data folder: the draft has what Ana typed.
    const second = await startProcess();
    const reader = provider(second.server, name, { token: ana });
    await synced(reader);
    expect(reader.doc.getXmlFragment('default').toString()).toContain(SENTENCE);
    reader.destroy();
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000); // two real processes start and stop, on a machine that may be busy

  it('nothing acknowledged is lost: messages acked before SIGTERM, the synced draft and the record are there after a restart on the same port, and the record verifies', async () => {
    const first = await startProcess();
    const port = Number(new URL(first.server.url).port);
    const { cookie, detail, ana, name } = await consentedAgreement(first.server);
    const socket = await connect(first.server, { token: ana });
    await must(socket, 'session:join', {});
    const mediator = await connect(first.server, { caseId: detail.id }, { cookie });
    await must(mediator, 'session:join', {});
    const joint = (await must(socket, 'thread:list', {})).threads.find((t) => t.kind === 'joint')!;

    const { typing, watching } = await typeIntoDraft(first.server, name, ana);
    const recordBefore = (await api<RecordExport>(first.server, 'GET', `/api/cases/${detail.id}/record`, { cookie })).body.entries;
    expect(recordBefore.length).toBeGreaterThan(0);

    // A burst of messages; the signal arrives while most are still in flight. Each one whose
    // send was acknowledged must survive; the others may or may not (their sender saw no ack).
    const acked: string[] = [];
    let signalled = false;
    const sends = Array.from({ length: 30 }, (_, i) => {
      const body = `Message ${i + 1} before the restart.`;
      return (socket.timeout(5_000) as unknown as { emitWithAck: (n: string, p: unknown) => Promise<{ ok: boolean }> })
        .emitWithAck('message:send', { threadId: joint.id, body, clientId: randomUUID() })
        .then((r) => {
          if (!r.ok) return;
          acked.push(body);
          if (acked.length === 5 && !signalled) {
            signalled = true;
            first.proc.kill('SIGTERM');
          }
        })
        .catch(() => undefined); // no ack: the connection went first
    });
    await Promise.all(sends);
    expect(signalled).toBe(true);
    expect(await first.exited).toBe(0);
    for (const c of [socket, mediator]) c.close();
    typing.destroy();
    watching.destroy();

    // Started again on the same data folder and port: what the clients already have addresses.
    const second = await startProcess(port);
    expect(second.server.url).toBe(first.server.url);
    const back = await connect(second.server, { token: ana });
    await must(back, 'session:join', {});
    const history = (await must(back, 'thread:history', { threadId: joint.id, limit: 200 })).messages as ThreadMessage[];
    const bodies = new Set(history.map((m) => m.body));
    expect(acked.filter((b) => !bodies.has(b))).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(5);
    const reader = provider(second.server, name, { token: ana });
    await synced(reader);
    expect(reader.doc.getXmlFragment('default').toString()).toContain(SENTENCE);
    reader.destroy();

    // The record: every entry written before is there, unchanged, and the chain verifies, both as
    // the mediator reads it and through the public verifier with the exported file.
    const after = await api<{ entries: RecordEntry[]; verification: RecordVerifyReport }>(second.server, 'GET', `/api/cases/${detail.id}/record`, { cookie });
    expect(after.status).toBe(200);
    const byHash = new Set(after.body.entries.map((e) => e.hash));
    expect(recordBefore.filter((e) => !byHash.has(e.hash))).toEqual([]);
    expect(after.body.verification).toMatchObject({ valid: true, problems: [] });
    const exported = await fetch(`${second.server.url}/api/cases/${detail.id}/record/export`, { headers: { cookie } });
    expect(exported.status).toBe(200);
    const verified = await fetch(`${second.server.url}/api/record/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: await exported.text() });
    expect(await verified.json()).toMatchObject({ valid: true, problems: [] });
    back.close();
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
