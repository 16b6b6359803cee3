import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { httpRoutes } from '@parley/shared';
import { CONFIG_VARIABLES, ConfigSchema, loadConfig, mediaPorts, type Config } from '../server/src/config.ts';
import { TEST_HOOKS_MARKER } from '../client/test-hooks-marker.ts';

/**
 * No Docker daemon runs where the tests run, so the deployment files are checked against the code
 * they deploy: the variables, ports, routes and build steps they name must be the real ones.
 */
const root = path.resolve(import.meta.dirname, '..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

interface Service {
  environment?: Record<string, string | number> | string[];
  ports?: string[];
  secrets?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  profiles?: string[];
}
const compose = parse(read('docker/compose.yaml')) as { services: Record<string, Service>; secrets: Record<string, unknown>; volumes: Record<string, unknown> };
const dockerfile = read('docker/Dockerfile');
const runSh = read('scripts/run.sh');
const turnConf = read('docker/coturn/turnserver.conf');
const startSh = read('docker/coturn/start.sh');

/** KEY=VALUE lines of docker/env.example: the operator's variables, with sample values. */
const sampleEnv = Object.fromEntries(
  read('docker/env.example')
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$';
    const v = env[name!];
    const unset = op?.startsWith(':') ? !v : v === undefined;
    if (!unset) return v!;
    if (op?.endsWith('?')) throw new Error(`${name} is required: ${arg}`);
    return op ? arg! : '';
  });
}

function environment(service: Service): Record<string, string> {
  const e = service.environment ?? {};
  const pairs = Array.isArray(e) ? e.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]) : Object.entries(e);
  return Object.fromEntries(pairs.map(([k, v]) => [k, interpolate(String(v), sampleEnv)]));
}

/** The Dockerfile's last stage (the image that runs). */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
/** ENV of the runtime stage, `KEY=value` pairs joined across continuation lines. */
function dockerfileEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of runtimeStage.matchAll(/^ENV ((?:.*\\\n)*.*)$/gm)) {
    for (const [, k, v] of m[1]!.replace(/\\\n/g, ' ').matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[k!] = v!;
  }
  return env;
}

/** Published ports as "<proto>:<host port>:<container port>", ranges expanded. */
function published(service: Service): string[] {
  const out: string[] = [];
  for (const p of service.ports ?? []) {
    const m = /^(?:(\d+)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/(udp|tcp))?$/.exec(p);
    if (!m) throw new Error(`unreadable port mapping ${p}`);
    const [, hostFrom, hostTo, ctFrom, ctTo, proto = 'tcp'] = m;
    const count = Number(ctTo ?? ctFrom) - Number(ctFrom) + 1;
    for (let i = 0; i < count; i++) out.push(`${proto}:${hostFrom ? Number(hostFrom) + i : '?'}:${Number(ctFrom) + i}`);
    if (hostTo && Number(hostTo) - Number(hostFrom) + 1 !== count) throw new Error(`host and container ranges differ in ${p}`);
  }
  return out.sort();
}
const range = (proto: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${proto}:${from + i}:${from + i}`);

// A real key file for the schema's PARLEY_MASTER_KEY_FILE check (the secret itself exists only on the server).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-compose-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const keyFile = path.join(tmp, 'master.key');
fs.writeFileSync(keyFile, `${'A'.repeat(43)}\n`);
const turnSecretFile = path.join(tmp, 'turn_secret');
fs.writeFileSync(turnSecretFile, `${'b'.repeat(64)}\n`);

const parley = compose.services.parley!;
const parleyEnv = environment(parley);
/** What Parley runs with in the container: the image's ENV under compose's environment. */
function effectiveConfig() {
  const parsed = ConfigSchema.safeParse({ ...dockerfileEnv(), ...parleyEnv, PARLEY_MASTER_KEY_FILE: keyFile, PARLEY_TURN_SECRET_FILE: turnSecretFile });
  if (!parsed.success) throw new Error(`compose + Dockerfile settings fail the config schema: ${JSON.stringify(parsed.error.issues)}`);
  return parsed.data;
}

describe('docker/ against the code', () => {
  it('sets only variables server/src/config.ts reads, with values its schema accepts', () => {
    expect(Object.keys(parleyEnv).filter((k) => !CONFIG_VARIABLES.includes(k))).toEqual([]);
    expect(Object.keys(dockerfileEnv()).filter((k) => !CONFIG_VARIABLES.includes(k))).toEqual([]);
    expect(() => effectiveConfig()).not.toThrow();
    // Every variable compose.yaml interpolates is in env.example, so the operator knows to set it.
    const used = [...read('docker/compose.yaml').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
    expect(used.filter((v) => !(v in sampleEnv))).toEqual([]);
  });

  it('reads the master key from a docker secret and keeps data on a volume', () => {
    const secret = /^\/run\/secrets\/(.+)$/.exec(parleyEnv.PARLEY_MASTER_KEY_FILE ?? '')?.[1];
    expect(secret, 'PARLEY_MASTER_KEY_FILE names a docker secret').toBeDefined();
    expect(parley.secrets).toContain(secret);
    expect(compose.secrets).toHaveProperty(secret!);
    const dataDir = effectiveConfig().PARLEY_DATA_DIR;
    expect(parley.volumes?.some((v) => v.split(':')[1] === dataDir && compose.volumes && v.split(':')[0]! in compose.volumes)).toBe(true);
    expect(runtimeStage).toMatch(new RegExp(`^VOLUME ${dataDir}$`, 'm'));
    expect(runtimeStage).toMatch(/^USER (?!root|0\b)\S+$/m);
  });

  it('publishes exactly the media ports, one per worker, UDP and TCP, and not its HTTP port', () => {
    const c = effectiveConfig();
    // The worker count must be set: the default (one per core) would differ from host to host.
    expect(c.PARLEY_WORKERS, 'PARLEY_WORKERS is set in compose.yaml').toBeDefined();
    const ports = mediaPorts(c.PARLEY_MEDIA_PORT, c.PARLEY_WORKERS!);
    expect(ports.length, 'a fixed PARLEY_MEDIA_PORT (0 picks free ports nobody could publish)').toBe(c.PARLEY_WORKERS);
    expect(published(parley)).toEqual(ports.flatMap((p) => [`tcp:${p}:${p}`, `udp:${p}:${p}`]).sort());
    expect(published(parley).some((p) => p.endsWith(`:${c.PARLEY_PORT}`))).toBe(false);
    expect(runtimeStage).toMatch(new RegExp(`^EXPOSE ${c.PARLEY_PORT}$`, 'm'));
  });

  it('health-checks a public GET route of the route table', () => {
    const check = /^HEALTHCHECK[^\n]*\\\n\s*CMD (.*)$/m.exec(runtimeStage)?.[1] ?? '';
    const checked = /'(\/api\/[a-z/]+)'/.exec(check)?.[1];
    const route = Object.values(httpRoutes).find((r) => r.path === checked);
    expect(route, `health check path ${checked}`).toMatchObject({ method: 'GET', who: 'public' });
  });

  it('has Caddy proxy the domain to the port Parley listens on', () => {
    const caddyfile = read('docker/Caddyfile');
    expect(caddyfile).toMatch(/^\{\$PARLEY_DOMAIN\} \{$/m);
    expect(environment(compose.services.caddy!).PARLEY_DOMAIN).toBe(sampleEnv.PARLEY_DOMAIN);
    expect(/^\s*reverse_proxy parley:(\d+)\s*$/m.exec(caddyfile)?.[1]).toBe(String(effectiveConfig().PARLEY_PORT));
    expect(parleyEnv.PARLEY_PUBLIC_URL).toBe(`https://${sampleEnv.PARLEY_DOMAIN}`);
    // Caddy is the one hop in front: Parley believes its forwarded address and protocol, no more.
    expect(parleyEnv.PARLEY_TRUST_PROXY).toBe('1');
  });

  it('builds with the entry points scripts/run.sh uses for npm start', () => {
    // run.sh env prepares dependencies and the worker; the image copies the worker current.json names.
    expect(runSh).toMatch(/^\s*env\)\n(?:.*\n)*?\s*ensure_deps; ensure_worker$/m);
    expect(dockerfile).toMatch(/&& bash scripts\/run\.sh env /);
    expect(read('scripts/ensure-worker.mjs')).toContain("'current.json'");
    expect(dockerfile).toContain('/app/.cache/mediasoup-worker/current.json');
    // The client build and the server command are the ones of `npm start`.
    const start = /^\s*start\)\n((?:.*\n)*?.*;;)/m.exec(runSh)?.[1] ?? '';
    const clientBuild = /\((?:cd "\$ROOT" && )?(npm run [^)>]*?)\s*>&2\)/.exec(start)?.[1];
    expect(clientBuild).toBeDefined();
    expect(dockerfile).toContain(`RUN ${clientBuild}`);
    const serverCmd = /exec (node [^"]*?) "\$@"/.exec(start)?.[1]?.split(' ');
    const cmd = /^CMD (\[.*\])$/m.exec(runtimeStage)?.[1];
    expect(cmd && JSON.parse(cmd)).toEqual(serverCmd);
    // Production client only, the Node of the toolchain, mediasoup's postinstall off as in ensure_deps.
    expect(dockerfile).toContain(`test ! -e client/dist/${TEST_HOOKS_MARKER}`);
    const nodeMajor = /PARLEY_NODE_VERSION="(\d+)\./.exec(read('scripts/lib/toolchain.sh'))?.[1];
    expect(dockerfile).toMatch(new RegExp(`^ARG NODE_IMAGE=node:${nodeMajor}-bookworm-slim$`, 'm'));
    expect(dockerfile).toMatch(/MEDIASOUP_WORKER_BIN=\S+ \\\n\s*npm ci --omit=dev/);
    // Every file the build copies from the repository exists.
    for (const [, src] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const s of src!.split(' ')) if (s !== '.') expect(fs.existsSync(path.join(root, s)), s).toBe(true);
    }
  });

  it('keeps machine-local state, the data folder and the secrets out of the image', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const p of ['node_modules', '.cache', '.toolchain', '.data', 'docker/.env', 'docker/secrets']) expect(ignored, p).toContain(p);
  });

  it('ships a coturn that refuses loopback and private peers, with the REST secret from a docker secret', () => {
    const lines = turnConf.split('\n').map((l) => l.trim());
    const denied = { ipv4: new net.BlockList(), ipv6: new net.BlockList() };
    for (const l of lines) {
      const m = /^denied-peer-ip=([^-\s]+)(?:-(\S+))?$/.exec(l);
      if (!m) continue;
      const type = net.isIPv6(m[1]!) ? 'ipv6' : 'ipv4';
      denied[type].addRange(m[1]!, m[2] ?? m[1]!, type);
    }
    // First and last address of loopback, "this network", private, shared (CGNAT), link-local, unique-local.
    const mustRefuse: [string, 'ipv4' | 'ipv6'][] = [
      ['127.0.0.1', 'ipv4'], ['127.255.255.255', 'ipv4'], ['0.0.0.0', 'ipv4'], ['0.255.255.255', 'ipv4'],
      ['10.0.0.0', 'ipv4'], ['10.255.255.255', 'ipv4'], ['172.16.0.0', 'ipv4'], ['172.31.255.255', 'ipv4'],
      ['192.168.0.0', 'ipv4'], ['192.168.255.255', 'ipv4'], ['100.64.0.0', 'ipv4'], ['100.127.255.255', 'ipv4'],
      ['169.254.0.0', 'ipv4'], ['169.254.255.255', 'ipv4'],
      ['::', 'ipv6'], ['::1', 'ipv6'], ['fc00::', 'ipv6'], ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ipv6'],
      ['fe80::', 'ipv6'], ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ipv6'],
    ];
    expect(mustRefuse.filter(([a, t]) => !denied[t].check(a, t)).map(([a]) => a)).toEqual([]);
    expect(lines).not.toContain('allow-loopback-peers');
    // Time-limited credentials: the shared secret is appended at start from the docker secret, never in the file.
    expect(lines).toContain('use-auth-secret');
    expect(turnConf).not.toMatch(/^static-auth-secret/m);
    const coturn = compose.services.coturn!;
    const secret = /secret_file=\/run\/secrets\/(\S+)/.exec(startSh)?.[1];
    expect(coturn.secrets).toContain(secret);
    expect(startSh).toMatch(/printf 'static-auth-secret=%s\\n' "\$secret"/);
    // Parley signs TURN credentials with the same docker secret, and points browsers at coturn's port (UDP and TCP).
    expect(parleyEnv.PARLEY_TURN_SECRET_FILE).toBe(`/run/secrets/${secret}`);
    expect(parley.secrets).toContain(secret);
    const turnPort = Number(/^listening-port=(\d+)$/m.exec(turnConf)?.[1]);
    expect(effectiveConfig().PARLEY_TURN_URLS?.split(',')).toEqual([`turn:${sampleEnv.PARLEY_DOMAIN}:${turnPort}?transport=udp`, `turn:${sampleEnv.PARLEY_DOMAIN}:${turnPort}?transport=tcp`]);
    // The one allowed peer is the address Parley announces for media.
    expect(startSh).toMatch(/printf 'allowed-peer-ip=%s\\n' "\$PARLEY_PUBLIC_IP"/);
    expect(environment(coturn).PARLEY_PUBLIC_IP).toBe(parleyEnv.PARLEY_RTC_ANNOUNCED_ADDRESS);
    // Published: the listening port (UDP and TCP) and the relay range (UDP).
    const setting = (name: string) => Number(new RegExp(`^${name}=(\\d+)$`, 'm').exec(turnConf)?.[1]);
    const port = setting('listening-port');
    expect(published(coturn)).toEqual([`tcp:${port}:${port}`, `udp:${port}:${port}`, ...range('udp', setting('min-port'), setting('max-port'))].sort());
  });

  it('leaves Postgres and Redis to the several-nodes file', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['caddy', 'coturn', 'parley']);
  });
});

/** compose.nodes.yaml: two nodes on one Postgres and one Redis (its services share settings through YAML anchors). */
describe('docker/compose.nodes.yaml against the code', () => {
  const nodesFile = parse(read('docker/compose.nodes.yaml'), { merge: true }) as typeof compose;
  const nodes = Object.entries(nodesFile.services).filter(([name]) => /^parley-\d+$/.test(name));
  const envOf = (s: Service) => environment(s);
  const configOf = (s: Service) => loadConfig({ ...dockerfileEnv(), ...envOf(s), PARLEY_MASTER_KEY_FILE: keyFile, PARLEY_TURN_SECRET_FILE: turnSecretFile });

  it('runs two nodes that read only variables the code reads, each valid as one of several', () => {
    expect(nodes.map(([n]) => n)).toEqual(['parley-1', 'parley-2']);
    for (const [name, s] of nodes) {
      expect(Object.keys(envOf(s)).filter((k) => !CONFIG_VARIABLES.includes(k)), name).toEqual([]);
      expect(configOf(s).cluster, name).toBeDefined();
    }
    const used = [...read('docker/compose.nodes.yaml').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
    expect(used.filter((v) => !(v in sampleEnv))).toEqual([]);
  });

  it('gives the nodes one database, one Redis, one public address and one master key, and each its own address, data and media ports', () => {
    const configs = nodes.map(([, s]) => configOf(s));
    for (const pick of [(c: Config) => c.databaseUrl, (c: Config) => c.cluster!.redisUrl, (c: Config) => c.publicUrl, (c: Config) => c.masterKeyFile, (c: Config) => c.cluster!.cookieDomain]) {
      expect(new Set(configs.map(pick)).size).toBe(1);
    }
    expect(new Set(configs.map((c) => c.cluster!.nodeUrl)).size).toBe(nodes.length);
    expect(configs.map((c) => c.cluster!.nodeUrl)).toEqual(nodes.map((_, i) => `https://node-${i + 1}.${sampleEnv.PARLEY_DOMAIN}`));
    const volumes = nodes.map(([, s]) => s.volumes?.find((v) => v.endsWith(':/data')));
    expect(new Set(volumes).size).toBe(nodes.length);
    const allPorts: string[] = [];
    for (const [name, s] of nodes) {
      const c = configOf(s);
      const ports = mediaPorts(c.rtc.mediaPort, c.workers);
      expect(published(s), name).toEqual(ports.flatMap((p) => [`tcp:${p}:${p}`, `udp:${p}:${p}`]).sort());
      allPorts.push(...published(s));
    }
    expect(new Set(allPorts).size, 'no two nodes publish the same port').toBe(allPorts.length);
    // The database the nodes name is the postgres service, with its user, database and password.
    const db = new URL(configs[0]!.databaseUrl!);
    const pgEnv = environment(nodesFile.services.postgres!);
    expect([db.hostname, db.username, db.pathname.slice(1), db.password]).toEqual(['postgres', pgEnv.POSTGRES_USER, pgEnv.POSTGRES_DB, pgEnv.POSTGRES_PASSWORD]);
    expect(new URL(configs[0]!.cluster!.redisUrl).hostname).toBe('redis');
    for (const name of ['postgres', 'redis']) expect(nodesFile.services[name]!.ports, `${name} is not published`).toBeUndefined();
  });

  it('has Caddy send the public name to every node and each node’s own name to that node', () => {
    const caddyfile = read('docker/Caddyfile.nodes');
    const port = String(configOf(nodes[0]![1]).port);
    const site = (host: string) => new RegExp(`^${host.replace(/[.{}$]/g, (c) => `\\${c}`)} \\{\\n\\treverse_proxy ([^{\\n]+?)(?: \\{)?$`, 'm').exec(caddyfile)?.[1]?.split(' ');
    expect(site('{$PARLEY_DOMAIN}')).toEqual(nodes.map(([n]) => `${n}:${port}`));
    nodes.forEach(([n], i) => expect(site(`node-${i + 1}.{$PARLEY_DOMAIN}`), n).toEqual([`${n}:${port}`]));
    const ready = /health_uri (\S+)/.exec(caddyfile)?.[1];
    expect(Object.values(httpRoutes).find((r) => r.path === ready)).toMatchObject({ method: 'GET', who: 'public' });
    expect(nodesFile.services.caddy!.volumes).toContain('./Caddyfile.nodes:/etc/caddy/Caddyfile:ro');
  });

});
