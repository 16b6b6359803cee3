import { describe, expect, it } from 'vitest';
import { waitingRoomOf, type CaseDetail } from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { api, must, recorder, request } from '../test/harness.ts';

/**
 * The waiting room against the real server and worker, with raw clients: until the mediator lets
 * them in, a party receives nobody's media and learns nothing of the joint room (issue 13).
 */
const live = liveTestServer();

const withWaitingRoom = async (detail: CaseDetail): Promise<CaseDetail> => {
  const r = await api<CaseDetail>(live.server, 'PUT', `/api/cases/${detail.id}/waiting-room`, { cookie: live.cookie, body: { on: true } });
  expect(r.status).toBe(200);
  expect(r.body.waitingRoom).toBe(true);
  return r.body;
};

/** The case's session record, as the mediator reads it. */
async function recordOf(cookie: string, caseId: string): Promise<Array<{ type: string; data: unknown }>> {
  return (await api<{ entries: Array<{ type: string; data: unknown }> }>(live.server, 'GET', `/api/cases/${caseId}/record`, { cookie })).body.entries;
}

describe('waiting room', () => {
  it('parties who join wait apart: no media either way, no joint room, the others only as present', async () => {
    const { a, b, A, B, ids, receives } = await live.threeInSession(withWaitingRoom);
    expect(A.joined.self.roomId).toBe(waitingRoomOf(ids.a));
    expect(B.joined.self.roomId).toBe(waitingRoomOf(ids.b));
    // Nothing of the joint room: no room, and everyone else without room or media details.
    expect(A.joined.rooms).toEqual([]);
    for (const p of A.joined.participants.filter((x) => x.id !== ids.a)) expect(p).toMatchObject({ roomId: null, mic: 'none', camera: 'none', cameras: [] });
    // The server created no consumer for either of them, and none of theirs for anyone.
    expect(receives(ids.a)).toEqual([]);
    expect(receives(ids.b)).toEqual([]);
    expect(receives(ids.m)).toEqual([]);
    // A raw client cannot act on a room from there, nor let themselves in.
    expect(await request(a, 'room:admit', { participantIds: [ids.a] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(b, 'room:open-joint', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(a, 'control:request', { roomId: 'joint' })).toMatchObject({ ok: false });
    expect(receives(ids.a)).toEqual([]);
  });

  it('the mediator lets one party in: only they get media, and the other still waits with nothing', async () => {
    const { m, b, M, A, ids, receives, detail } = await live.threeInSession(withWaitingRoom);
    const bLog = recorder(b);
    expect(await must(m, 'room:admit', { participantIds: [ids.a] })).toEqual({ admitted: 1 });
    await expect.poll(() => receives(ids.a)).toEqual([M.mic, M.cam].sort());
    expect(receives(ids.m)).toEqual([A.mic, A.cam].sort());
    expect(receives(ids.b)).toEqual([]);
    // The record says who was let in, and from where.
    await expect.poll(async () => (await recordOf(live.cookie, detail.id)).filter((e) => e.type === 'participant.moved').map((e) => e.data)).toEqual([
      { room: 'Joint room', participants: ['Ana Party'], reason: 'let in from the waiting room' },
    ]);
    // Admitting someone who is not waiting changes nothing.
    expect(await request(m, 'room:admit', { participantIds: [ids.a] })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Ben heard that Ana moved, without where to.
    await expect.poll(() => bLog.some((e) => e.event === 'participant:updated' && e.payload.id === ids.a)).toBe(true);
    expect(bLog.filter((e) => e.event === 'participant:updated').every((e) => e.payload.id === ids.b || e.payload.roomId === null)).toBe(true);
    expect(bLog.some((e) => e.event === 'room:updated' || e.event === 'consumer:receive')).toBe(false);
  });

  it('opening the joint room lets everyone in, and the case setting turned off does the same', async () => {
    const first = await live.threeInSession(withWaitingRoom);
    expect(await must(first.m, 'room:open-joint', {})).toEqual({ admitted: 2 });
    await expect.poll(() => first.receives(first.ids.b)).toEqual([first.M.mic, first.M.cam, first.A.mic, first.A.cam].sort());

    const second = await live.threeInSession(withWaitingRoom);
    await api(live.server, 'PUT', `/api/cases/${second.detail.id}/waiting-room`, { cookie: live.cookie, body: { on: false } });
    await expect.poll(() => second.receives(second.ids.a)).toEqual([second.M.mic, second.M.cam, second.B.mic, second.B.cam].sort());
    // Both changes of the setting are in the record, with who made them.
    await expect.poll(async () => (await recordOf(live.cookie, second.detail.id)).filter((e) => e.type === 'room.waiting-changed').map((e) => e.data)).toEqual([{ on: true }, { on: false }]);
  });
});
