/**
 * A flooding client in its own process, as an attacker would run it: one person's invitation
 * token, many draft WebSockets each pushing fresh Yjs updates as fast as the socket drains, and
 * many socket.io connections each keeping requests in flight; every closed or refused connection
 * is reopened until the time is up. Prints what it achieved as one JSON line on stdout.
 *
 *   node --import tsx flooder.ts <baseUrl> <token> <docName> <durationMs|until-stopped> [drafts=10] [sockets=20]
 *
 * With `until-stopped` it floods until it receives SIGTERM: a test stops it once it has seen what
 * it waits for, so a slow machine makes the test slower, never wrong.
 *
 * Used by the flood test and the flood benchmark; never by the product.
 */
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { PROTOCOL_VERSION } from '@parley/shared';

const [baseUrl, token, docName, durationArg, draftsArg, socketsArg] = process.argv.slice(2);
if (!baseUrl || !token || !docName) {
  process.stderr.write('usage: flooder.ts <baseUrl> <token> <docName> <durationMs> [drafts] [sockets]\n');
  process.exit(2);
}
let until = durationArg === 'until-stopped' ? Number.POSITIVE_INFINITY : Date.now() + Number(durationArg ?? 5000);
let stopped: () => void = () => undefined;
const stopSignal = new Promise<void>((r) => (stopped = r));
process.on('SIGTERM', () => {
  until = Date.now();
  stopped();
});
const stats = { draftOpened: 0, draftRefused: 0, draftClosed: {} as Record<string, number>, draftSent: 0, ioConnected: 0, ioRefused: 0, acksOk: 0, acksLimited: 0, acksOther: 0 };
const live = () => Date.now() < until;
/** One line on stdout as soon as both kinds of connection are flooding, so a test waits on state, not time. */
let announced = false;
const announce = () => {
  if (announced || stats.draftOpened === 0 || stats.ioConnected === 0) return;
  announced = true;
  process.stdout.write('flooding\n');
};

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

function draftFlood(): Promise<void> {
  return new Promise((resolve) => {
    if (!live()) return resolve();
    const ws = new WebSocket(`${baseUrl!.replace(/^http/, 'ws')}/yjs/${docName}?token=${encodeURIComponent(token!)}`);
    const doc = new Y.Doc();
    const text = doc.getText('flood');
    let open = false;
    const pump = () => {
      if (!open || !live()) return ws.close();
      // Fresh, valid updates (each one a real change the server must apply, store and relay).
      // A slice per turn (ws's bufferedAmount may not grow on loopback), so the other connections run too.
      for (let i = 0; i < 50 && ws.readyState === ws.OPEN && ws.bufferedAmount < 256 * 1024; i++) {
        let update: Uint8Array | undefined;
        const grab = (u: Uint8Array) => (update = u);
        doc.once('update', grab);
        text.insert(text.length, 'x');
        if (update) ws.send(updateMessage(update));
        stats.draftSent++;
      }
      setImmediate(pump);
    };
    ws.on('open', () => {
      open = true;
      stats.draftOpened++;
      announce();
      pump();
    });
    ws.on('unexpected-response', (req) => {
      stats.draftRefused++;
      req.destroy();
      setTimeout(() => resolve(draftFlood()), 20);
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      open = false;
      if (code) stats.draftClosed[code] = (stats.draftClosed[code] ?? 0) + 1;
      doc.destroy();
      setTimeout(() => resolve(draftFlood()), 20);
    });
  });
}

function socketFlood(): Promise<void> {
  return new Promise((resolve) => {
    if (!live()) return resolve();
    const s = io(baseUrl!, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, token }, reconnection: false, forceNew: true });
    let inFlight = 0;
    const fire = () => {
      while (s.connected && live() && inFlight < 50) {
        inFlight++;
        (s as unknown as { emit: (e: string, p: unknown, ack: (r: { ok: boolean; error?: { code: string } }) => void) => void }).emit('thread:list', {}, (r) => {
          inFlight--;
          if (r.ok) stats.acksOk++;
          else if (r.error?.code === 'rate_limited') stats.acksLimited++;
          else stats.acksOther++;
          setImmediate(fire);
        });
      }
      if (!live()) s.close();
    };
    s.on('connect', () => {
      stats.ioConnected++;
      announce();
      fire();
    });
    s.on('connect_error', () => {
      stats.ioRefused++;
      s.close();
      setTimeout(() => resolve(socketFlood()), 20);
    });
    s.on('disconnect', () => setTimeout(() => resolve(socketFlood()), 20));
  });
}

if (process.env.FLOOD_DEBUG) setInterval(() => process.stderr.write(JSON.stringify(stats) + '\n'), 500).unref();
const drafts = Number(draftsArg ?? 10);
const sockets = Number(socketsArg ?? 20);
// A stalled server may never answer: report at the deadline (plus a grace) whatever happened.
const hardStop = (Number.isFinite(until) ? Promise.resolve() : stopSignal).then(() => new Promise<void>((r) => setTimeout(r, until - Date.now() + 3000).unref()));
await Promise.race([Promise.all([...Array.from({ length: drafts }, draftFlood), ...Array.from({ length: sockets }, socketFlood)]), hardStop]);
process.stdout.write(JSON.stringify(stats) + '\n');
process.exit(0);
