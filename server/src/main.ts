import { loadConfig, startServer } from './index.ts';

/** `npm start`: run the platform and print where to find it. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const server = await startServer(config);
  const banner = [
    '',
    '  Parley is running.',
    `  Open:            ${server.url}`,
    `  Mediator sign-in (one-time link${server.mediatorCreated ? ', new local account' : ''}):`,
    `    ${server.signinUrl}`,
    `  Node ${process.version} · data in ${config.dataDir}`,
    '',
  ].join('\n');
  // On stderr so it stays readable next to the JSON log lines on stdout.
  process.stderr.write(banner + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main().catch((err) => {
  console.error('Parley failed to start:', err);
  process.exit(1);
});
