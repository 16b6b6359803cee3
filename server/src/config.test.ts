import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { selfSignedCertificate } from './test/tls.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-config-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const KEY = 'k'.repeat(43);
const keyFile = (name: string, content: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, content, { mode: 0o600 });
  return f;
};

describe('configuration', () => {
  it('has safe local defaults: loopback only, media on loopback', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.rtc).toEqual({ listenIp: '127.0.0.1', mediaPort: 40000 });
    expect(c.dbPath.endsWith('parley.db')).toBe(true);
    expect(c.workers).toBeGreaterThanOrEqual(1);
    // Plain http, believing no proxy: `npm start` as it always was.
    expect(c.tls).toBeUndefined();
    expect(c.httpRedirectPort).toBeUndefined();
    expect(c.trustProxy).toEqual([]);
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      PARLEY_HOST: '0.0.0.0',
      PARLEY_PORT: '9000',
      PARLEY_PUBLIC_URL: 'https://mediation.example.org/',
      PARLEY_RTC_LISTEN_IP: '0.0.0.0',
      PARLEY_RTC_ANNOUNCED_ADDRESS: '203.0.113.7',
      PARLEY_MEDIA_PORT: '41000',
      PARLEY_WORKERS: '3',
      PARLEY_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      PARLEY_INVITE_TTL_HOURS: '48',
    });
    expect(c.publicUrl).toBe('https://mediation.example.org');
    expect(c.rtc).toEqual({ listenIp: '0.0.0.0', announcedAddress: '203.0.113.7', mediaPort: 41000 });
    expect(c.workers).toBe(3);
    expect(c.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.inviteTtlMs).toBe(48 * 3600_000);
  });

  it('runs one node unless REDIS_URL is set; several nodes need Postgres and each node its own address', () => {
    expect(loadConfig({}).cluster).toBeUndefined();
    const pg = { DATABASE_URL: 'postgres://parley@db/parley', PARLEY_ALLOWED_ORIGINS: 'https://n1.example.org,https://node-1.example.org' };
    expect(loadConfig({ ...pg, REDIS_URL: 'redis://cache:6379', PARLEY_NODE_URL: 'https://node-1.example.org/', PARLEY_CASE_LEASE_SECONDS: '6' }).cluster).toEqual({
      redisUrl: 'redis://cache:6379',
      nodeUrl: 'https://node-1.example.org',
      leaseMs: 6000,
    });
    expect(loadConfig({ ...pg, REDIS_URL: 'redis://cache', PARLEY_NODE_URL: 'https://n1.example.org' }).cluster?.leaseMs).toBe(15_000);
    expect(() => loadConfig({ REDIS_URL: 'redis://cache', PARLEY_NODE_URL: 'https://n1.example.org' })).toThrow(/REDIS_URL: several nodes share one Postgres/);
    expect(() => loadConfig({ ...pg, REDIS_URL: 'redis://cache' })).toThrow(/PARLEY_NODE_URL: with REDIS_URL each node needs its own address/);
    expect(() => loadConfig({ PARLEY_NODE_URL: 'https://n1.example.org' })).toThrow(/PARLEY_NODE_URL: a node address only matters/);
    expect(() => loadConfig({ ...pg, REDIS_URL: 'http://cache', PARLEY_NODE_URL: 'https://n1.example.org' })).toThrow(/REDIS_URL must be a redis/);
    // Pages must be allowed to connect to the other nodes: by their common domain, or by name.
    expect(() => loadConfig({ DATABASE_URL: 'postgres://parley@db/parley', REDIS_URL: 'redis://cache', PARLEY_NODE_URL: 'https://n1.example.org' })).toThrow(/PARLEY_COOKIE_DOMAIN: with several nodes a page connects to the node that runs its case/);
  });

  it('sends the mediator’s cookie to every node under PARLEY_COOKIE_DOMAIN, which must cover the public and node addresses', () => {
    const several = { DATABASE_URL: 'postgres://parley@db/parley', REDIS_URL: 'redis://cache', PARLEY_PUBLIC_URL: 'https://parley.example.org', PARLEY_NODE_URL: 'https://node-1.parley.example.org' };
    expect(loadConfig({ ...several, PARLEY_COOKIE_DOMAIN: '.Parley.example.org' }).cluster?.cookieDomain).toBe('parley.example.org');
    expect(loadConfig({ ...several, PARLEY_ALLOWED_ORIGINS: 'https://parley.example.org,https://node-1.parley.example.org' }).cluster?.cookieDomain).toBeUndefined();
    expect(() => loadConfig({ ...several, PARLEY_COOKIE_DOMAIN: 'other.example.org' })).toThrow(/PARLEY_COOKIE_DOMAIN: PARLEY_PUBLIC_URL and PARLEY_NODE_URL must both be under this domain/);
    expect(() => loadConfig({ PARLEY_COOKIE_DOMAIN: 'parley.example.org' })).toThrow(/PARLEY_COOKIE_DOMAIN: a cookie domain only matters with several nodes/);
  });

  it('refuses invalid values with a message naming the variable', () => {
    expect(() => loadConfig({ PARLEY_PORT: 'eighty' })).toThrow(/PARLEY_PORT/);
    expect(() => loadConfig({ PARLEY_MASTER_KEY: 'short' })).toThrow(/PARLEY_MASTER_KEY/);
    expect(() => loadConfig({ PARLEY_MEDIA_PORT: '70000' })).toThrow(/PARLEY_MEDIA_PORT/);
    expect(() => loadConfig({ PARLEY_LOG_LEVEL: 'chatty' })).toThrow(/PARLEY_LOG_LEVEL/);
  });

  it('gives each worker its own media port and refuses ports past 65535 or on an HTTP port, naming PARLEY_MEDIA_PORT', () => {
    expect(loadConfig({ PARLEY_MEDIA_PORT: '65534', PARLEY_WORKERS: '2' }).rtc.mediaPort).toBe(65534);
    expect(() => loadConfig({ PARLEY_MEDIA_PORT: '65535', PARLEY_WORKERS: '2' })).toThrow(/PARLEY_MEDIA_PORT: ports 65535–65536 .*65535/);
    // Worker 3 of 4 would take 8082, the HTTP port: UDP could share it, TCP cannot.
    expect(() => loadConfig({ PARLEY_MEDIA_PORT: '8080', PARLEY_PORT: '8082', PARLEY_WORKERS: '4' })).toThrow(/PARLEY_MEDIA_PORT: ports 8080–8083 .*PARLEY_PORT 8082/);
    expect(() => loadConfig({ PARLEY_MEDIA_PORT: '8079', PARLEY_PORT: '8082', PARLEY_WORKERS: '3' })).not.toThrow();
    // Port 0 (each worker on a free port, for tests) never collides.
    expect(loadConfig({ PARLEY_MEDIA_PORT: '0', PARLEY_PORT: '0' }).rtc.mediaPort).toBe(0);
  });

  it('refuses the retired port-range variables, saying what replaced them', () => {
    expect(() => loadConfig({ PARLEY_RTC_MIN_PORT: '40000' })).toThrow(/PARLEY_RTC_MIN_PORT: media no longer uses a port range: set PARLEY_MEDIA_PORT/);
    expect(() => loadConfig({ PARLEY_RTC_MAX_PORT: '49999' })).toThrow(ConfigError);
  });

  it('reads PARLEY_METRICS_TOKEN: unset or empty is no metrics, a short one is refused', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ PARLEY_METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(loadConfig({ PARLEY_METRICS_TOKEN: 'a'.repeat(32) }).metricsToken).toBe('a'.repeat(32));
    expect(() => loadConfig({ PARLEY_METRICS_TOKEN: 'guessable' })).toThrow(/PARLEY_METRICS_TOKEN: must be at least 32 characters/);
  });

  it('reads the master key file named by PARLEY_MASTER_KEY_FILE (e.g. a docker or systemd secret)', () => {
    const f = keyFile('secret', `${KEY}\n`);
    const c = loadConfig({ PARLEY_MASTER_KEY_FILE: f });
    expect(c.masterKeyFile).toBe(f);
    expect(c.masterKey).toBeUndefined();
  });

  it('refuses a PARLEY_MASTER_KEY_FILE that does not exist, naming the variable', () => {
    expect(() => loadConfig({ PARLEY_MASTER_KEY_FILE: path.join(tmp, 'missing') })).toThrow(/PARLEY_MASTER_KEY_FILE/);
    expect(() => loadConfig({ PARLEY_MASTER_KEY_FILE: path.join(tmp, 'missing') })).toThrow(ConfigError);
  });

  it('refuses a PARLEY_MASTER_KEY_FILE that does not hold a key, without repeating what it holds', () => {
    const f = keyFile('not-a-key', 'hunter2-is-not-a-key');
    let message = '';
    try {
      loadConfig({ PARLEY_MASTER_KEY_FILE: f });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/PARLEY_MASTER_KEY_FILE/);
    expect(message).toMatch(/43 characters/);
    expect(message).not.toContain('hunter2');
  });

  it('refuses PARLEY_MASTER_KEY and PARLEY_MASTER_KEY_FILE together (which one would win is a guess)', () => {
    const f = keyFile('both', KEY);
    expect(() => loadConfig({ PARLEY_MASTER_KEY: KEY, PARLEY_MASTER_KEY_FILE: f })).toThrow(/PARLEY_MASTER_KEY_FILE/);
  });

  describe('HTTPS and proxies', () => {
    const pair = selfSignedCertificate(tmp, 'a');
    const other = selfSignedCertificate(tmp, 'b');
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      return 'no error';
    };

    it('serves TLS with a certificate and its key, and may redirect a plain-http port', () => {
      const c = loadConfig({ PARLEY_TLS_CERT: pair.certFile, PARLEY_TLS_KEY: pair.keyFile, PARLEY_HTTP_REDIRECT_PORT: '80' });
      expect(c.tls).toEqual({ certFile: pair.certFile, keyFile: pair.keyFile });
      expect(c.httpRedirectPort).toBe(80);
    });

    it('refuses a certificate without its key, or a key without its certificate', () => {
      expect(message({ PARLEY_TLS_CERT: pair.certFile })).toMatch(/PARLEY_TLS_KEY: set PARLEY_TLS_CERT and PARLEY_TLS_KEY together/);
      expect(message({ PARLEY_TLS_KEY: pair.keyFile })).toMatch(/PARLEY_TLS_CERT: set PARLEY_TLS_CERT and PARLEY_TLS_KEY together/);
    });

    it('refuses files that are missing, unreadable, not PEM, or a key of another certificate, without quoting the key', () => {
      expect(message({ PARLEY_TLS_CERT: pair.certFile, PARLEY_TLS_KEY: path.join(tmp, 'nope.key') })).toMatch(/PARLEY_TLS_KEY: there is no file at .*nope\.key/);
      expect(message({ PARLEY_TLS_CERT: tmp, PARLEY_TLS_KEY: pair.keyFile })).toMatch(/PARLEY_TLS_CERT: .* cannot be read \(EISDIR\)/);
      const junk = keyFile('junk.pem', 'hunter2');
      const notPem = message({ PARLEY_TLS_CERT: pair.certFile, PARLEY_TLS_KEY: junk });
      expect(notPem).toMatch(/PARLEY_TLS_CERT: TLS cannot use this certificate with PARLEY_TLS_KEY/);
      expect(notPem).not.toContain('hunter2');
      expect(message({ PARLEY_TLS_CERT: pair.certFile, PARLEY_TLS_KEY: other.keyFile })).toMatch(/PARLEY_TLS_CERT: TLS cannot use .*mismatch/);
    });

    it('refuses a redirect port without TLS, and an http public URL with TLS', () => {
      expect(message({ PARLEY_HTTP_REDIRECT_PORT: '80' })).toMatch(/PARLEY_HTTP_REDIRECT_PORT: redirects to https only when Parley serves TLS/);
      expect(message({ PARLEY_TLS_CERT: pair.certFile, PARLEY_TLS_KEY: pair.keyFile, PARLEY_PUBLIC_URL: 'http://mediation.example' })).toMatch(/PARLEY_PUBLIC_URL: must start with https/);
    });

    it('reads PARLEY_TRUST_PROXY as a hop count or a list of addresses, and refuses trusting everyone', () => {
      expect(loadConfig({ PARLEY_TRUST_PROXY: '1' }).trustProxy).toBe(1);
      expect(loadConfig({ PARLEY_TRUST_PROXY: 'loopback, 10.0.0.0/8, 2001:db8::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '2001:db8::1']);
      expect(message({ PARLEY_TRUST_PROXY: '10.0.0.300' })).toMatch(/PARLEY_TRUST_PROXY: invalid IP address/);
      expect(message({ PARLEY_TRUST_PROXY: 'true' })).toMatch(/PARLEY_TRUST_PROXY: name the proxy addresses or a hop count/);
    });
  });
});

describe('TURN configuration', () => {
  const SECRET = 'a'.repeat(64);
  const URLS = 'turn:turn.example.org:3478?transport=udp, turn:turn.example.org:3478?transport=tcp,turns:turn.example.org:443?transport=tcp';

  it('reads the URLs, the secret (or its file), the lifetime and the ICE policy', () => {
    const c = loadConfig({ PARLEY_TURN_URLS: URLS, PARLEY_TURN_SECRET: SECRET, PARLEY_TURN_TTL_SECONDS: '7200', PARLEY_ICE_TRANSPORT_POLICY: 'relay' });
    expect(c.turn).toEqual({ urls: ['turn:turn.example.org:3478?transport=udp', 'turn:turn.example.org:3478?transport=tcp', 'turns:turn.example.org:443?transport=tcp'], secret: SECRET, ttlSeconds: 7200 });
    expect(c.iceTransportPolicy).toBe('relay');
    const fromFile = loadConfig({ PARLEY_TURN_URLS: 'turn:[2001:db8::1]:3478', PARLEY_TURN_SECRET_FILE: keyFile('turn_secret', `${SECRET}\n`) });
    expect(fromFile.turn).toEqual({ urls: ['turn:[2001:db8::1]:3478'], secret: SECRET, ttlSeconds: 3600 });
    expect(loadConfig({}).turn).toBeUndefined();
    expect(loadConfig({}).iceTransportPolicy).toBe('all');
  });

  it('refuses half a TURN setup, a bad URL and relay without TURN, naming the variable', () => {
    const fails = (env: Record<string, string>, variable: string, secretShown = SECRET) => {
      let message = '';
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        message = (e as Error).message;
      }
      expect(message).toContain(`${variable}:`);
      expect(message).not.toContain(secretShown);
    };
    fails({ PARLEY_TURN_SECRET: SECRET }, 'PARLEY_TURN_URLS');
    fails({ PARLEY_TURN_URLS: URLS }, 'PARLEY_TURN_SECRET');
    fails({ PARLEY_TURN_URLS: 'https://turn.example.org', PARLEY_TURN_SECRET: SECRET }, 'PARLEY_TURN_URLS');
    fails({ PARLEY_TURN_URLS: 'turn:turn.example.org:99999', PARLEY_TURN_SECRET: SECRET }, 'PARLEY_TURN_URLS');
    fails({ PARLEY_TURN_URLS: 'turn:turn.example.org?transport=sctp', PARLEY_TURN_SECRET: SECRET }, 'PARLEY_TURN_URLS');
    fails({ PARLEY_TURN_URLS: URLS, PARLEY_TURN_SECRET: 'short' }, 'PARLEY_TURN_SECRET', 'nothing');
    fails({ PARLEY_TURN_URLS: URLS, PARLEY_TURN_SECRET: SECRET, PARLEY_TURN_SECRET_FILE: keyFile('t2', SECRET) }, 'PARLEY_TURN_SECRET_FILE');
    fails({ PARLEY_TURN_URLS: URLS, PARLEY_TURN_SECRET_FILE: path.join(tmp, 'missing') }, 'PARLEY_TURN_SECRET_FILE');
    fails({ PARLEY_ICE_TRANSPORT_POLICY: 'relay' }, 'PARLEY_ICE_TRANSPORT_POLICY');
    fails({ PARLEY_ICE_TRANSPORT_POLICY: 'turn-only' }, 'PARLEY_ICE_TRANSPORT_POLICY');
    fails({ PARLEY_TURN_URLS: URLS, PARLEY_TURN_SECRET: SECRET, PARLEY_TURN_TTL_SECONDS: '10' }, 'PARLEY_TURN_TTL_SECONDS');
  });
});
