import { describe, expect, it } from 'vitest';
import {
  describeEntry, isDescribedSpecifically, JOINT_ROOM, parseRecordData, type AgreementVersionView, type CaseDetail, type RecordEntry, type RecordEventType, type RecordVerifyReport,
} from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { api, createCase, joinWithMedia, must, tokenOf, vp8Parameters } from '../test/harness.ts';
import { appendParagraph, provider, synced, until } from '../test/yjs.ts';

/**
 * The session record as a real session writes it: every entry fits its type's schema, and the one
 * translator (shared/src/record-words.ts) gives each its own sentence, never the generic one it
 * keeps for entries that do not fit. Built from real payloads, so a writer that spells a key
 * differently from its schema turns this red.
 */
const live = liveTestServer();

const DEVICE_1 = 'browser-one-0000000001';
const DEVICE_2 = 'browser-two-0000000002';

type RecordView = { entries: RecordEntry[]; verification: RecordVerifyReport };
const readRecord = async (caseId: string) => (await api<RecordView>(live.server, 'GET', `/api/cases/${caseId}/record`, { cookie: live.cookie })).body;
const typesOf = async (caseId: string) => (await readRecord(caseId)).entries.map((e) => e.type);

async function consentToAll(token: string, detail: CaseDetail): Promise<void> {
  const body = { acceptedClauseIds: detail.agreement.clauses.map((c) => c.id), clauseSetHash: detail.clauseSetHash };
  expect((await api(live.server, 'POST', '/api/invitation/consent', { bearer: token, body })).status).toBe(200);
}

/** What the session below produces; the breakdown rungs that need a real network (media lost, grace expired) are left to breakdown.integration.test.ts. */
const PRODUCED: RecordEventType[] = [
  'breakdown.settings-changed', 'consent.recorded', 'participant.joined', 'assessor.present', 'room.created', 'participant.moved', 'room.timer-set',
  'moderation.muted', 'moderation.unmute-asked', 'control.given', 'control.taken', 'share.started', 'share.stopped', 'announcement.sent',
  'breakdown.audio-only', 'breakdown.ice-restarted', 'room.closed', 'session.paused', 'session.resumed', 'breakdown.started', 'breakdown.recovered',
  'participant.link-reused', 'participant.left', 'agreement.frozen', 'agreement.signed', 'agreement.voided',
];

describe('the session record in words', () => {
  it('every entry a session writes fits its type’s schema and has its own sentence', async () => {
    const created = await createCase(live.server, live.cookie, [
      { displayName: 'Ana Party', role: 'party', side: 'A' },
      { displayName: 'Ben Party', role: 'party', side: 'B' },
      { displayName: 'Ida Assessor', role: 'assessor' },
    ], 'Recorded mediation');
    const changed = await api<CaseDetail>(live.server, 'PUT', `/api/cases/${created.id}/breakdown`, { cookie: live.cookie, body: { ...created.breakdown, textFallback: false } });
    expect(changed.status).toBe(200);
    const detail = changed.body;
    const token = (name: string) => tokenOf(detail.participants.find((p) => p.displayName === name)!.invitation!.url);
    const [tA, tB, tI] = [token('Ana Party'), token('Ben Party'), token('Ida Assessor')];
    for (const t of [tA, tB, tI]) await consentToAll(t, detail);

    const m = await live.open({ caseId: detail.id, device: DEVICE_1 }, { cookie: live.cookie });
    const a = await live.open({ token: tA, device: DEVICE_1 });
    const b = await live.open({ token: tB, device: DEVICE_1 });
    const i = await live.open({ token: tI });
    const M = await joinWithMedia(m, 1000);
    const A = await joinWithMedia(a, 2000);
    await joinWithMedia(b, 3000);
    await must(i, 'session:join', {});
    const ids = { m: M.joined.self.id, a: A.joined.self.id };

    // A caucus with Ana (the assessor follows: everyone there agreed), its timer, the mediator's tools.
    const { room } = await must(m, 'room:create', { name: 'Caucus with Ana' });
    await must(m, 'room:move', { participantIds: [ids.a, ids.m], roomId: room.id });
    await must(m, 'room:set-timer', { roomId: room.id, minutes: 15, warnSeconds: 60 });
    await must(m, 'moderation:mute', { participantIds: [ids.a] });
    await must(m, 'moderation:ask-unmute', { participantId: ids.a });
    await must(m, 'control:give', { roomId: room.id, participantId: ids.a });
    await must(m, 'control:take', { roomId: room.id });
    await must(a, 'producer:create', { transportId: A.send.id, kind: 'video', rtpParameters: vp8Parameters(2100), source: 'screen' });
    await must(m, 'moderation:stop-share', { participantId: ids.a });
    await must(m, 'announcement:send', { text: 'Back in five minutes' });
    await must(a, 'media:audio-only', { on: true, reason: 'Your connection is weak.' });
    await must(a, 'transport:restart-ice', { transportId: A.send.id });
    // Closing the caucus the assessor followed the mediator into brings everyone back, the assessor too.
    await must(m, 'room:close', { roomId: room.id });
    await must(m, 'session:pause', {});
    await must(m, 'session:resume', {});

    // Ana's network goes and she is back within the grace period; Ben's link is opened in another browser.
    a.io.engine.close();
    await expect.poll(() => typesOf(detail.id)).toContain('breakdown.started');
    const a2 = await live.open({ token: tA, device: DEVICE_1 });
    await must(a2, 'session:join', {});
    const b2 = await live.open({ token: tB, device: DEVICE_2 });
    await must(b2, 'session:join', {});
    await must(a2, 'session:leave', {});

    // The agreement: frozen, signed by Ana, then voided by an edit before Ben signed.
    const draft = provider(live.server, `case.${detail.id}.agreement`, { cookie: live.cookie });
    await synced(draft);
    appendParagraph(draft.doc, 'Ana keeps the boat; Ben keeps the mooring.');
    let frozen: AgreementVersionView | null = null;
    await until(async () => {
      const r = await api<{ current: AgreementVersionView | null }>(live.server, 'POST', `/api/cases/${detail.id}/agreement/freeze`, { cookie: live.cookie });
      frozen = r.body.current;
      return r.status === 200 && !!frozen?.text.includes('mooring');
    });
    const v = frozen! as AgreementVersionView;
    const signed = await api(live.server, 'POST', '/api/invitation/agreement/sign', { bearer: tA, body: { versionId: v.id, textHash: v.textHash, confirm: true } });
    expect(signed.status).toBe(200);
    appendParagraph(draft.doc, 'Each side bears its own costs.');
    await expect.poll(() => typesOf(detail.id)).toContain('agreement.voided');
    draft.destroy();

    const { entries, verification } = await readRecord(detail.id);
    expect(verification).toEqual({ valid: true, entries: entries.length, problems: [] });
    expect([...new Set(entries.map((e) => e.type))].sort()).toEqual(expect.arrayContaining([...PRODUCED].sort()));
    for (const e of entries) {
      expect(parseRecordData(e.type, e.data), `entry ${e.seq} (${e.type}) fits its schema: ${JSON.stringify(e.data)}`).not.toBeNull();
      expect(isDescribedSpecifically(e), `entry ${e.seq} (${e.type}) has its own sentence`).toBe(true);
    }

    const said = entries.map((e) => describeEntry(e));
    expect(said).toEqual(
      expect.arrayContaining([
        'Mediator changed the breakdown procedure (everyone is asked to consent again)',
        'Ida Assessor began observing in “Joint room”',
        'Mediator opened the room “Caucus with Ana”',
        expect.stringMatching(/^Mediator moved (Ana Party and .+|.+ and Ana Party) to “Caucus with Ana”$/),
        'Ida Assessor followed the mediator into “Caucus with Ana”',
        'Mediator set a 15-minute timer in “Caucus with Ana”',
        'Mediator muted Ana Party',
        'Mediator asked Ana Party to unmute',
        'Mediator gave control of “Caucus with Ana” to Ana Party',
        'Mediator took back control of “Caucus with Ana”',
        'Ana Party started sharing their screen in “Caucus with Ana”',
        'Mediator stopped the screen share of Ana Party in “Caucus with Ana”',
        'Mediator announced to everyone: “Back in five minutes”',
        'Ana Party continued with audio only (Your connection is weak.)',
        'Ana Party had their audio and video connection restarted',
        'Mediator closed the room “Caucus with Ana”',
        'Mediator paused the joint session',
        expect.stringMatching(/^Mediator resumed the joint session after a pause of \d+ seconds?$/),
        expect.stringMatching(/^Ana Party lost their connection \(.+\)$/),
        expect.stringMatching(/^Ana Party was back after \d+ seconds?, by reconnecting$/),
        'Ben Party was disconnected because their invitation link was opened in another browser or device',
        'Ana Party left the session',
        `Mediator froze version ${v.version} of the agreement for signing`,
        `Ana Party signed version ${v.version} of the agreement`,
        `Version ${v.version} of the agreement was withdrawn (edited after freeze)`,
      ]),
    );
  }, 30_000);
});
