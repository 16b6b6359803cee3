import { describe, expect, it } from 'vitest';
import { liveTestServer } from '../test/live-server.ts';
import type { CaseDetail } from '@parley/shared';
import { api, consent, createCase, must, nextEvent, recorder, tokenOf } from '../test/harness.ts';

/**
 * A mediator in a live session hears at once when someone declines the protocol agreement, asks
 * about it or withdraws their consent (issue 13, scope 5) — and only the mediator: the other
 * party's connection carries none of it. Raw clients against the real server and worker.
 */
const live = liveTestServer();

describe('answers about the protocol agreement during a live session', () => {
  it('a withdrawal reaches the mediator with who and why', async () => {
    const { m, tA, ids } = await live.threeInSession();
    const told = nextEvent(m, 'consent:answered');
    expect((await api(live.server, 'POST', '/api/invitation/consent/withdraw', { bearer: tA, body: { reason: 'I need a lawyer first.' } })).status).toBe(200);
    expect(await told).toMatchObject({ kind: 'withdrawn', participantId: ids.a, displayName: 'Ana Party', role: 'party', text: 'I need a lawyer first.', answeredAt: null, current: true });
  });

  it('a question reaches the mediator and not the other party', async () => {
    const { m, b, tA, ids } = await live.threeInSession();
    const bLog = recorder(b);
    const told = nextEvent(m, 'consent:answered');
    expect((await api(live.server, 'POST', '/api/invitation/consent/question', { bearer: tA, body: { question: 'Who pays the interpreter?' } })).status).toBe(200);
    expect(await told).toMatchObject({ kind: 'question', participantId: ids.a, text: 'Who pays the interpreter?' });
    // An answer to Ben after the mediator was told: anything sent to Ben with it would have arrived first.
    await must(b, 'thread:list', {});
    expect(bLog.filter((e) => e.event === 'consent:answered')).toEqual([]);
  });

  it('a mediator who joins later is shown the open ones, and a party none; answered and settled ones are gone', async () => {
    const detail = await createCase(live.server, live.cookie);
    const token = (name: string) => tokenOf(detail.participants.find((p) => p.displayName === name)!.invitation!.url);
    const [tA, tB] = [token('Ana Party'), token('Ben Party')];
    await consent(live.server, tA, detail);
    await consent(live.server, tB, detail);
    await api(live.server, 'POST', '/api/invitation/consent/withdraw', { bearer: tA, body: { reason: 'I need a lawyer first.' } });
    const asked = await api<{ answers: Array<{ id: string }> }>(live.server, 'POST', '/api/invitation/consent/question', { bearer: tB, body: { question: 'Who pays?' } });
    const joinAsMediator = async () => (await must(await live.open({ caseId: detail.id }, { cookie: live.cookie }), 'session:join', {})).consentAnswers;
    expect((await joinAsMediator()).map((a) => [a.displayName, a.kind, a.text])).toEqual([
      ['Ben Party', 'question', 'Who pays?'],
      ['Ana Party', 'withdrawn', 'I need a lawyer first.'],
    ]);
    // Ben, who asked, is told nothing of anyone's answers at his join.
    expect((await must(await live.open({ token: tB }), 'session:join', {})).consentAnswers).toEqual([]);
    // The question answered and Ana's consent given again: nothing is open any more.
    await api<CaseDetail>(live.server, 'POST', `/api/cases/${detail.id}/consent-answers/${asked.body.answers[0]!.id}/answered`, { cookie: live.cookie });
    await consent(live.server, tA, detail);
    expect(await joinAsMediator()).toEqual([]);
  });
});
