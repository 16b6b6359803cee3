import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, type CaseDetail, type WireError } from '@parley/shared';
import type { RunningServer } from '../index.ts';
import { api, connect, consent, must, nextEvent, tokenOf, type ClientSocket } from '../test/harness.ts';
import { onPostgres, testDatabaseUrl } from '../test/engine.ts';
import { freePort } from '../test/ports.ts';
import { startParleyProcess, type ParleyProcess } from '../test/process.ts';
import { startRedis, type RunningRedis } from '../test/redis.ts';
import { appendParagraph, consentedAgreement, provider, restartableServer, synced, until } from '../test/yjs.ts';

/**
 * Two real Parley processes on one Postgres and one Redis (issue 14; docs/scaling.md). The
 * mediator connects to node 1, Ana and Ben to node 2: node 2 sends them to node 1, which runs the
 * case, and all end in the same live case and the same agreement draft. A change made through node
 * 2's HTTP API reaches the mediator on node 1, and node 2's case page shows who is online on node 1.
 * Then node 1 is killed (SIGKILL: no goodbye, no lease released): once its lease runs out node 2
 * takes the case over from the stored state, and Ana and the mediator are back in the same rooms,
 * with the message and the draft line Ana had written. Several nodes need Postgres: this runs in
 * the Postgres pass of `npm test`.
 */
const LEASE_SECONDS = 3;
const { dataDir, env } = restartableServer('parley-two-nodes-');
const children: ParleyProcess[] = [];
let redis: RunningRedis | undefined;
afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await redis?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Node `i` of `ports` (each node's address is allowed on every node: pages are sent between them). */
async function node(redisUrl: string, databaseUrl: string, ports: number[], i: number): Promise<ParleyProcess> {
  const origins = ports.map((p) => `http://127.0.0.1:${p}`);
  const child = await startParleyProcess(
    { ...env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, PARLEY_NODE_URL: origins[i]!, PARLEY_ALLOWED_ORIGINS: origins.join(','), PARLEY_CASE_LEASE_SECONDS: String(LEASE_SECONDS) },
    ports[i]!,
  );
  children.push(child);
  return child;
}

/** A refused handshake's wire error (socket.io's connect_error carries it as `data`). */
async function refusal(server: RunningServer, auth: Record<string, unknown>, headers: Record<string, string> = {}): Promise<WireError | ClientSocket> {
  try {
    return await connect(server, auth, headers);
  } catch (err) {
    return (err as Error & { data: WireError }).data;
  }
}

const at = (url: string) => ({ url }) as RunningServer;

describe.runIf(onPostgres)('two nodes on one Postgres and one Redis', () => {
  it('runs a case on one node, sends everyone there, shares changes, and takes the case over when that node dies', async () => {
    redis = await startRedis();
    const databaseUrl = (await testDatabaseUrl(dataDir))!;
    const ports = [await freePort(), await freePort()];
    const one = await node(redis.url, databaseUrl, ports, 0);
    // Signed in before node 2 starts: each start prints a new one-time sign-in link.
    const { cookie, detail, ana, name } = await consentedAgreement(one.server);
    const two = await node(redis.url, databaseUrl, ports, 1);
    const anaId = detail.participants.find((p) => p.displayName === 'Ana Party')!.id;
    const ben = tokenOf(detail.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);

    // Each node says it can share cases (a load balancer reads this).
    for (const n of [one, two]) expect((await api<{ checks: unknown[] }>(n.server, 'GET', '/api/ready')).body.checks).toContainEqual({ name: 'coordination', ok: true });

    // The mediator starts the session on node 1, which takes the case.
    const mediator = await connect(one.server, { caseId: detail.id }, { cookie });
    await must(mediator, 'session:join', {});

    // Ana reaches node 2 (a load balancer's choice): it sends her to node 1, with its address.
    const sent = await refusal(two.server, { token: ana });
    expect(sent).toMatchObject({ code: ErrorCode.Moved, moveTo: one.server.url });
    // Her draft is sent there too (the access check a browser makes after a refused upgrade).
    const draft = await api<{ closeCode: number; moveTo: string }>(two.server, 'GET', `/api/drafts/${encodeURIComponent(name)}/access`, { bearer: ana });
    expect(draft.status).toBe(307);
    expect(draft.body).toMatchObject({ closeCode: 4307, moveTo: one.server.url });
    const party = await connect(at((sent as WireError).moveTo!), { token: ana });
    await must(party, 'session:join', {});

    // Both in the same live case: the mediator opens a caucus for Ana and holds her microphone.
    const { room } = await must(mediator, 'room:create', { name: 'Ana with the mediator' });
    const added = nextEvent(party, 'thread:added');
    await must(mediator, 'room:move', { participantIds: [anaId], roomId: room.id });
    await must(mediator, 'moderation:mute', { participantIds: [anaId] });
    const caucusThread = await added;
    expect(caucusThread.title).toBe('Caucus: Ana with the mediator');
    const said = 'I could accept the fence if the hedge stays.';
    await must(party, 'message:send', { threadId: caucusThread.id, body: said, clientId: randomUUID() });

    // A change made through node 2's HTTP API reaches the mediator on node 1 (over Redis).
    const told = nextEvent(mediator, 'consent:answered');
    expect((await api(two.server, 'POST', '/api/invitation/consent/question', { bearer: ben, body: { question: 'Can my sister come?' } })).status).toBe(200);
    expect(await told).toMatchObject({ kind: 'question', displayName: 'Ben Party', text: 'Can my sister come?' });

    // Ben consents and comes in through node 2 as well, and is sent on to node 1.
    await consent(two.server, ben, detail);
    const benSent = await refusal(two.server, { token: ben });
    expect(benSent).toMatchObject({ code: ErrorCode.Moved, moveTo: one.server.url });
    const benSocket = await connect(at((benSent as WireError).moveTo!), { token: ben });
    await must(benSocket, 'session:join', {});

    // Node 2's case page shows who is connected to the session running on node 1.
    const benId = detail.participants.find((p) => p.displayName === 'Ben Party')!.id;
    const online = async () => (await api<CaseDetail>(two.server, 'GET', `/api/cases/${detail.id}`, { cookie })).body.participants.filter((p) => p.online).map((p) => p.id);
    await until(async () => (await online()).length === 3, 10_000, 'three online on node 2');
    expect((await online()).sort()).toEqual([anaId, benId, detail.participants.find((p) => p.role === 'mediator')!.id].sort());

    // The agreement draft: each follows the access check's address to node 1; a line Ana writes reaches the other two.
    const draftAt = async (bearer: string | undefined) => {
      const access = await api<{ moveTo?: string }>(two.server, 'GET', `/api/drafts/${encodeURIComponent(name)}/access`, bearer ? { bearer } : { cookie });
      return at(access.body.moveTo!);
    };
    const drafts = {
      ana: provider(await draftAt(ana), name, { token: ana }),
      ben: provider(await draftAt(ben), name, { token: ben }),
      mediator: provider(await draftAt(undefined), name, { cookie }),
    };
    await Promise.all(Object.values(drafts).map((p) => synced(p, 15_000)));
    const line = 'Ana and Ben share the cost of the fence.';
    appendParagraph(drafts.ana.doc, line);
    const has = (p: (typeof drafts)['ana']) => p.doc.getXmlFragment('default').toString().includes(line);
    await until(() => has(drafts.mediator) && has(drafts.ben), 10_000, 'the line on the mediator’s and Ben’s drafts');

    // Node 1 dies without a word.
    const lost = Promise.all([party, mediator, benSocket].map((s) => new Promise<void>((r) => s.once('disconnect', () => r()))));
    one.proc.kill('SIGKILL');
    await one.exited;
    await lost;
    for (const s of [party, mediator, benSocket]) s.close();
    for (const p of Object.values(drafts)) p.destroy();
    const killedAt = Date.now();

    // Ana's client tries again through node 2, which sends her to the dead node until its lease
    // runs out, then takes the case over (the client's own reconnect policy does the same).
    let back: ClientSocket | undefined;
    while (!back) {
      const answer = await refusal(two.server, { token: ana });
      if ('connected' in answer) back = answer;
      else {
        expect(answer).toMatchObject({ code: ErrorCode.Moved, moveTo: one.server.url });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const takeoverMs = Date.now() - killedAt;
    // The lease's lifetime bounds it (and a loaded machine may add a little to the tries).
    expect(takeoverMs).toBeLessThan((LEASE_SECONDS + 10) * 1000);
    const joined = await must(back, 'session:join', {});
    expect(joined.self.roomId).toBe(room.id);
    expect(joined.self.micHeldBy).not.toBeNull();
    const history = await must(back, 'thread:history', { threadId: caucusThread.id });
    expect(history.messages.map((m) => m.body)).toContain(said);
    // The draft as it was: the line reached the others, so it was stored before (persisted, then relayed).
    const draftBack = provider(two.server, name, { token: ana });
    await synced(draftBack, 15_000);
    expect(has(draftBack)).toBe(true);
    draftBack.destroy();

    // The mediator comes back through node 2 as well and finds the caucus with Ana in it.
    const mediatorBack = await connect(two.server, { caseId: detail.id }, { cookie });
    const view = await must(mediatorBack, 'session:join', {});
    expect(view.participants.find((p) => p.id === anaId)).toMatchObject({ roomId: room.id, connection: 'connected' });
    for (const s of [back, mediatorBack]) s.close();
    two.proc.kill('SIGTERM');
    expect(await two.exited).toBe(0);
  }, 180_000); // three real processes and a lease to run out, on a machine that may be busy
});
