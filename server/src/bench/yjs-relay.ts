/**
 * The baseline of yjs-editors.bench.ts: the least a y-websocket server does, as y-websocket's own
 * example server does it (one Y.Doc per name, sync, each change and each presence relayed to the
 * others at once). No credentials, limits, persistence, presence batching or metrics: what is left
 * of an editor's wait under it is the editors' own work and the machine's layout, not Parley's.
 * Runs in its own process (`listen` answers with its URL); the benchmark pins it where Parley's
 * server was.
 */
import http from 'node:http';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as sync from 'y-protocols/sync';
import { serveParent } from './platform.ts';

type Room = { doc: Y.Doc; awareness: Awareness; conns: Set<WebSocket> };
const rooms = new Map<string, Room>();
const send = (to: Iterable<WebSocket>, skip: unknown, msg: Uint8Array) => {
  for (const ws of to) if (ws !== skip && ws.readyState === ws.OPEN) ws.send(msg);
};
const message = (type: number, write: (e: encoding.Encoder) => void) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  write(e);
  return encoding.toUint8Array(e);
};

function room(name: string): Room {
  let r = rooms.get(name);
  if (r) return r;
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState(null);
  const conns = new Set<WebSocket>();
  doc.on('update', (u: Uint8Array, origin: unknown) => send(conns, origin, message(0, (e) => sync.writeUpdate(e, u))));
  awareness.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) =>
    send(conns, origin, message(1, (e) => encoding.writeVarUint8Array(e, encodeAwarenessUpdate(awareness, [...added!, ...updated!, ...removed!])))),
  );
  rooms.set(name, (r = { doc, awareness, conns }));
  return r;
}

function serve(ws: WebSocket, name: string): void {
  const r = room(name);
  r.conns.add(ws);
  ws.on('close', () => r.conns.delete(ws));
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const answer = encoding.createEncoder();
      encoding.writeVarUint(answer, 0);
      sync.readSyncMessage(d, answer, r.doc, ws);
      if (encoding.length(answer) > 1) ws.send(encoding.toUint8Array(answer));
    } else if (type === 1) applyAwarenessUpdate(r.awareness, decoding.readVarUint8Array(d), ws);
  });
  ws.send(message(0, (e) => sync.writeSyncStep1(e, r.doc)));
  if (r.awareness.states.size > 0) ws.send(message(1, (e) => encoding.writeVarUint8Array(e, encodeAwarenessUpdate(r.awareness, [...r.awareness.states.keys()]))));
}

serveParent(async (req) => {
  if (req.cmd !== 'listen') throw new Error(`unknown request ${req.cmd}`);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = http.createServer((_, res) => res.writeHead(404).end());
  server.on('upgrade', (q, socket, head) => wss.handleUpgrade(q, socket, head, (ws) => serve(ws, decodeURIComponent(new URL(q.url!, 'http://x').pathname.replace(/^\/yjs\//, '')))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
});
