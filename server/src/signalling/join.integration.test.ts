import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '@parley/shared';
import {
  consent, createCase, joinWithMedia, must, nextEvent, openedSockets, opusParameters, request, signIn, startTestServer, tokenOf,
} from '../test/harness.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let tokenA: string;
let tokenB: string;
const { open, closeAll } = openedSockets(() => server);

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
  detail = await createCase(server, cookie);
  tokenA = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
  tokenB = tokenOf(detail.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);
});
afterAll(async () => {
  closeAll();
  await server?.close();
});

describe('joining a live session', () => {
  it('refuses a party who has not consented, with a typed error, and lets them in after consent', async () => {
    const a = await open({ token: tokenA });
    const refused = await request(a, 'session:join', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'consent_required' } });
    // Refused join changed nothing: transports cannot be created.
    expect(await request(a, 'transport:create', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'not_in_session' } });

    await consent(server, tokenA, detail);
    const ok = await request(a, 'session:join', {});
    expect(ok.ok).toBe(true);
    await must(a, 'session:leave', {});
    a.close();
  });

  it('prepares a consented person before they join: the routers\' capabilities, and nothing else changes', async () => {
    const other = await createCase(server, cookie);
    const token = tokenOf(other.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
    const a = await open({ token });
    expect(await request(a, 'session:prepare', {})).toMatchObject({ ok: false, error: { code: 'consent_required' } });

    await consent(server, token, other);
    const prepared = await must(a, 'session:prepare', {});
    expect(prepared.routerRtpCapabilities).toMatchObject({ codecs: expect.arrayContaining([expect.objectContaining({ mimeType: 'audio/opus' })]) });
    // Not in the session: no live case (no router) exists for the case, media requests are refused.
    expect(server.sfu.getCase(other.id)).toBeUndefined();
    expect(await request(a, 'transport:create', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'not_in_session' } });

    // What was prepared is exactly what the case's router says on joining: the device loaded early fits.
    const joined = await must(a, 'session:join', {});
    expect(server.sfu.getCase(other.id)).toBeDefined();
    expect(JSON.stringify(joined.routerRtpCapabilities)).toBe(JSON.stringify(prepared.routerRtpCapabilities));
    await must(a, 'session:leave', {});
    a.close();
  });

  it('gives everyone consumers of everyone else in the joint room (video paused until acked), and cleans up on leave', async () => {
    await consent(server, tokenB, detail);
    const mediator = await open({ caseId: detail.id }, { cookie });
    const a = await open({ token: tokenA });
    const b = await open({ token: tokenB });

    const m = await joinWithMedia(mediator, 1000);
    expect(m.joined.self.role).toBe('mediator');
    const mReady = await must(mediator, 'media:ready', { rtpCapabilities: m.joined.routerRtpCapabilities as never });
    expect(mReady.consumers).toBe(0);

    const joinedSeen = nextEvent(mediator, 'participant:joined');
    const aMedia = await joinWithMedia(a, 2000);
    expect((await joinedSeen).displayName).toBe('Ana Party');
    expect(aMedia.joined.participants.map((p) => p.displayName)).toEqual([detail.participants[0]!.displayName]);

    // A becomes ready: it receives the mediator's two producers.
    const aConsumers: Array<{ consumerId: string; participantId: string; producerPaused: boolean }> = [];
    a.on('consumer:receive', (c) => aConsumers.push(c));
    expect((await must(a, 'media:ready', { rtpCapabilities: aMedia.joined.routerRtpCapabilities as never })).consumers).toBe(2);

    const bMedia = await joinWithMedia(b, 3000);
    const bConsumers: Array<{ consumerId: string; participantId: string; kind: string }> = [];
    b.on('consumer:receive', (c) => bConsumers.push(c));
    expect((await must(b, 'media:ready', { rtpCapabilities: bMedia.joined.routerRtpCapabilities as never })).consumers).toBe(4);
    await expect.poll(() => aConsumers.length).toBe(4); // mediator's 2 + B's 2 (pushed when B produced)

    const caseMedia = server.sfu.getCase(detail.id)!;
    const ids = (pid: string) => caseMedia.consumedProducerIds(pid).sort();
    const aId = aMedia.joined.self.id;
    const bId = bMedia.joined.self.id;
    expect(ids(bId)).toEqual([m.mic, m.cam, aMedia.mic, aMedia.cam].sort());
    expect(ids(aId)).toEqual([m.mic, m.cam, bMedia.mic, bMedia.cam].sort());
    expect(ids(aId)).not.toContain(aMedia.mic); // nobody receives themself

    // Only the owner's ack of its offer resumes a consumer: there is no request to resume one.
    await expect.poll(() => caseMedia.consumerStates(aId).every((c) => !c.paused)).toBe(true);
    expect(await request(b, 'consumer:resume' as never, { consumerId: aConsumers[0]!.consumerId })).toMatchObject({ ok: false, error: { code: 'unknown_event' } });

    // Self mute is visible to others.
    const updated = nextEvent(b, 'participant:updated');
    await must(a, 'producer:set-paused', { producerId: aMedia.mic, paused: true });
    expect(await updated).toMatchObject({ displayName: 'Ana Party', mic: 'off', camera: 'on' });

    // A's tab closes without a goodbye: B's consumers of A close, A's media is gone on the server,
    // and B sees A reconnecting (the grace period of the breakdown procedure) rather than gone.
    const closed: string[] = [];
    b.on('consumer:closed', (c) => closed.push(c.consumerId));
    const away = nextEvent(b, 'participant:updated');
    a.disconnect();
    expect(await away).toMatchObject({ id: aId, connection: 'reconnecting' });
    await expect.poll(() => closed.length).toBe(2);
    expect(caseMedia.hasPeer(aId)).toBe(false);
    expect(ids(bId)).toEqual([m.mic, m.cam].sort());
    const usage = await caseMedia.router.dump();
    expect(usage.transportIds.length).toBe(4); // mediator's and B's send+recv only
  });

  it('replaces an older connection of the same person (one presence per identity)', async () => {
    // The same browser (a second tab); another browser is in continuity.integration.test.ts.
    const device = 'same-browser-00000001';
    const first = await open({ token: tokenB, device });
    await must(first, 'session:join', {});
    const closedMsg = nextEvent(first, 'session:closed');
    const second = await open({ token: tokenB, device });
    await must(second, 'session:join', {});
    expect((await closedMsg).code).toBe(4409);
  });
});

describe('bad input on the socket', () => {
  it('gets typed error acks, changes nothing, and the server keeps serving others', async () => {
    const a = await open({ token: tokenA });
    await must(a, 'session:join', {});
    const bad: Array<[string, unknown]> = [
      ['transport:create', { direction: 'sideways' }],
      ['transport:create', null],
      ['transport:create', 'x'.repeat(1000)],
      ['transport:connect', { transportId: crypto.randomUUID(), dtlsParameters: { fingerprints: [] } }],
      ['producer:create', { transportId: crypto.randomUUID(), kind: 'audio', rtpParameters: { codecs: [] }, source: 'mic' }],
      ['producer:close', { producerId: '../../etc/passwd' }],
      ['session:join', { as: 'mediator' }],
    ];
    for (const [name, payload] of bad) {
      const r = await request(a, name as never, payload);
      expect(r, name).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    // A producer on someone else's (unknown) transport id is refused without a hint.
    expect(await request(a, 'producer:create', { transportId: crypto.randomUUID(), kind: 'audio', rtpParameters: opusParameters(9), source: 'mic' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const unknown = await (a.timeout(5000) as unknown as { emitWithAck: (n: string, p: unknown) => Promise<unknown> }).emitWithAck('room:hack', { x: 1 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
    // Still serving: the same socket and a new one work.
    expect((await request(a, 'transport:create', { direction: 'send' })).ok).toBe(true);
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
  });

  it('refuses media parameters with keys mediasoup-client never sends, instead of passing them to the worker', async () => {
    const a = await open({ token: tokenA });
    await must(a, 'session:join', {});
    const send = await must(a, 'transport:create', { direction: 'send' });
    const good = opusParameters(77);
    for (const rtpParameters of [
      { ...good, injected: { deep: true } },
      { ...good, encodings: [{ ssrc: 77, injected: 1 }] },
      { ...good, codecs: [{ ...good.codecs[0], injected: 'x' }] },
      { ...good, rtcp: { ...good.rtcp, injected: true } },
    ]) {
      expect(await request(a, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters, source: 'mic' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    // The same parameters without the extra key are fine.
    expect((await request(a, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters: good, source: 'mic' })).ok).toBe(true);
  });

  it('drops a socket that sends an oversized frame, and others are unaffected', async () => {
    const a = await open({ token: tokenA });
    const other = await open({ caseId: detail.id }, { cookie });
    const gone = new Promise<string>((r) => a.once('disconnect', (reason) => r(reason)));
    (a as unknown as { emit: (n: string, p: unknown) => void }).emit('transport:create', { direction: 'x'.repeat(200_000) });
    expect(await gone).toBeTruthy();
    expect((await request(other, 'session:join', {})).ok).toBe(true);
  });
});

describe('a flooding client', () => {
  it('is rate limited, then dropped, while everyone else keeps round trips (threats #8)', async () => {
    const flooder = await open({ token: tokenA });
    const other = await open({ caseId: detail.id }, { cookie });
    await must(other, 'session:join', {}).catch(() => undefined);
    const dropped = new Promise<string>((r) => flooder.once('disconnect', r));
    const acks: Array<Promise<{ ok: boolean; error?: { code: string } } | 'dropped'>> = [];
    for (let i = 0; i < 1000; i++) acks.push((request(flooder, 'transport:create', { direction: 'bogus' }) as Promise<never>).catch(() => 'dropped' as const));
    // While the flood is being answered, another person's requests still go through.
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect((await request(other, 'thread:list', {})).ok).toBe(true);
    const results = await Promise.all(acks);
    expect(await dropped).toBe('io server disconnect'); // it kept sending after being told to slow down
    const answered = results.filter((r): r is { ok: boolean; error?: { code: string } } => r !== 'dropped');
    expect(answered.filter((r) => !r.ok && r.error?.code === 'bad_request').length).toBeGreaterThan(0);
    expect(answered.filter((r) => !r.ok && r.error?.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(results.filter((r) => r === 'dropped').length).toBeGreaterThan(800);
  });
});
