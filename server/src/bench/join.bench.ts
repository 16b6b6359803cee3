/**
 * Benchmark: how long signalling takes a participant from `session:join` to receiving everyone's
 * media (real server, real mediasoup worker, socket.io over loopback; RTP parameters fabricated,
 * so this measures signalling + SFU object creation, not ICE/DTLS). Also the cost of verifying an
 * invitation token, which every handshake and join pays. Results: bench/results/join.json.
 */
import type { CaseDetail } from '@parley/shared';
import { api, connect, consent, fakeDtls, must, opusParameters, signIn, startTestServer, tokenOf, vp8Parameters, type ClientSocket } from '../test/harness.ts';
import { getSodium } from '../crypto/sodium.ts';
import { Keyring } from '../crypto/Keyring.ts';
import { signInvite, verifyInvite } from '../crypto/tokens.ts';
import { pct as pctAt, run, writeResult } from './results.ts';

/** Signalling times are small: keep two decimals. */
const pct = (xs: number[], p: number) => pctAt(xs, p, 2);

const ROUNDS = 30;
const PRESENT = 4; // people already in the room when the measured person joins

async function setupMedia(s: ClientSocket, ssrc: number) {
  const j = await must(s, 'session:join', {});
  const send = await must(s, 'transport:create', { direction: 'send' });
  await must(s, 'transport:create', { direction: 'recv' });
  await must(s, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtls });
  await must(s, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters: opusParameters(ssrc), source: 'mic' });
  await must(s, 'producer:create', { transportId: send.id, kind: 'video', rtpParameters: vp8Parameters(ssrc + 1), source: 'camera' });
  return must(s, 'media:ready', { rtpCapabilities: j.routerRtpCapabilities as never });
}

async function main() {
  const server = await startTestServer();
  const cookie = await signIn(server);
  const participants = Array.from({ length: PRESENT + 1 }, (_, i) => ({ displayName: `Person ${i}`, role: 'party', side: i % 2 ? 'B' : 'A' }));
  const created = await api<CaseDetail>(server, 'POST', '/api/cases', { cookie, body: { title: 'Bench', participants, waitingRoom: false } }); // joins measured straight into the joint room
  const detail = created.body;
  const tokens = detail.participants.filter((p) => p.role === 'party').map((p) => tokenOf(p.invitation!.url));
  for (const t of tokens) await consent(server, t, detail);

  const present: ClientSocket[] = [];
  for (let i = 0; i < PRESENT; i++) {
    const s = await connect(server, { token: tokens[i]! });
    await setupMedia(s, 10_000 + i * 10);
    present.push(s);
  }

  const joinToMedia: number[] = [];
  const handshake: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const s = await connect(server, { token: tokens[PRESENT]! });
    const t1 = performance.now();
    const ready = await setupMedia(s, 50_000 + r * 10);
    const t2 = performance.now();
    if (ready.consumers !== PRESENT * 2) throw new Error(`expected ${PRESENT * 2} consumers, got ${ready.consumers}`);
    handshake.push(t1 - t0);
    joinToMedia.push(t2 - t1);
    s.disconnect();
    await new Promise((res) => setTimeout(res, 30));
  }

  // Token verification cost (Ed25519 verify + parse), for comparison with a whole join.
  const sodium = await getSodium();
  const keys = Keyring.create(sodium, sodium.crypto_secretbox_keygen(), undefined, () => undefined);
  const now = Math.floor(Date.now() / 1000);
  const token = signInvite(keys, { v: 1, typ: 'invite', cid: 'case_12345678', pid: 'part_12345678', role: 'party', jti: 'jti_12345678', iat: now, exp: now + 3600 });
  const N = 2000;
  const v0 = performance.now();
  for (let i = 0; i < N; i++) verifyInvite(keys, token);
  const verifyMs = (performance.now() - v0) / N;

  for (const s of present) s.close();
  await server.close();

  const result = {
    at: new Date().toISOString(),
    node: process.version,
    machine: { cores: (await import('node:os')).availableParallelism() },
    rounds: ROUNDS,
    alreadyPresent: PRESENT,
    handshakeMs: { p50: pct(handshake, 50), p95: pct(handshake, 95) },
    joinToAllConsumersMs: { p50: pct(joinToMedia, 50), p95: pct(joinToMedia, 95), max: pct(joinToMedia, 100) },
    tokenVerifyMs: Math.round(verifyMs * 1000) / 1000,
    ratio_joinP50_to_tokenVerify: Math.round(pct(joinToMedia, 50) / verifyMs),
  };
  writeResult('join', result);
}

run(main);
