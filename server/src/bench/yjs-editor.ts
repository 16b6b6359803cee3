/**
 * Agreement-draft editors in one process, driven by yjs-editors.bench.ts over IPC. Each editor is
 * the client the browser runs (y-websocket's provider, presence with a caret) with its own Y.Doc,
 * its own WebSocket and its own loopback address; a process holds one or several of them (the
 * benchmark's layout). Times are read on the machine's monotonic clock (`monotonicMs`), the one
 * clock every process of the benchmark shares.
 *
 * Requests: connect · seed · join · type · reset · state · collect · gc · disconnect (see `handle`);
 * `editor` names one editor of this process by its index in the benchmark.
 */
import { createHash } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { sendOwnPresenceOnly } from '@parley/shared';
import { buildDraft, paragraphText, rng, textChars, WORDS } from './draft-builder.ts';
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
  const p = new WebsocketProvider(`${c.url.replace(/^http/, 'ws')}/yjs`, c.doc, doc, {
    params: c.token ? { token: c.token } : {},
    WebSocketPolyfill: socketClass(c) as never,
    disableBc: true,
    maxBackoffTime: 500,
  });
  // As the browser's DraftSession does. BENCH_PRESENCE_ECHO=1: y-websocket's default (every
  // presence applied is sent back), as the browser did before, to compare.
  if (process.env.BENCH_PRESENCE_ECHO !== '1') sendOwnPresenceOnly(p, encodeAwarenessUpdate);
  return p;
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

type Stamp = { client: number; clock: number; at: number };

interface Editor {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /**
   * Every update from the server and when it was applied. Decoded into the clocks it brought each
   * author to only when collected: while people type, the editors' core also does every other
   * editor's receiving, and the measuring should not add to it.
   */
  received: Array<{ update: Uint8Array; at: number }>;
  /** Every keystroke made here: the clock after it and when it was made. */
  sent: Stamp[];
}

const editors = new Map<number, Editor>();

/**
 * This process's garbage-collection pauses, on the shared monotonic clock: a pause holds up every
 * editor of the process, so the benchmark lines them up with the slowest keystrokes.
 */
let gcPauses: Array<{ at: number; ms: number; kind: number }> = [];
const perfToMonotonic = monotonicMs() - performance.now();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ at: e.startTime + perfToMonotonic, ms: e.duration, kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
}).observe({ entryTypes: ['gc'] });

function receipts(e: Editor): Stamp[] {
  const out: Stamp[] = [];
  for (const { update, at } of e.received) for (const [client, clock] of Y.parseUpdateMeta(update).to) out.push({ client, clock, at });
  return out;
}

function editorOf(req: ChildRequest): Editor {
  const e = editors.get(Number(req.editor));
  if (!e) throw new Error(`editor ${String(req.editor)} is not connected in this process`);
  return e;
}

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'ping':
      return 'pong';
    case 'connect': {
      const d = new Y.Doc();
      const p = open(req.creds as Credentials, d);
      const e: Editor = { doc: d, provider: p, received: [], sent: [] };
      editors.set(Number(req.editor), e);
      p.awareness.setLocalStateField('user', { name: `Editor ${String(req.editor)}` });
      d.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== p) return;
        e.received.push({ update, at: monotonicMs() });
      });
      await synced(p);
      return { clientId: d.clientID };
    }
    case 'seed': {
      const { doc: d } = editorOf(req);
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
      const e = editorOf(req);
      const { doc: d, provider: p } = e;
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
        e.sent.push({ client: d.clientID, clock: Y.getState(d.store, d.clientID), at });
        const pos = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, caret));
        p.awareness.setLocalStateField('cursor', { anchor: pos, head: pos });
        keys++;
      }
      return { keys };
    }
    case 'reset':
      for (const e of editors.values()) [e.received, e.sent] = [[], []];
      gcPauses = [];
      return null;
    case 'gc':
      return gcPauses;
    case 'state':
      // The state vector of each editor here: equal everywhere once every edit arrived.
      return [...editors.values()].map((e) => Buffer.from(Y.encodeStateVector(e.doc)).toString('base64'));
    case 'collect':
      return [...editors.values()].map((e) => ({
        self: e.doc.clientID,
        receipts: receipts(e),
        sent: e.sent,
        digest: createHash('sha256').update(e.doc.getXmlFragment('default').toString()).digest('hex'),
        chars: textChars(e.doc),
      }));
    case 'disconnect': {
      const e = editorOf(req);
      e.provider.destroy();
      e.doc.destroy();
      editors.delete(Number(req.editor));
      return null;
    }
    default:
      throw new Error(`unknown request ${req.cmd}`);
  }
}

serveParent(handle);
