import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, JOINT_ROOM, type RecordEntry, type RecordExport } from '@parley/shared';
import { api, connect, consent, createCase, joinWithMedia, must, nextEvent, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';

/**
 * The mediasoup worker carrying a live case is killed (SIGKILL, as the kernel's OOM killer would)
 * in a three-person session with a caucus and a mediator's mute. The case moves to a worker that is
 * alive (the other one, or with a single worker its replacement on the same port); everyone is told
 * to reconnect (4503) and, on rejoining, is back where they were: the party in her caucus, the muted
 * party still muted, media flowing on the new worker. Raw socket.io clients with fabricated RTP
 * parameters, against the real server and real workers.
 */
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function record(server: Awaited<ReturnType<typeof startTestServer>>, cookie: string, caseId: string): Promise<RecordEntry[]> {
  return (await api<RecordExport>(server, 'GET', `/api/cases/${caseId}/record`, { cookie })).body.entries;
}

async function crashDuringSession(workers: number) {
  const server = await startTestServer({ PARLEY_WORKERS: String(workers) });
  const sockets: ClientSocket[] = [];
  stop = async () => {
    for (const s of sockets) s.close();
    await server.close();
  };
  const cookie = await signIn(server);
  const detail = await createCase(server, cookie);
  const tA = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
  const tB = tokenOf(detail.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);
  await consent(server, tA, detail);
  await consent(server, tB, detail);
  const open = async (auth: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const s = await connect(server, auth, headers);
    sockets.push(s);
    return s;
  };
  const creds = { m: [{ caseId: detail.id }, { cookie }], a: [{ token: tA }, {}], b: [{ token: tB }, {}] } as const;
  const everyone = async () => {
    const m = await open(...creds.m);
    const a = await open(...creds.a);
    const b = await open(...creds.b);
    return { m, a, b };
  };

  const before = await everyone();
  const M = await joinWithMedia(before.m, 1000);
  const A = await joinWithMedia(before.a, 2000);
  const B = await joinWithMedia(before.b, 3000);
  for (const [s, j] of [[before.m, M], [before.a, A], [before.b, B]] as const) await must(s, 'media:ready', { rtpCapabilities: j.joined.routerRtpCapabilities as never });
  const ids = { m: M.joined.self.id, a: A.joined.self.id, b: B.joined.self.id };
  const { room } = await must(before.m, 'room:create', { name: 'Caucus with Ana' });
  await must(before.m, 'room:move', { participantIds: [ids.a], roomId: room.id });
  await must(before.m, 'moderation:mute', { participantIds: [ids.b] });

  const old = server.sfu.getCase(detail.id)!;
  const killedPid = old.worker.pid;
  const told = (['m', 'a', 'b'] as const).map((k) => nextEvent(before[k], 'session:closed', 15_000));
  const gone = (['m', 'a', 'b'] as const).map((k) => new Promise<void>((r) => before[k].once('disconnect', () => r())));
  process.kill(killedPid, 'SIGKILL');
  for (const t of await Promise.all(told)) expect(t.code).toBe(CloseCode.ServerRestart);
  await Promise.all(gone);

  // Each client rejoins by itself (the browser client does this on any non-terminal close).
  const after = await everyone();
  const M2 = await joinWithMedia(after.m, 1100);
  const A2 = await joinWithMedia(after.a, 2100);
  const B2 = await joinWithMedia(after.b, 3100);
  for (const [s, j] of [[after.m, M2], [after.a, A2], [after.b, B2]] as const) await must(s, 'media:ready', { rtpCapabilities: j.joined.routerRtpCapabilities as never });
  const media = server.sfu.getCase(detail.id)!;
  return { server, cookie, detail, ids, room, killedPid, media, M2, A2, B2 };
}

describe('a media worker dies during a session', () => {
  for (const workers of [2, 1]) {
    it(`with ${workers} worker(s): everyone is back in the room they were in, the mute holds, and media flows on a live worker`, async () => {
      const { server, cookie, detail, ids, room, killedPid, media, M2, A2, B2 } = await crashDuringSession(workers);
      expect(media.closed).toBe(false);
      expect(media.worker.pid).not.toBe(killedPid);
      expect(media.worker.closed).toBe(false);

      // Ana is still in her caucus, and the mediator still sees it; Ben is in the joint room, still muted.
      expect(A2.joined.self.roomId).toBe(room.id);
      expect(M2.joined.rooms.map((r) => r.id)).toContain(room.id);
      expect(B2.joined.self.roomId).toBe(JOINT_ROOM);
      expect(B2.joined.self.micHeldBy?.id).toBe(ids.m);
      expect(M2.joined.participants.find((p) => p.id === ids.a)?.roomId).toBe(room.id);

      // Media follows the rooms on the new worker: the joint room hears each other, the caucus is apart.
      const receives = (pid: string) => media.consumedProducerIds(pid).sort();
      expect(receives(ids.m)).toEqual([B2.mic, B2.cam].sort());
      expect(receives(ids.b)).toEqual([M2.mic, M2.cam].sort());
      expect(receives(ids.a)).toEqual([]);
      // Ben's microphone is held on the new worker too: it starts paused there, his camera does not.
      const bens = (id: string) => media.producersOf(ids.b).find((p) => p.producerId === id);
      expect(bens(B2.mic)?.paused).toBe(true);
      expect(bens(B2.cam)?.paused).toBe(false);
      expect(media.isHeld(ids.b, 'mic')).toBe(true);

      // The record tells it as it was: each person's media dropped and came back, nobody left.
      const entries = await record(server, cookie, detail.id);
      const started = entries.filter((e) => e.type === 'breakdown.started');
      expect(started).toHaveLength(3);
      expect(started.every((e) => (e.data as { cause: string }).cause === 'the media server restarted')).toBe(true);
      expect(entries.filter((e) => e.type === 'breakdown.recovered')).toHaveLength(3);
      expect(entries.some((e) => e.type === 'participant.left')).toBe(false);
    });
  }
});
