import { describe, expect, it } from 'vitest';
import { liveTestServer } from '../test/live-server.ts';
import { api, must, nextEvent, recorder } from '../test/harness.ts';

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
});
