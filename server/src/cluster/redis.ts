import { createClient } from 'redis';
import type { Logger } from '../logger.ts';

/** A Redis connection as the cluster modules make it (its type, inferred, is what the client library gives). */
export function redisClient(url: string, logger: Logger) {
  const client = createClient({ url });
  // The client reconnects by itself; an error event without a listener would end the process.
  client.on('error', (err: unknown) => logger.warn({ err }, 'redis connection error (the client reconnects)'));
  return client;
}
export type Redis = ReturnType<typeof redisClient>;
