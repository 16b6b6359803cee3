import { describe, expect, it } from 'vitest';
import { CloseCode, waitingRoomOf } from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { api, must, nextEvent, recorder, request } from '../test/harness.ts';

/**
 * "End the session for everyone" against the real server and worker, with raw clients: only the
 * mediator may, bad requests change nothing, and afterwards the server, not the client, keeps
 * everyone apart or out (issue 13).
 */
const live = liveTestServer();

async function endedEntries(caseId: string): Promise<unknown[]> {
  const r = await api<{ entries: Array<{ type: string; data: unknown }> }>(live.server, 'GET', `/api/cases/${caseId}/record`, { cookie: live.cookie });
  return r.body.entries.filter((e) => e.type === 'session.ended').map((e) => e.data);
}

describe('ending the session for everyone', () => {
  it('a party cannot, and a bad request from the mediator changes nothing', async () => {
    const { m, a, M, B, ids, receives } = await live.threeInSession();
    await expect.poll(() => receives(ids.a)).toEqual([M.mic, M.cam, B.mic, B.cam].sort());
    expect(await request(a, 'session:end', { to: 'out', reason: 'I want to stop' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(m, 'session:end', { to: 'out', reason: '   ' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await request(m, 'session:end', { to: 'elsewhere', reason: 'x' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await request(m, 'session:end', { to: 'out', reason: 'x'.repeat(301) })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // Still in session with everyone's media (a request answered after these shows the socket is alive).
    expect(await must(a, 'session:leave', {})).toEqual({ left: true });
    await expect.poll(() => receives(ids.m)).toEqual([B.mic, B.cam].sort());
  });

  it('back to the waiting room: no media either way any more, everyone is told why, and the record says who went back', async () => {
    const { m, a, b, M, A, ids, receives, detail } = await live.threeInSession();
    await expect.poll(() => receives(ids.b)).toEqual([M.mic, M.cam, A.mic, A.cam].sort());
    const told = nextEvent(a, 'session:ended');
    const bLog = recorder(b);
    expect(await must(m, 'session:end', { to: 'waiting-room', reason: 'we continue one by one' })).toEqual({ affected: 2 });
    expect(await told).toEqual({ to: 'waiting-room', reason: 'we continue one by one', by: expect.objectContaining({ id: ids.m }) });
    await expect.poll(() => [receives(ids.a), receives(ids.b), receives(ids.m)]).toEqual([[], [], []]);
    await expect.poll(() => bLog.some((e) => e.event === 'participant:updated' && e.payload.id === ids.b && e.payload.roomId === waitingRoomOf(ids.b))).toBe(true);
    expect(await endedEntries(detail.id)).toEqual([{ outcome: 'back-to-waiting-room', participants: ['Ana Party', 'Ben Party'], reason: 'we continue one by one' }]);
    // From there, a party can no longer act on the joint room.
    expect(await request(a, 'control:request', { roomId: 'joint' })).toMatchObject({ ok: false });
  });

  it('out: every connection is closed with the reason, the mediator’s too, and the record says so', async () => {
    const { m, a, b, detail } = await live.threeInSession();
    const closedA = nextEvent(a, 'session:closed');
    const closedM = nextEvent(m, 'session:closed');
    const goneB = new Promise<void>((resolve) => b.once('disconnect', () => resolve()));
    await request(m, 'session:end', { to: 'out', reason: 'time is up' });
    expect(await closedA).toEqual({ code: CloseCode.SessionEnded, message: expect.stringContaining('“time is up”') });
    expect(await closedM).toEqual({ code: CloseCode.SessionEnded, message: 'You ended the session for everyone: “time is up”' });
    await goneB;
    expect(await endedEntries(detail.id)).toEqual([{ outcome: 'disconnected', participants: ['Ana Party', 'Ben Party'], reason: 'time is up' }]);
    expect(live.server.sfu.getCase(detail.id)).toBeUndefined();
  });
});
