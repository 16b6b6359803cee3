/**
 * One agreement-draft editor in its own process, driven by yjs-editors.bench.ts over IPC: the same
 * client the browser runs (y-websocket's provider, presence with a caret), from its own loopback
 * address. Times are read on the machine's monotonic clock (`monotonicMs`), the one clock every
 * process of the benchmark shares.
 *
 * Requests: connect · seed · join · type · reset · state · collect · disconnect (see `handle`).
 */
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { monotonicMs, serveParent, type ChildRequest } from './platform.ts';

interface Credentials {
  url: string;
  doc: string;
  from: string;
  token?: string;
  cookie?: string;
}

/** `ws` bound to this editor's address, carrying the mediator's cookie when there is one. */
function socketClass(c: Credentials): typeof WebSocket {
  const options = { localAddress: c.from, headers: c.cookie ? { cookie: c.cookie } : {} };
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  } as unknown as typeof WebSocket;
}

function open(c: Credentials, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(`${c.url.replace(/^http/, 'ws')}/yjs`, c.doc, doc, {
    params: c.token ? { token: c.token } : {},
    WebSocketPolyfill: socketClass(c) as never,
    disableBc: true,
    maxBackoffTime: 500,
  });
}

function synced(p: WebsocketProvider, timeoutMs = 60_000): Promise<void> {
  if (p.synced) return Promise.resolve();
  // What happened meanwhile, for the error: a refusal (HTTP status before the upgrade) or a close code.
  const seen: string[] = [];
  p.on('connection-close', (e: { code?: number; reason?: string } | null) => seen.push(`closed ${e?.code ?? '?'} ${e?.reason ?? ''}`.trim()));
  p.on('connection-error', () => seen.push('connection error'));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not synced in ${timeoutMs} ms (connected: ${p.wsconnected}; ${seen.slice(-5).join(', ') || 'no closes'})`)), timeoutMs);
    p.on('sync', (s: boolean) => {
      if (!s) return;
      clearTimeout(t);
      resolve();
    });
  });
}

const paragraphText = (doc: Y.Doc, i: number) => (doc.getXmlFragment('default').get(i) as Y.XmlElement).get(0) as Y.XmlText;

/** Characters of text in the draft (paragraphs of the editor's shape: one XmlText each). */
function textChars(doc: Y.Doc): number {
  let n = 0;
  for (const p of doc.getXmlFragment('default').toArray()) n += ((p as Y.XmlElement).get(0) as Y.XmlText).length;
  return n;
}

/** A small deterministic generator, so every run builds the same draft. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const WORDS = 'the parties agree that payment of fees shall be made within thirty days of signature and any dispute about the boundary fence will be referred to a surveyor chosen jointly'.split(' ');

/**
 * A long draft built the way a session builds one: several authors, each edit a short run of
 * typing at some place in some paragraph (Yjs stores a run typed in one go the same way whether it
 * arrived key by key or at once), new paragraphs now and then, and deletions; every author sees
 * every edit before making the next. Returns each small update in order.
 */
function buildDraft(targetChars: number, authors: number, seed: number): { updates: Uint8Array[]; edits: number } {
  const r = rng(seed);
  const docs = Array.from({ length: authors }, () => new Y.Doc());
  const updates: Uint8Array[] = [];
  docs.forEach((d, i) =>
    d.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'peer') return;
      updates.push(u);
      docs.forEach((o, j) => j !== i && Y.applyUpdate(o, u, 'peer'));
    }),
  );
  let edits = 0;
  let chars = 0;
  const targetParagraphs = Math.max(1, Math.round(targetChars / 500));
  while (chars < targetChars) {
    const d = docs[Math.floor(r() * authors)]!;
    const f = d.getXmlFragment('default');
    const roll = r();
    if (f.length === 0 || (f.length < targetParagraphs && roll < 0.1)) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('')]);
      f.insert(Math.floor(r() * (f.length + 1)), [p]);
    } else if (roll < 0.18 && chars > 2000) {
      const t = paragraphText(d, Math.floor(r() * f.length));
      if (t.length < 2) continue;
      const at = Math.floor(r() * (t.length - 1));
      const n = Math.min(t.length - at, 1 + Math.floor(r() * 20));
      t.delete(at, n);
      chars -= n;
    } else {
      const t = paragraphText(d, Math.floor(r() * f.length));
      let run = '';
      const words = 1 + Math.floor(r() * 10);
      for (let w = 0; w < words; w++) run += WORDS[Math.floor(r() * WORDS.length)] + ' ';
      t.insert(Math.floor(r() * (t.length + 1)), run);
      chars += run.length;
    }
    edits++;
  }
  for (const d of docs) d.destroy();
  return { updates, edits };
}

let creds: Credentials | undefined;
let doc: Y.Doc | undefined;
let provider: WebsocketProvider | undefined;
let receipts: Array<{ client: number; clock: number; at: number }> = [];
let sent: Array<{ client: number; clock: number; at: number }> = [];

function connected(): { doc: Y.Doc; provider: WebsocketProvider } {
  if (!doc || !provider) throw new Error('not connected');
  return { doc, provider };
}

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'ping':
      return 'pong';
    case 'connect': {
      creds = req.creds as Credentials;
      const d = (doc = new Y.Doc());
      const p = (provider = open(creds, d));
      p.awareness.setLocalStateField('user', { name: `Editor ${String(req.index)}` });
      // Every update from the server (origin: the provider), as the clocks it brought each author to.
      d.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== p) return;
        const at = monotonicMs();
        for (const [client, clock] of Y.parseUpdateMeta(update).to) receipts.push({ client, clock, at });
      });
      await synced(p);
      return { clientId: d.clientID };
    }
    case 'seed': {
      const { doc: d } = connected();
      const built = buildDraft(Number(req.chars), Number(req.authors), Number(req.seed));
      // Sent as the provider sends any local change, in batches of small updates.
      const batch = Number(req.batch);
      for (let i = 0; i < built.updates.length; i += batch) Y.applyUpdate(d, Y.mergeUpdates(built.updates.slice(i, i + batch)), 'seed');
      return { edits: built.edits, updates: built.updates.length, chars: textChars(d), paragraphs: d.getXmlFragment('default').length, encodedBytes: Y.encodeStateAsUpdate(d).length };
    }
    case 'join': {
      // A newly connecting editor: connect → synced, and the text it got must be the whole draft.
      const c = req.creds as Credentials;
      const d = new Y.Doc();
      const t0 = monotonicMs();
      const p = open(c, d);
      let opened = 0;
      p.on('status', ({ status }: { status: string }) => status === 'connected' && !opened && (opened = monotonicMs()));
      try {
        await synced(p);
        const t1 = monotonicMs();
        return { totalMs: t1 - t0, afterOpenMs: t1 - opened, chars: textChars(d) };
      } finally {
        p.destroy();
        d.destroy();
      }
    }
    case 'type': {
      // A person typing at their caret: ~5 keys a second with a pause to think now and then; each
      // key moves the caret, which the presence (awareness) tells everyone, as the editor's caret does.
      const { doc: d, provider: p } = connected();
      const text = paragraphText(d, Number(req.paragraph));
      const r = rng(Number(req.seed));
      let caret = Math.floor(text.length / 2);
      const until = monotonicMs() + Number(req.durationMs);
      let keys = 0;
      while (true) {
        const pause = 120 + r() * 160 + (r() < 1 / 40 ? 1000 + r() * 2000 : 0);
        if (monotonicMs() + pause > until) break;
        await new Promise((res) => setTimeout(res, pause));
        const at = monotonicMs();
        text.insert(caret++, WORDS[keys % WORDS.length]![0]!);
        sent.push({ client: d.clientID, clock: Y.getState(d.store, d.clientID), at });
        const pos = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, caret));
        p.awareness.setLocalStateField('cursor', { anchor: pos, head: pos });
        keys++;
      }
      return { keys };
    }
    case 'reset':
      receipts = [];
      sent = [];
      return null;
    case 'state': {
      const { doc: d } = connected();
      return Buffer.from(Y.encodeStateVector(d)).toString('base64');
    }
    case 'collect': {
      const { doc: d } = connected();
      const digest = createHash('sha256').update(d.getXmlFragment('default').toString()).digest('hex');
      return { self: d.clientID, receipts, sent, digest, chars: textChars(d) };
    }
    case 'disconnect':
      provider?.destroy();
      doc?.destroy();
      provider = doc = undefined;
      return null;
    default:
      throw new Error(`unknown request ${req.cmd}`);
  }
}

serveParent(handle);
