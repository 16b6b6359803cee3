/**
 * What the multi-process benchmarks share: the platform in its own process (the `npm start` entry
 * point, server/src/main.ts), HTTP calls made from a chosen loopback address, cases whose people
 * have all consented, and child processes driven over IPC (editors, socket crowds).
 *
 * Addresses: every 127.0.0.x is the local machine on Linux. Each simulated person's machine gets
 * its own address, so the per-address limits (server/src/auth/limits.ts) apply as they would to
 * real people at home; the production defaults are left as they are.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { CaseDetail } from '@parley/shared';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/**
 * The Node options `npm start` runs the server with (scripts/run.sh; the Docker image's CMD is
 * the same, docker/compose.test.ts checks it), so the benchmarks measure the server as it runs.
 */
export function serverNodeArgs(runSh = fs.readFileSync(path.join(root, 'scripts', 'run.sh'), 'utf8')): string[] {
  const start = /^\s*start\)\n((?:.*\n)*?.*;;)/m.exec(runSh)?.[1] ?? '';
  const args = /exec node ([^"]*?) ?server\/src\/main\.ts "\$@"/.exec(start)?.[1];
  if (args === undefined) throw new Error('scripts/run.sh: no `exec node … server/src/main.ts "$@"` in its start command');
  return args.split(' ').filter(Boolean);
}

/** The loopback address of simulated machine `i` (127.0.0.10 upwards; 127.0.0.1 stays the bench's own). */
export const machineAddress = (i: number): string => `127.0.${Math.floor(i / 240)}.${10 + (i % 240)}`;

export interface Platform {
  url: string;
  pid: number;
  /** The mediator's session cookie (signed in once through the one-time link). */
  cookie: string;
  /** Bearer token for /metrics. */
  metricsToken: string;
  dataDir: string;
  /** SIGTERM (a clean shutdown), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** Starts server/src/main.ts in its own process on a free port with a fresh data folder, and signs the mediator in. */
/** `env`: more settings for the server process (e.g. DATABASE_URL for a run on Postgres). */
export async function startPlatform(name: string, opts: { env?: Record<string, string> } = {}): Promise<Platform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-bench-${name}-`));
  const metricsToken = randomBytes(24).toString('base64url');
  // BENCH_SERVER_NODE_ARGS: extra Node options for the server process alone, to profile it under the
  // benchmark's load (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"); the client processes are left as they are.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...extra, ...serverNodeArgs(), path.join(root, 'server', 'src', 'main.ts')], {
    env: {
      ...process.env,
      PARLEY_PORT: '0',
      PARLEY_MEDIA_PORT: '0',
      PARLEY_WORKERS: '1',
      PARLEY_LOG_LEVEL: process.env.PARLEY_LOG_LEVEL ?? 'warn',
      PARLEY_METRICS_TOKEN: metricsToken,
      // A key of its own, so the server does not write one beside the data (and warn about it).
      PARLEY_MASTER_KEY: randomBytes(32).toString('base64url'),
      PARLEY_DATA_DIR: dataDir,
      ...opts.env,
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let err = '';
  const { url, signinUrl } = await new Promise<{ url: string; signinUrl: string }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the platform did not start in 60 s:\n${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const u = /Open:\s+(\S+)/.exec(err)?.[1];
      const s = /(\S+\/signin#token=\S+)/.exec(err)?.[1];
      if (u && s) {
        clearTimeout(t);
        resolve({ url: u, signinUrl: s });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`the platform exited with ${code}:\n${err}`));
    });
  });
  // Past the banner, the server's own complaints still reach the operator.
  child.stderr!.removeAllListeners('data');
  child.stderr!.pipe(process.stderr);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signin = await call(url, 'POST', '/api/auth/signin', { body: { token: new URL(signinUrl).hash.replace('#token=', '') } });
  if (signin.status !== 200) throw new Error(`sign-in failed: ${signin.status}`);
  const cookie = signin.headers['set-cookie']![0]!.split(';')[0]!;
  return {
    url,
    pid: child.pid!,
    cookie,
    metricsToken,
    dataDir,
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CallResult<T> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

/** One HTTP request from `opts.from` (a loopback address), JSON in and out. */
export function call<T = unknown>(base: string, method: string, p: string, opts: { cookie?: string; bearer?: string; body?: unknown; from?: string } = {}): Promise<CallResult<T>> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(p, base), { method, headers, ...(opts.from ? { localAddress: opts.from } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        if ((res.headers['content-type'] ?? '').includes('json') && text) body = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A person of a case and the credentials their client presents. */
export interface Person {
  caseId: string;
  participantId: string;
  displayName: string;
  /** The invitation token (participants); absent for the mediator, who presents the cookie. */
  token?: string;
}

/**
 * A case created through the HTTP API with `size` participants (two parties, the rest advisors on
 * their sides), each of whom consents from their own machine's address (`addressOf(i)`).
 */
export async function consentedCase(p: Platform, title: string, size: number, addressOf: (i: number) => string): Promise<{ detail: CaseDetail; people: Person[] }> {
  const participants = Array.from({ length: size }, (_, i) => ({ displayName: `Person ${i + 1}`, role: i < 2 ? 'party' : 'advisor', side: i % 2 ? 'B' : 'A' }));
  const created = await call<CaseDetail>(p.url, 'POST', '/api/cases', { cookie: p.cookie, body: { title, participants, waitingRoom: false } }); // joins measured straight into the joint room
  if (created.status !== 201) throw new Error(`creating a case failed: ${created.status} ${JSON.stringify(created.body)}`);
  const detail = created.body;
  const people: Person[] = [];
  let i = 0;
  for (const person of detail.participants) {
    if (!person.invitation) continue;
    const token = new URL(person.invitation.url).hash.replace('#t=', '');
    const r = await call(p.url, 'POST', '/api/invitation/consent', {
      bearer: token,
      from: addressOf(i++),
      body: { acceptedClauseIds: detail.agreement.clauses.map((c) => c.id), clauseSetHash: detail.clauseSetHash },
    });
    if (r.status !== 200) throw new Error(`consent failed: ${r.status} ${JSON.stringify(r.body)}`);
    people.push({ caseId: detail.id, participantId: person.id, displayName: person.displayName, token });
  }
  return { detail, people };
}

/** The server's Prometheus text (PARLEY_METRICS_TOKEN). Each scrape also restarts its event-loop delay histogram. */
export async function scrape(p: Platform): Promise<string> {
  const r = await call<string>(p.url, 'GET', '/metrics', { bearer: p.metricsToken });
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
  return r.body;
}

/** A request to a child and its answer. */
export interface ChildRequest {
  cmd: string;
  [field: string]: unknown;
}

/** A child process (server/src/bench/*-child scripts) that answers requests over IPC, one answer per request. */
export interface Child {
  process: ChildProcess;
  request<T>(req: ChildRequest): Promise<T>;
  /** Asks the child to exit and waits until it has. */
  close(): Promise<void>;
}

/** `nodeArgs`: options for the child's Node (e.g. `--cpu-prof` to see where its time goes). */
export function forkChild(script: string, args: string[] = [], nodeArgs: string[] = []): Child {
  const cp = fork(script, args, { execArgv: ['--import', 'tsx', ...nodeArgs], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  cp.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(`${path.basename(script)}: ${m.error}`));
  });
  const exited = new Promise<void>((r) => cp.once('exit', () => r()));
  cp.once('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`${path.basename(script)} exited with ${code}`));
    waiting.clear();
  });
  return {
    process: cp,
    request<T>(req: ChildRequest) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        cp.send({ id, ...req });
      });
    },
    async close() {
      if (cp.exitCode === null && cp.connected) cp.send({ id: -1, cmd: 'exit' });
      const killer = setTimeout(() => cp.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The child's side: answers each request with `handle`, exits on `exit` or when the parent goes. */
export function serveParent(handle: (req: ChildRequest) => Promise<unknown>): void {
  process.on('message', (m: ChildRequest & { id: number }) => {
    if (m.cmd === 'exit') process.exit(0);
    handle(m).then(
      (result) => process.send!({ id: m.id, ok: true, result }),
      (err: unknown) => process.send!({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * The main thread of process `pid` (its event loop): CPU time and time spent runnable but waiting
 * for a core, in ms, from /proc/<pid>/schedstat (Linux). The wait tells a loaded machine apart from
 * a slow server: delay the server did not cause.
 */
export function schedMs(pid: number): { cpu: number; waiting: number } {
  const [cpu, waiting] = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
  return { cpu: cpu! / 1e6, waiting: waiting! / 1e6 };
}

/**
 * The event-loop thread's share of the time between two readings, in percent: on a core, and
 * runnable but waiting for one (delay from other processes on the machine, not the server's work).
 */
export function loopThreadShare(before: { cpu: number; waiting: number }, after: { cpu: number; waiting: number }, seconds: number): { cpuPercent: number; waitingForCorePercent: number } {
  const pct = (ms: number) => Math.round(ms / seconds) / 10;
  return { cpuPercent: pct(after.cpu - before.cpu), waitingForCorePercent: pct(after.waiting - before.waiting) };
}

/** When and on what a result was measured: the head of every result file of these benchmarks. */
export function measuredOn(): { at: string; node: string; machine: { cores: number; cpu: string } } {
  return { at: new Date().toISOString(), node: process.version, machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown' } };
}

/** The clock shared by every process on this machine: CLOCK_MONOTONIC (libuv uv_hrtime), in milliseconds. */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;
