import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@parley/shared';

/** A raw socket.io client holding someone's credentials: what a modified client could send. */
export async function rawSocket(url: string, auth: Record<string, unknown>): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, ...auth }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
  return s;
}

export function rawRequest(s: Socket, name: string, payload: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  return s.timeout(10_000).emitWithAck(name, payload);
}
