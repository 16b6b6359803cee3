import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { ErrorCode, requestNames, type CaseDetail, type RequestName } from '@parley/shared';
import { captureLogs, connect, consent, createCase, joinWithMedia, must, request, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';
import { fuzzLimits, garbage, jsonSchemaOf, nearValid, requestArbitrary, watchCrashes, type Arity, type IdPool } from '../test/fuzz.ts';
import { until } from '../test/yjs.ts';

/**
 * Property-based fuzzing of every client → server request (the list in shared/src/events.ts, so a
 * new request is fuzzed without a change here) against the real server and mediasoup worker. Each
 * request comes from one of five people (mediator, two parties, an assessor, all in the session
 * with media; an advisor who is not) with a near-valid or garbage payload, in one of several
 * argument layouts. Properties: every request with an ack gets a valid result or a typed error
 * (never `internal`), a refusal leaves a log line and changes nothing (the live view of every
 * member, producers, threads, messages, record entries, the draft, the other case), and the process
 * sees no uncaught exception or unhandled rejection. The seed of a failing run is in the report
 * (`fc.assert`), and FUZZ_SEED / FUZZ_RUNS reproduce or deepen it.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const logs = captureLogs();
let watch: ReturnType<typeof watchCrashes>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let otherCase: CaseDetail;
const pool: IdPool = [];

type Who = 'mediator' | 'ana' | 'ben' | 'cleo' | 'dan' | 'otherAna';
/** Who is joined (and how) in the canonical state that every run starts from. */
const JOINED: Record<Who, 'media' | 'observer' | null> = { mediator: 'media', ana: 'media', ben: 'media', cleo: 'observer', dan: null, otherAna: 'media' };
const FUZZERS: Who[] = ['mediator', 'ana', 'ben', 'cleo', 'dan'];
const auth: Partial<Record<Who, { a: Record<string, unknown>; h?: Record<string, string>; caseId: string }>> = {};
const sockets: Partial<Record<Who, ClientSocket>> = {};
const ids: Partial<Record<Who, string>> = {};
let ssrc = 10_000;

async function bringIn(who: Who): Promise<void> {
  const old = sockets[who];
  // Leave first, on the old connection: a closed socket's disconnect reaches the server later and
  // would start the grace period in the middle of the next run (a change no request made).
  // A connection the server is closing (a run that ended the session) may go before the leave's answer.
  if (old?.connected) await request(old, 'session:leave', {}).catch(() => undefined);
  old?.close();
  const { a, h } = auth[who]!;
  const s = await connect(server, a, h);
  sockets[who] = s;
  const how = JOINED[who];
  if (!how) return;
  if (how === 'observer') {
    const j = await must(s, 'session:join', {});
    const recv = await must(s, 'transport:create', { direction: 'recv' });
    pool.push(j.self.id, recv.id);
    ids[who] = j.self.id;
    return;
  }
  const j = await joinWithMedia(s, (ssrc += 10));
  ids[who] = j.joined.self.id;
  pool.push(j.joined.self.id, j.send.id, j.recv.id, j.mic, j.cam, ...j.joined.rooms.map((r) => r.id));
  await must(s, 'media:ready', { rtpCapabilities: j.joined.routerRtpCapabilities as never });
}

/** Back to the canonical state after a run that was accepted (a leave, a join) or cut the connection. */
async function heal(): Promise<void> {
  for (const who of Object.keys(JOINED) as Who[]) {
    const lc = server.live.get(auth[who]!.caseId);
    const member = lc && ids[who] ? lc.member(ids[who]!) : undefined;
    const s = sockets[who];
    const memberHere = !!member && member.socket.id === s?.id && member.connection === 'connected';
    if (!s?.connected || (JOINED[who] && !memberHere)) await bringIn(who);
    else if (!JOINED[who] && s.connected && lc?.member(ids[who] ?? '')) await bringIn(who);
  }
}

beforeAll(async () => {
  watch = watchCrashes();
  server = await startTestServer({}, undefined, fuzzLimits(), logs.logger);
  cookie = await signIn(server);
  detail = await createCase(server, cookie, [
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
    { displayName: 'Cleo Assessor', role: 'assessor' },
    { displayName: 'Dan Advisor', role: 'advisor', side: 'B' },
  ]);
  otherCase = await createCase(server, cookie);
  const tok = (d: CaseDetail, name: string) => tokenOf(d.participants.find((p) => p.displayName === name)!.invitation!.url);
  for (const name of ['Ana Party', 'Ben Party', 'Cleo Assessor', 'Dan Advisor']) await consent(server, tok(detail, name), detail);
  await consent(server, tok(otherCase, 'Ana Party'), otherCase);
  auth.mediator = { a: { caseId: detail.id }, h: { cookie }, caseId: detail.id };
  auth.ana = { a: { token: tok(detail, 'Ana Party') }, caseId: detail.id };
  auth.ben = { a: { token: tok(detail, 'Ben Party') }, caseId: detail.id };
  auth.cleo = { a: { token: tok(detail, 'Cleo Assessor') }, caseId: detail.id };
  auth.dan = { a: { token: tok(detail, 'Dan Advisor') }, caseId: detail.id };
  auth.otherAna = { a: { token: tok(otherCase, 'Ana Party') }, caseId: otherCase.id };
  for (const who of Object.keys(JOINED) as Who[]) await bringIn(who);
  ids.dan = detail.participants.find((p) => p.displayName === 'Dan Advisor')!.id;
  pool.push(...detail.participants.map((p) => p.id), ...otherCase.participants.map((p) => p.id));
  // A caucus, a thread message and an announcement, so that ids of each kind exist.
  const caucus = await must(sockets.mediator!, 'room:create', { name: 'Caucus A' });
  await must(sockets.mediator!, 'room:move', { participantIds: [ids.ana!], roomId: caucus.room.id });
  const threads = await must(sockets.ana!, 'thread:list', {});
  pool.push(caucus.room.id, ...threads.threads.map((t) => t.id));
  const posted = await must(sockets.ana!, 'message:send', { threadId: threads.threads[0]!.id, body: 'A first message', clientId: crypto.randomUUID() });
  pool.push(posted.message.id);
  const asked = await must(sockets.ana!, 'assistance:request', {});
  pool.push(asked.requestId);
}, 120_000);

afterAll(async () => {
  for (const s of Object.values(sockets)) s?.close();
  await server?.close();
  watch?.stop();
});

/** What a refused request must leave as it was. */
async function snapshot(): Promise<string> {
  const view = (caseId: string) => {
    const lc = server.live.get(caseId);
    if (!lc) return null;
    return lc.members().map((m) => ({ id: m.id, view: lc.viewFor(m), producers: lc.media.producersOf(m.id) }));
  };
  const db = server.store.kysely;
  return JSON.stringify({
    live: view(detail.id),
    other: view(otherCase.id),
    threads: await db.selectFrom('threads').selectAll().orderBy('id').execute(),
    members: await db.selectFrom('thread_members').selectAll().orderBy('thread_id').orderBy('participant_id').execute(),
    messages: await db.selectFrom('messages').selectAll().orderBy('id').execute(),
    record: await db.selectFrom('record_entries').selectAll().orderBy('case_id').orderBy('seq').execute(),
    draft: (await server.drafts.snapshotText(detail.id)).hash,
  });
}

/**
 * The state once what earlier requests and `heal` set going is written: the session record and the
 * caucus threads follow their events a moment later (on Postgres, long enough to land between two
 * snapshots). Two snapshots a little apart that agree.
 */
async function settledSnapshot(): Promise<string> {
  let last = await snapshot();
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 15));
    const next = await snapshot();
    if (next === last) return next;
    last = next;
  }
  throw new Error('the state did not settle');
}

const WireErrorShape = z.object({ code: z.enum(Object.values(ErrorCode) as [string, ...string[]]), message: z.string().min(1) });
const AckShape = z.union([z.object({ ok: z.literal(true), data: z.unknown() }).strict(), z.object({ ok: z.literal(false), error: WireErrorShape.passthrough() }).strict()]);

async function send(s: ClientSocket, event: RequestName, payload: unknown, layout: Arity, extra: unknown): Promise<unknown> {
  const raw = s as unknown as { emit: (...a: unknown[]) => void; timeout: (ms: number) => { emitWithAck: (...a: unknown[]) => Promise<unknown> } };
  if (layout === 'no-ack') {
    raw.emit(event, payload);
    return undefined;
  }
  const args = layout === 'ack-only' ? [] : layout === 'extra-arg+ack' ? [payload, extra] : [payload];
  return raw.timeout(15_000).emitWithAck(event, ...args);
}

/** How the fuzzed requests were answered, by error code (or 'accepted'), over the whole file. */
const tally = new Map<string, number>();

/** One fuzzed request and its properties; returns nothing, throws on a violated property. */
async function oneRun(event: RequestName, who: Who, input: { payload: unknown; arity: Arity; extra: unknown }): Promise<void> {
  await heal();
  const s = sockets[who]!;
  const before = await settledSnapshot();
  const logMark = logs.lines.length;
  const answer = await send(s, event, input.payload, input.arity, input.extra);
  const newLines = () => logs.lines.slice(logMark);
  let refused = true;
  const tallyOf = (k: string) => tally.set(k, (tally.get(k) ?? 0) + 1);
  if (input.arity === 'no-ack') {
    // The positive signal that it was read and set aside; only then is "nothing changed" meaningful.
    await until(() => newLines().some((l) => l.msg === 'request without ack ignored' && l.event === event), 10_000, `the log line for ${event} without ack`);
  } else {
    const ack = AckShape.parse(answer);
    tallyOf(ack.ok ? 'accepted' : ack.error.code);
    if (ack.ok) refused = false;
    else {
      expect(ack.error.code, `${event} answered with an untyped internal error`).not.toBe(ErrorCode.Internal);
      await until(() => newLines().some((l) => l.level >= 40 && l.event === event && l.code === ack.error.code), 10_000, `a log line for the refused ${event}`);
    }
  }
  if (refused) expect(await snapshot(), `state changed after a refused ${event}`).toBe(before);
  expect(watch.crashes).toEqual([]);
  // Proto pollution would show up in this very process.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('fuzzing every client → server request', { timeout: 180_000 }, () => {
  it('has an arbitrary for every request of the protocol', () => {
    for (const event of requestNames) {
      const js = jsonSchemaOf(event);
      // Building both throws NoArbitrary for a schema part the fuzzer cannot produce values for.
      fc.sample(nearValid(js, pool, event), 5);
      fc.sample(garbage(), 1);
    }
    expect(requestNames.length).toBeGreaterThan(30);
  });

  it.each(requestNames)('%s: typed answers, a log line and no state change for bad input, no crash', async (event) => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FUZZERS), requestArbitrary(event, pool), (who, input) => oneRun(event, who, input)),
      { numRuns: RUNS, endOnFailure: true, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    // Still serving everyone afterwards.
    await heal();
    for (const who of FUZZERS) expect((await must(sockets[who]!, 'thread:list', {})).threads).toBeDefined();
  });

  it('regression (found by this fuzzer): a request with no payload or extra arguments is answered, since its ack is the last argument', async () => {
    await heal();
    const raw = sockets.ana! as unknown as { timeout: (ms: number) => { emitWithAck: (...a: unknown[]) => Promise<unknown> } };
    // Before the fix the ack was read from the second argument only: both went unanswered.
    expect(await raw.timeout(10_000).emitWithAck('thread:list')).toMatchObject({ ok: false, error: { code: ErrorCode.BadRequest } });
    expect(await raw.timeout(10_000).emitWithAck('thread:list', {}, 'extra')).toMatchObject({ ok: false, error: { code: ErrorCode.BadRequest } });
    expect(await raw.timeout(10_000).emitWithAck('thread:list', {})).toMatchObject({ ok: true });
  });

  it('got past validation: some requests were accepted, others refused for who sent them or what they named', () => {
    // Fuzzing that only ever meets bad_request tests the schema, not the rules behind it.
    for (const outcome of ['accepted', ErrorCode.BadRequest, ErrorCode.Forbidden, ErrorCode.NotInSession, ErrorCode.NotFound]) {
      expect(tally.get(outcome) ?? 0, `${outcome} in ${JSON.stringify(Object.fromEntries(tally))}`).toBeGreaterThan(0);
    }
  });
});
