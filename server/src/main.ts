import { ConfigError } from './config.ts';
import { masterKeyWarning } from './crypto/Keyring.ts';
import { loadConfig, startServer } from './index.ts';

/** Below Docker's default 10 s between SIGTERM and SIGKILL, so the cut-off is ours and logged. */
const SHUTDOWN_TIMEOUT_MS = 8_000;

/** `npm start`: run the platform and print where to find it. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  let server;
  try {
    server = await startServer(config);
  } catch (e) {
    // Something the operator must fix (e.g. the master key is missing): the message says what; a stack would bury it.
    if (!(e instanceof ConfigError)) throw e;
    console.error(`Parley did not start: ${e.message}`);
    process.exit(2);
  }
  const keyWarning = masterKeyWarning(server.masterKeySource);
  const banner = [
    '',
    '  Parley is running.',
    `  Open:            ${server.url}`,
    ...(server.redirectUrl ? [`  Redirected from: ${server.redirectUrl}`] : []),
    `  Mediator sign-in (one-time link${server.mediatorCreated ? ', new local account' : ''}):`,
    `    ${server.signinUrl}`,
    mediaLine(server.sfu.pool.ports().map((p) => p.port), config.rtc),
    `  Node ${process.version} · data in ${config.dataDir}`,
    // Its own paragraph, on every start: the one thing in the banner that needs action.
    ...(keyWarning ? ['', ...wrap(keyWarning, 76).map((l) => `  ${l}`)] : []),
    '',
  ].join('\n');
  // On stderr so it stays readable next to the JSON log lines on stdout.
  process.stderr.write(banner + '\n');

  // SIGTERM (docker stop, systemd, Kubernetes) or Ctrl+C: stop taking connections, tell everyone
  // the service is restarting, store the drafts, close the media workers and the store, exit 0.
  // A second signal changes nothing; a shutdown that hangs is cut off, with a log line saying so.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      server.logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    server.logger.info({ signal, timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutting down');
    const force = setTimeout(() => {
      server.logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS, step: server.closingStep }, 'shutdown did not finish in time: exiting anyway');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A renewed certificate (e.g. certbot's deploy hook runs `kill -HUP`) is used from the next handshake on.
  if (config.tls) {
    process.on('SIGHUP', () => {
      try {
        server.reloadTls();
        server.logger.info({ cert: config.tls?.certFile }, 'TLS certificate reloaded');
      } catch (err) {
        server.logger.error({ err }, 'TLS certificate not reloaded: still serving the previous one');
      }
    });
  }
  // Prepended: each mediasoup worker listens for these signals too and closes itself on them, which
  // the live cases would take for a dead worker. Ours runs first and ends the live sessions with
  // the restart notice before the workers go.
  process.prependListener('SIGINT', () => stop('SIGINT'));
  process.prependListener('SIGTERM', () => stop('SIGTERM'));
}

/** The ports the firewall must let in for audio and video, and where browsers are told to send it. */
function mediaLine(ports: number[], rtc: { listenIp: string; announcedAddress?: string }): string {
  const where = rtc.announcedAddress ? `on ${rtc.listenIp}, announced as ${rtc.announcedAddress}` : `on ${rtc.listenIp}`;
  return `  Media ports:     ${ports.join(', ')} (UDP and TCP, one per worker) ${where}`;
}

/** Words into lines of at most `width` characters (a long path stays whole on its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

void main().catch((err) => {
  console.error('Parley failed to start:', err);
  process.exit(1);
});
