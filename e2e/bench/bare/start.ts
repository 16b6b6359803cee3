import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * Starts the bare mediasoup server (server.ts) in its own process, as the product's server runs in
 * its own: neither shares an event loop with the benchmark driving the browser.
 */
export async function startBare(): Promise<{ url: string; stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'server.ts')], {
    cwd: path.resolve(import.meta.dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the bare server did not start in 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /BARE_URL (\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`the bare server exited with ${code}:\n${out}`));
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}
