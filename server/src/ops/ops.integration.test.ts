import { afterAll, describe, expect, it } from 'vitest';
import type { Readiness } from '@parley/shared';
import { captureLogs, connect, consentedCase, joinWithMedia, must, startTestServer, type ClientSocket } from '../test/harness.ts';
import { until } from '../test/yjs.ts';

/** /api/ready and /metrics against a real server, worker and store, over plain fetch. */
const TOKEN = 'metrics-token-for-this-test-0123456789abcdef';
const servers: Array<Awaited<ReturnType<typeof startTestServer>>> = [];
const sockets: ClientSocket[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const s of servers) await s.close();
});
async function start(env: Record<string, string> = {}, logger?: ReturnType<typeof captureLogs>['logger']) {
  const s = await startTestServer(env, undefined, undefined, logger);
  servers.push(s);
  return s;
}

async function ready(url: string): Promise<{ status: number; body: Readiness; text: string }> {
  const res = await fetch(`${url}/api/ready`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Readiness, text };
}
async function scrape(url: string, token?: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${url}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}
/** The value of one sample line, e.g. `parley_live_participants{role="party"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/api/ready', () => {
  it('answers 200 listing each check while the worker pool and the store are up', async () => {
    const server = await start();
    const r = await ready(server.url);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'ready',
      checks: [
        { name: 'accepting', ok: true },
        { name: 'media', ok: true },
        { name: 'store', ok: true },
      ],
    });
  });

  it('lists the TURN check when TURN is configured', async () => {
    const server = await start({ PARLEY_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp', PARLEY_TURN_SECRET: 'a-test-secret-of-some-length' });
    const r = await ready(server.url);
    expect(r.status).toBe(200);
    expect(r.body.checks).toContainEqual({ name: 'turn', ok: true });
    expect(r.text).not.toContain('a-test-secret');
  });

  it('answers 503 naming the media check when the worker pool is empty', async () => {
    const server = await start();
    server.sfu.pool.close();
    const r = await ready(server.url);
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('not-ready');
    expect(r.body.checks.filter((c) => !c.ok)).toEqual([{ name: 'media', ok: false, reason: 'no media worker is running' }]);
  });

  it('answers 503 naming the store check when the database is closed, without its path or the error', async () => {
    const { logger, lines } = captureLogs();
    const server = await start({}, logger);
    await server.store.close();
    const r = await ready(server.url);
    expect(r.status).toBe(503);
    expect(r.body.checks.filter((c) => !c.ok)).toEqual([{ name: 'store', ok: false, reason: 'the database does not answer' }]);
    expect(r.text).not.toContain(server.dataDir);
    expect(r.text).not.toMatch(/sqlite|not open|\//i);
    // The cause is for the operator: in the log.
    expect(lines.some((l) => l.msg === 'readiness check failed' && l.check === 'store')).toBe(true);
  });
});

describe('/metrics', () => {
  it('is 404 when no PARLEY_METRICS_TOKEN is configured, even with a token', async () => {
    const server = await start();
    expect((await scrape(server.url)).status).toBe(404);
    expect((await scrape(server.url, TOKEN)).status).toBe(404);
  });

  it('is 401 without the token or with a wrong one (logged), 200 with it', async () => {
    const { logger, lines } = captureLogs();
    const server = await start({ PARLEY_METRICS_TOKEN: TOKEN }, logger);
    expect((await scrape(server.url)).status).toBe(401);
    expect((await scrape(server.url, `${TOKEN}x`)).status).toBe(401);
    expect((await scrape(server.url, TOKEN.slice(0, -1))).status).toBe(401);
    expect(lines.filter((l) => l.msg === 'http request refused' && l.path === '/metrics' && l.code === 'unauthorised').length).toBe(3);
    const ok = await scrape(server.url, TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain/);
  });

  it('counts live cases, participants by role and media as a raw client joins, and never names a case or a person', async () => {
    const server = await start({ PARLEY_METRICS_TOKEN: TOKEN });
    const before = (await scrape(server.url, TOKEN)).text;
    expect(sample(before, 'parley_live_cases')).toBe(0);
    expect(sample(before, 'parley_live_participants{role="party"}')).toBe(0);
    expect(sample(before, 'parley_mediasoup_workers')).toBe(1);
    // Node's default metrics come along: the event-loop delay among them.
    expect(before).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(before).toMatch(/^parley_mediasoup_worker_cpu_seconds_total\{pid="\d+"\} \d/m);
    expect(before).toMatch(/^parley_mediasoup_worker_max_rss_bytes\{pid="\d+"\} [1-9]/m);
    // Path readings, by what they saw: none yet, but every series is there from the start.
    for (const reading of ['carrying', 'idle', 'silent']) expect(sample(before, `parley_media_path_readings_total{reading="${reading}"}`)).toBe(0);

    const { detail, tA } = await consentedCase(server);
    const ana = await connect(server, { token: tA });
    sockets.push(ana);
    const joined = await joinWithMedia(ana, 1000);
    await must(ana, 'media:ready', { rtpCapabilities: joined.joined.routerRtpCapabilities as never });

    const during = (await scrape(server.url, TOKEN)).text;
    expect(sample(during, 'parley_live_cases')).toBe(1);
    expect(sample(during, 'parley_live_participants{role="party"}')).toBe(1);
    expect(sample(during, 'parley_live_participants{role="mediator"}')).toBe(0);
    expect(sample(during, 'parley_media_producers')).toBe(2);
    expect(sample(during, 'parley_media_transports')).toBe(2);
    expect(sample(during, 'parley_connections{kind="signalling"}')).toBe(1);
    expect(sample(during, 'parley_mediasoup_worker_routers{pid="' + /pid="(\d+)"/.exec(during)![1] + '"}')).toBe(1);
    // Confidentiality: counts only.
    for (const secret of [detail.id, detail.title, 'Ana Party', 'Ben Party', joined.joined.self.id, ...detail.participants.map((p) => p.id)]) {
      expect(during, secret).not.toContain(secret);
    }

    await must(ana, 'session:leave', {});
    await until(async () => sample((await scrape(server.url, TOKEN)).text, 'parley_live_cases') === 0, 10_000, 'the live case to end');
    expect(sample((await scrape(server.url, TOKEN)).text, 'parley_live_participants{role="party"}')).toBe(0);
  });
});
