import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, startTestServer } from './test/harness.ts';

/**
 * What the operator sees of the media ports: the ports in the start-up log and banner, and a
 * clear refusal naming the variable when a port cannot be opened.
 */
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Holds a port the kernel picks on loopback, for TCP or UDP, until the test ends. */
async function holdPort(protocol: 'tcp' | 'udp'): Promise<number> {
  if (protocol === 'tcp') {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    return (server.address() as AddressInfo).port;
  }
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
  return socket.address().port;
}

/** `npm start`'s entry point; resolves with its banner once printed, or with its exit code. */
function startMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-media-ports-'));
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PARLEY_PORT: '0', PARLEY_WORKERS: '1', PARLEY_LOG_LEVEL: 'warn', PARLEY_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  let stderr = '';
  return new Promise((resolve) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/signin#token=\S+/.test(stderr)) resolve({ code: null, stderr });
    });
    void exited.then((code) => resolve({ code, stderr }));
  });
}

describe('media ports at start', () => {
  it('logs the media ports it listens on', async () => {
    const { logger, lines } = captureLogs();
    const server = await startTestServer({}, undefined, undefined, logger);
    cleanup.push(() => server.close());
    const port = server.sfu.pool.ports()[0]?.port;
    expect(lines.find((l) => l.msg === 'parley started')).toMatchObject({ mediaPorts: [port], mediaListenIp: '127.0.0.1' });
  });

  for (const protocol of ['tcp', 'udp'] as const) {
    it(`refuses to start when the media port is taken (${protocol}), naming PARLEY_MEDIA_PORT`, async () => {
      const port = await holdPort(protocol);
      const started = startTestServer({ PARLEY_MEDIA_PORT: String(port) });
      await expect(started).rejects.toMatchObject({ name: 'ConfigError', variable: 'PARLEY_MEDIA_PORT' });
      await expect(started).rejects.toThrow(new RegExp(`^PARLEY_MEDIA_PORT: media port ${port} \\(UDP and TCP\\) cannot be opened on 127\\.0\\.0\\.1: another program .*in use`));
    });
  }

  it('refuses a listening address that is not this machine’s, naming PARLEY_RTC_LISTEN_IP', async () => {
    // TEST-NET-2: never assigned to a machine, so nothing can listen on it (and nothing is sent).
    const started = startTestServer({ PARLEY_RTC_LISTEN_IP: '198.51.100.77' });
    await expect(started).rejects.toMatchObject({ name: 'ConfigError', variable: 'PARLEY_RTC_LISTEN_IP' });
    await expect(started).rejects.toThrow(/PARLEY_RTC_LISTEN_IP: the media server cannot listen on 198\.51\.100\.77: it is not an address of this machine/);
  });

  it('prints the media ports in the start banner, and a busy port stops the start with the variable named', async () => {
    const started = await startMain({ PARLEY_MEDIA_PORT: '0', PARLEY_RTC_ANNOUNCED_ADDRESS: '203.0.113.7' });
    expect(started.code).toBeNull();
    const port = Number(/Media ports: +(\d+) \(UDP and TCP, one per worker\) on 127\.0\.0\.1, announced as 203\.0\.113\.7/.exec(started.stderr)?.[1]);
    expect(port, started.stderr).toBeGreaterThan(0);

    const busy = await holdPort('tcp');
    const refused = await startMain({ PARLEY_MEDIA_PORT: String(busy) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`Parley did not start: PARLEY_MEDIA_PORT: media port ${busy} \\(UDP and TCP\\)`));
    expect(refused.stderr).not.toMatch(/\n\s+at /); // a message for the operator, not a stack trace
  }, 120_000);
});
