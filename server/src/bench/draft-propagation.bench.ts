/**
 * Benchmark: agreement-draft edit propagation with several editors (real server, real y-websocket
 * endpoint with sealed per-update persistence, Node Yjs clients over loopback WebSockets).
 * Each editor types single characters into its own paragraph; for every edit we time how long
 * until each of the other editors' documents contains it. Two phases: one editor at a time, and
 * all editors typing at once. Results: bench/results/draft-propagation.json.
 */
import * as Y from 'yjs';
import type { CaseDetail } from '@parley/shared';
import { api, consent, signIn, startTestServer, tokenOf } from '../test/harness.ts';
import { provider, synced } from '../test/yjs.ts';
import { pct as pctAt, run, writeResult } from './results.ts';

/** Signalling times are small: keep two decimals. */
const pct = (xs: number[], p: number) => pctAt(xs, p, 2);

const EDITORS = 5;
const EDITS_PER_EDITOR = 60;

async function main() {
  const server = await startTestServer();
  const cookie = await signIn(server);
  const participants = Array.from({ length: EDITORS - 1 }, (_, i) => ({ displayName: `Editor ${i + 1}`, role: 'party', side: i % 2 ? 'B' : 'A' }));
  const detail = (await api<CaseDetail>(server, 'POST', '/api/cases', { cookie, body: { title: 'Bench', participants } })).body;
  const tokens = detail.participants.filter((p) => p.invitation).map((p) => tokenOf(p.invitation!.url));
  for (const t of tokens) await consent(server, t, detail);
  const docName = `case.${detail.id}.agreement`;
  const providers = [provider(server, docName, { cookie }), ...tokens.map((token) => provider(server, docName, { token }))];
  await Promise.all(providers.map((p) => synced(p)));

  // Each editor owns one paragraph (created by editor 0, then synced everywhere).
  const frag0 = providers[0]!.doc.getXmlFragment('default');
  providers[0]!.doc.transact(() => {
    for (let i = 0; i < EDITORS; i++) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('')]);
      frag0.insert(frag0.length, [p]);
    }
  });
  const textOf = (doc: Y.Doc, i: number) => ((doc.getXmlFragment('default').get(i) as Y.XmlElement).get(0) as Y.XmlText);
  await until(() => providers.every((p) => p.doc.getXmlFragment('default').length === EDITORS));

  // Latency of edit k by editor e, seen at editor r: time from insert until r's text length reaches it.
  const pending = new Map<string, number>(); // `${e}:${len}` -> sent time
  const samples: number[] = [];
  providers.forEach((p, r) => {
    p.doc.on('update', () => {
      const t = performance.now();
      for (let e = 0; e < EDITORS; e++) {
        if (e === r) continue;
        const len = textOf(p.doc, e).length;
        const key = `${e}:${len}:${r}`;
        const sent = pending.get(key);
        if (sent !== undefined) {
          samples.push(t - sent);
          pending.delete(key);
        }
      }
    });
  });
  const type = (e: number) => {
    const text = textOf(providers[e]!.doc, e);
    const len = text.length + 1;
    const t = performance.now();
    for (let r = 0; r < EDITORS; r++) if (r !== e) pending.set(`${e}:${len}:${r}`, t);
    text.insert(text.length, 'x');
  };

  // Phase 1: one editor at a time.
  for (let k = 0; k < EDITS_PER_EDITOR; k++) {
    for (let e = 0; e < EDITORS; e++) {
      type(e);
      await until(() => [...pending.keys()].length === 0, 5000);
    }
  }
  const sequential = [...samples];
  samples.length = 0;
  // Phase 2: everyone types at once, ~30 characters per second each.
  for (let k = 0; k < EDITS_PER_EDITOR; k++) {
    for (let e = 0; e < EDITORS; e++) type(e);
    await new Promise((r) => setTimeout(r, 33));
  }
  await until(() => pending.size === 0, 10_000);
  const concurrent = [...samples];
  const converged = providers.every((p) => p.doc.getXmlFragment('default').toString() === providers[0]!.doc.getXmlFragment('default').toString());
  for (const p of providers) p.destroy();
  await server.close();

  const result = {
    at: new Date().toISOString(),
    node: process.version,
    editors: EDITORS,
    editsPerEditorPerPhase: EDITS_PER_EDITOR,
    oneAtATimeMs: { samples: sequential.length, p50: pct(sequential, 50), p99: pct(sequential, 99), max: pct(sequential, 100) },
    allTypingMs: { samples: concurrent.length, p50: pct(concurrent, 50), p99: pct(concurrent, 99), max: pct(concurrent, 100) },
    converged,
    note: 'includes the server sealing and storing every update (one SQLite row per update) before relaying it',
  };
  writeResult('draft-propagation', result);
  if (!converged) throw new Error('documents did not converge');
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setImmediate(r));
  }
}

run(main);
