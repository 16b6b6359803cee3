import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { consentedCase, fakeDtls, must, request } from '../test/harness.ts';

/**
 * A transport takes its DTLS parameters once (mediasoup's rule): a second connect, from a retry or
 * a modified client, is answered with a typed conflict and the transport stays as it was. Found by
 * the request fuzzer, which saw it answered as an internal error.
 */
const live = liveTestServer();

describe('connecting a transport', () => {
  it('a second connect is a typed conflict, not an internal error, and the first still holds', async () => {
    const { tA } = await consentedCase(live.server, live.cookie);
    const a = await live.open({ token: tA });
    await must(a, 'session:join', {});
    const recv = await must(a, 'transport:create', { direction: 'recv' });
    expect(await must(a, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtls })).toEqual({ connected: true });
    expect(await request(a, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtls })).toMatchObject({ ok: false, error: { code: ErrorCode.Conflict } });
    // Both at once: one is taken, the other refused the same way.
    const send = await must(a, 'transport:create', { direction: 'send' });
    const both = await Promise.all([0, 1].map(() => request(a, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtls })));
    expect(both.map((r) => (r.ok ? 'ok' : r.error.code)).sort()).toEqual([ErrorCode.Conflict, 'ok']);
  });
});
