import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { draftDocName } from '@parley/shared';
import type { RunningServer } from '../index.ts';
import { consent, createCase, signIn, startTestServer, tokenOf } from './harness.ts';

/** Yjs clients for integration tests: y-websocket's own provider, and a raw socket for misbehaving. */

export const yjsUrl = (server: RunningServer) => `${server.url.replace(/^http/, 'ws')}/yjs`;

/** `ws` with fixed extra headers (cookie, origin) in the shape y-websocket expects of a WebSocket class. */
export function wsWithHeaders(headers: Record<string, string>): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  } as unknown as typeof WebSocket;
}

export function provider(server: RunningServer, docName: string, opts: { token?: string; cookie?: string; doc?: Y.Doc } = {}): WebsocketProvider {
  const doc = opts.doc ?? new Y.Doc();
  return new WebsocketProvider(yjsUrl(server), docName, doc, {
    params: opts.token ? { token: opts.token } : {},
    WebSocketPolyfill: wsWithHeaders(opts.cookie ? { cookie: opts.cookie } : {}) as never,
    disableBc: true,
    maxBackoffTime: 200,
  });
}

export function synced(p: WebsocketProvider, timeoutMs = 5000): Promise<void> {
  if (p.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('not synced in time')), timeoutMs);
    p.once('sync', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export interface RawClient {
  ws: WebSocket;
  messages: Uint8Array[];
  opened: Promise<void>;
  /**
   * How the connection ended: a close frame after the upgrade, or a refusal answered in HTTP before
   * it (then `httpStatus` is set and `code` is the named close code from the JSON body).
   */
  closed: Promise<{ code: number; reason: string; httpStatus?: number }>;
  send(data: Uint8Array): void;
}

export function rawClient(server: RunningServer, docName: string, opts: { token?: string; headers?: Record<string, string> } = {}): RawClient {
  const q = opts.token ? `?token=${encodeURIComponent(opts.token)}` : '';
  const ws = new WebSocket(`${yjsUrl(server)}/${docName}${q}`, { headers: opts.headers ?? {} });
  const messages: Uint8Array[] = [];
  ws.on('message', (d: Buffer) => messages.push(new Uint8Array(d)));
  ws.on('error', () => undefined);
  let endWith: (r: { code: number; reason: string; httpStatus?: number }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string; httpStatus?: number }>((resolve) => {
    endWith = resolve;
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          let parsed: { closeCode?: number; error?: { code?: string } } = {};
          try {
            parsed = JSON.parse(body) as typeof parsed;
          } catch {
            // not JSON: the status alone tells
          }
          endWith({ code: parsed.closeCode ?? -1, reason: parsed.error?.code ?? '', httpStatus: res.statusCode });
          reject(new Error(`HTTP ${res.statusCode}`));
          req.destroy();
        });
      });
  });
  // A test that expects a refusal awaits `closed`, not `opened`.
  opened.catch(() => undefined);
  return {
    ws,
    messages,
    opened,
    closed,
    send: (data) => ws.send(data),
  };
}

/**
 * A sync step 1 from a client that has nothing: the server answers with a step 2 holding the whole
 * document. Messages on one connection are handled in order, so that answer is also the proof that
 * everything sent before it on the connection was handled.
 */
export function emptySyncStep1Message(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeSyncStep1(e, new Y.Doc());
  return encoding.toUint8Array(e);
}

/** The document a sync step 2 message carries, or null for any other message. */
export function docOfSyncStep2(message: Uint8Array): Y.Doc | null {
  const d = decoding.createDecoder(message);
  if (decoding.readVarUint(d) !== 0 || decoding.readVarUint(d) !== syncProtocol.messageYjsSyncStep2) return null;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, decoding.readVarUint8Array(d));
  return doc;
}

export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/** An update that appends one paragraph with `text` to a draft's fragment, made by a fresh client. */
export function paragraphUpdate(text: string): Uint8Array {
  const d = new Y.Doc();
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  d.getXmlFragment('default').insert(0, [p]);
  const u = Y.encodeStateAsUpdate(d);
  d.destroy();
  return u;
}

/** Appends a paragraph at the end of the shared fragment of `doc`. */
export function appendParagraph(doc: Y.Doc, text: string): void {
  const f = doc.getXmlFragment('default');
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  f.insert(f.length, [p]);
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A server with its own data folder and master key, so a test can stop it and start it again on
 * the same data (restart and durability tests). `cleanup` closes it and removes the folder.
 */
export function restartableServer(prefix: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const env = { PARLEY_DATA_DIR: dataDir, PARLEY_MASTER_KEY: randomBytes(32).toString('base64url') };
  return { dataDir, env, start: () => startTestServer(env) };
}

/** A new case whose Ana has consented, and the name of its agreement draft. */
export async function consentedAgreement(server: RunningServer) {
  const cookie = await signIn(server);
  const detail = await createCase(server, cookie);
  const ana = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
  await consent(server, ana, detail);
  return { cookie, detail, ana, name: draftDocName(detail.id, 'agreement') };
}
