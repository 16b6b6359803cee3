import { describe, expect, it } from 'vitest';
import type { RecordEntry, RecordExport } from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { api, consent, createCase, must, nextEvent, recorder, tokenOf, vp8Parameters } from '../test/harness.ts';

/**
 * What carries over when someone comes back or their link is used again, against the real server:
 * the announcements they may read, the mediator's notice of a link opened elsewhere, and the
 * session record of shares that end without anyone pressing "Stop sharing".
 */
const live = liveTestServer();

const DEVICE_1 = 'browser-one-0000000001';
const DEVICE_2 = 'browser-two-0000000002';

async function record(caseId: string): Promise<RecordEntry[]> {
  const r = await api<RecordExport>(live.server, 'GET', `/api/cases/${caseId}/record`, { cookie: live.cookie });
  return r.body.entries;
}

/** A new case with the mediator and Ana joined, Ana on the browser `device`. */
async function mediatorAndAna(device: string) {
  const detail = await createCase(live.server, live.cookie);
  const tA = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
  const tB = tokenOf(detail.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);
  await consent(live.server, tA, detail);
  await consent(live.server, tB, detail);
  const m = await live.open({ caseId: detail.id, device: DEVICE_1 }, { cookie: live.cookie });
  await must(m, 'session:join', {});
  const a = await live.open({ token: tA, device });
  const joined = await must(a, 'session:join', {});
  return { detail, tA, tB, m, a, anaId: joined.self.id };
}

describe('announcements on (re)joining', () => {
  it('a party who reloads gets the announcements of this session in the join snapshot; another case’s do not reach them', async () => {
    const { tA, m, a } = await mediatorAndAna(DEVICE_1);
    const heard = nextEvent(a, 'announcement:made');
    await must(m, 'announcement:send', { text: 'Back in 2 minutes.' });
    expect((await heard).text).toBe('Back in 2 minutes.');
    await must(m, 'announcement:send', { text: 'We continue now.' });

    // The same mediator runs a second case at the same time and announces something there.
    const other = await mediatorAndAna(DEVICE_2);
    await must(other.m, 'announcement:send', { text: 'Only for the other case.' });

    a.close(); // a reload: the page goes away without a goodbye
    const again = await live.open({ token: tA, device: DEVICE_1 });
    const back = await must(again, 'session:join', {});
    expect(back.announcements.map((x) => x.text)).toEqual(['We continue now.', 'Back in 2 minutes.']);
    expect(back.announcements[0]).toMatchObject({ from: { displayName: expect.any(String) }, at: expect.any(String) });

    // Someone who arrives late in the other case reads only that case's announcement.
    const ben = await live.open({ token: other.tB });
    const late = await must(ben, 'session:join', {});
    expect(late.announcements.map((x) => x.text)).toEqual(['Only for the other case.']);
  });
});

describe('an invitation link opened again', () => {
  it('in another browser: the earlier connection is told the truth, the mediator is told, and the record keeps it', async () => {
    const { detail, tA, m, a, anaId } = await mediatorAndAna(DEVICE_1);
    const mLog = recorder(m);
    const closed = nextEvent(a, 'session:closed');
    const notice = nextEvent(m, 'participant:link-reused');
    const elsewhere = await live.open({ token: tA, device: DEVICE_2 });
    await must(elsewhere, 'session:join', {});

    expect(await closed).toMatchObject({ code: 4408, message: expect.stringContaining('If that was not you, tell your mediator.') });
    expect(await notice).toMatchObject({ participant: { id: anaId, displayName: 'Ana Party' } });
    const entry = (await record(detail.id)).find((e) => e.type === 'participant.link-reused');
    expect(entry).toMatchObject({ actor: null, data: { participant: 'Ana Party', room: 'Joint room' } });
    // Ana is still one person in the session, on the new connection.
    expect(mLog.some((e) => e.event === 'participant:left')).toBe(false);
  });

  it('in the same browser (a reload, a second tab): the old tab is replaced without alarming the mediator', async () => {
    const { detail, tA, m, a } = await mediatorAndAna(DEVICE_1);
    const mLog = recorder(m);
    const closed = nextEvent(a, 'session:closed');
    const secondTab = await live.open({ token: tA, device: DEVICE_1 });
    await must(secondTab, 'session:join', {});
    expect((await closed).code).toBe(4409);

    // A positive signal that the mediator has heard everything about the takeover (the replaced
    // connection's presence update), then the absence of a notice.
    await expect.poll(() => mLog.some((e) => e.event === 'participant:updated')).toBe(true);
    await must(m, 'announcement:send', { text: 'Sync point.' });
    await expect.poll(() => mLog.some((e) => e.event === 'announcement:made')).toBe(true);
    expect(mLog.some((e) => e.event === 'participant:link-reused')).toBe(false);
    expect((await record(detail.id)).some((e) => e.type === 'participant.link-reused')).toBe(false);
  });

  it('without a browser id (not our page): counts as another browser', async () => {
    const { tA, m } = await mediatorAndAna(DEVICE_1);
    const notice = nextEvent(m, 'participant:link-reused');
    const unknown = await live.open({ token: tA });
    await must(unknown, 'session:join', {});
    expect((await notice).participant.displayName).toBe('Ana Party');
  });

  it('refuses a malformed browser id at the handshake', async () => {
    const { tA } = await mediatorAndAna(DEVICE_1);
    await expect(live.open({ token: tA, device: 'x' })).rejects.toMatchObject({ data: { code: 'bad_request' } });
  });
});

describe('screen shares in the session record', () => {
  const transports = new Map<unknown, string>();
  async function shareFrom(s: Awaited<ReturnType<typeof live.open>>, ssrc: number) {
    if (!transports.has(s)) transports.set(s, (await must(s, 'transport:create', { direction: 'send' })).id);
    const { producerId } = await must(s, 'producer:create', { transportId: transports.get(s)!, kind: 'video', rtpParameters: vp8Parameters(ssrc), source: 'screen' });
    return producerId;
  }
  const stops = async (caseId: string) => (await record(caseId)).filter((e) => e.type === 'share.stopped').map((e) => ({ who: e.actor?.displayName ?? null, ...e.data }));

  it('records the end of a share: stopped by the sharer, by the mediator, on a move, on leaving and on a lost connection', async () => {
    const { detail, m, a, tA, anaId } = await mediatorAndAna(DEVICE_1);
    // 1. Ana stops her own share.
    await must(a, 'producer:close', { producerId: await shareFrom(a, 7000) });
    // 2. The mediator stops it.
    await shareFrom(a, 7100);
    await must(m, 'moderation:stop-share', { participantId: anaId });
    // 3. Ana is moved to a caucus while sharing.
    await shareFrom(a, 7200);
    const { room } = await must(m, 'room:create', { name: 'Caucus with Ana' });
    await must(m, 'room:move', { participantIds: [anaId], roomId: room.id });
    // 4. Her connection drops while sharing.
    await shareFrom(a, 7300);
    a.io.engine.close();
    await expect.poll(async () => (await stops(detail.id)).length).toBe(4);
    // 5. She comes back, shares, and leaves.
    const back = await live.open({ token: tA, device: DEVICE_1 });
    await must(back, 'session:join', {});
    await shareFrom(back, 7400);
    await must(back, 'session:leave', {});

    const entries = await record(detail.id);
    const types = entries.map((e) => e.type);
    // The share's end comes before the leave, while the record still places Ana in her room.
    expect(types.lastIndexOf('share.stopped')).toBeLessThan(types.lastIndexOf('participant.left'));
    expect(await stops(detail.id)).toEqual([
      { who: 'Ana Party', participant: 'Ana Party', room: 'Joint room' },
      { who: expect.any(String), participant: 'Ana Party', room: 'Joint room' },
      { who: 'Ana Party', participant: 'Ana Party', room: 'Joint room', reason: 'moved to another room' },
      { who: 'Ana Party', participant: 'Ana Party', room: 'Caucus with Ana', reason: 'connection lost' },
      { who: 'Ana Party', participant: 'Ana Party', room: 'Caucus with Ana', reason: 'left the session' },
    ]);
    expect(entries.filter((e) => e.type === 'share.stopped')[1]!.actor?.role).toBe('mediator');
  });
});
