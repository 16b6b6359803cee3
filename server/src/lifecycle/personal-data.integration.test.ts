import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCode, PersonalDataExport, type WireError } from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { api, must, nextEvent } from '../test/harness.ts';

/**
 * A person's own data from their link [issue 15, item 3], against the real server: what they wrote
 * and did is there, and nothing anyone else wrote, least of all in a caucus they were never in.
 */
const live = liveTestServer();
const ANA_SAYS = 'I would accept the fence if the hedge stays.';
const BEN_SAYS_JOINT = 'The hedge blocks my light.';
const BEN_SAYS_CAUCUS = 'Between us: I could pay half of the new fence.';
const MEDIATOR_SAYS = 'Ana, a word in private about the deadline.';

async function caseWithMessages() {
  const s = await live.threeInSession();
  const { m, a, b, ids } = s;
  const joint = (await must(a, 'thread:list', {})).threads.find((t) => t.kind === 'joint')!;
  await must(a, 'message:send', { threadId: joint.id, body: ANA_SAYS, clientId: randomUUID() });
  await must(b, 'message:send', { threadId: joint.id, body: BEN_SAYS_JOINT, clientId: randomUUID() });
  const { room } = await must(m, 'room:create', { name: 'Ben and the mediator' });
  const added = nextEvent(b, 'thread:added');
  await must(m, 'room:move', { participantIds: [ids.b], roomId: room.id });
  await must(b, 'message:send', { threadId: (await added).id, body: BEN_SAYS_CAUCUS, clientId: randomUUID() });
  const privateToAna = (await must(m, 'thread:list', {})).threads.find((t) => t.kind === 'private' && t.members.some((p) => p.id === ids.a))!;
  await must(m, 'message:send', { threadId: privateToAna.id, body: MEDIATOR_SAYS, clientId: randomUUID() });
  return s;
}

describe('a person’s own data', () => {
  it('holds what they wrote and did, and nothing the others wrote or said in a caucus', async () => {
    const { tA, ids, detail } = await caseWithMessages();
    const r = await api<PersonalDataExport>(live.server, 'GET', '/api/invitation/my-data', { bearer: tA });
    expect(r.status).toBe(200);
    const data = PersonalDataExport.parse(r.body);
    expect(data.person).toMatchObject({ id: ids.a, displayName: 'Ana Party', role: 'party' });
    expect(data.case).toMatchObject({ id: detail.id, state: 'open' });
    expect(data.messages.map((x) => [x.thread, x.body])).toEqual([['Joint thread', ANA_SAYS]]);
    expect(data.consents).toEqual([expect.objectContaining({ clauseSetHash: detail.clauseSetHash, withdrawnAt: null })]);
    expect(data.record.map((e) => e.type)).toContain('participant.joined');
    expect(data.record.every((e) => e.sentence.startsWith('Ana Party'))).toBe(true);
    const all = JSON.stringify(r.body);
    for (const other of [BEN_SAYS_JOINT, BEN_SAYS_CAUCUS, MEDIATOR_SAYS, 'Ben and the mediator']) expect(all).not.toContain(other);
  });

  it('downloads as a page to read and print, with the same content', async () => {
    const { tA } = await caseWithMessages();
    const res = await fetch(`${live.server.url}/api/invitation/my-data/export`, { headers: { authorization: `Bearer ${tA}` } });
    expect(res.headers.get('content-disposition')).toContain('my-parley-data.html');
    const html = await res.text();
    expect(html).toContain('I would accept the fence if the hedge stays.');
    expect(html).not.toContain('Between us');
    expect(html).not.toContain('<script');
  });

  it('stays available after the case concluded, until the access period ends', async () => {
    const { tA, tB, detail } = await caseWithMessages();
    await api(live.server, 'POST', `/api/cases/${detail.id}/conclude`, { cookie: live.cookie, body: { outcome: 'no-agreement', reason: 'Ended.', partyAccessDays: 5 } });
    const r = await api<PersonalDataExport>(live.server, 'GET', '/api/invitation/my-data', { bearer: tA });
    expect(r.body.case.state).toBe('concluded');
    expect(r.body.messages).toHaveLength(1);
    await api(live.server, 'POST', `/api/cases/${detail.id}/archive`, { cookie: live.cookie });
    const closed = await api<{ error: WireError }>(live.server, 'GET', '/api/invitation/my-data', { bearer: tB });
    expect([closed.status, closed.body.error.code]).toEqual([410, ErrorCode.CaseClosed]);
  });
});
