import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementVersionView, CaseDetail, CaseSummary } from '@parley/shared';
import { api, connect, consentedCase, must, startTestServer, type ClientSocket } from '../test/harness.ts';
import { appendParagraph, provider, synced, until } from '../test/yjs.ts';

/** The mediator's case list says, per case, whether a session is live and where the agreement stands. */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let tA: string;
let tB: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ({ cookie, detail, tA, tB } = await consentedCase(server));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

const summary = async (): Promise<CaseSummary> => (await api<{ cases: CaseSummary[] }>(server, 'GET', '/api/cases', { cookie })).body.cases.find((c) => c.id === detail.id)!;

describe('GET /api/cases', () => {
  it('counts the people in the live session, and only while they are in it', async () => {
    expect((await summary()).onlineCount).toBe(0);
    const ana = await connect(server, { token: tA });
    sockets.push(ana);
    await must(ana, 'session:join', {});
    await until(async () => (await summary()).onlineCount === 1, 10_000, 'Ana counted as live');
    ana.close();
    await until(async () => (await summary()).onlineCount === 0, 30_000, 'Ana no longer counted');
  });

  it('shows no agreement until one is frozen, then how many of the parties signed, then signed', async () => {
    expect((await summary()).agreement).toBeNull();
    const p = provider(server, `case.${detail.id}.agreement`, { cookie });
    await synced(p);
    appendParagraph(p.doc, 'Ana keeps the boat.');
    let v: AgreementVersionView | null = null;
    await until(async () => {
      const r = await api<{ current: AgreementVersionView | null }>(server, 'POST', `/api/cases/${detail.id}/agreement/freeze`, { cookie });
      v = r.body.current;
      return r.status === 200 && !!v?.text.includes('boat');
    });
    p.destroy();
    expect((await summary()).agreement).toEqual({ version: v!.version, status: 'awaiting-signatures', signedCount: 0, signerCount: 2 });
    const sign = (token: string) => api(server, 'POST', '/api/invitation/agreement/sign', { bearer: token, body: { versionId: v!.id, textHash: v!.textHash, confirm: true } });
    expect((await sign(tA)).status).toBe(200);
    expect((await summary()).agreement).toMatchObject({ status: 'awaiting-signatures', signedCount: 1, signerCount: 2 });
    expect((await sign(tB)).status).toBe(200);
    expect((await summary()).agreement).toMatchObject({ status: 'signed', signedCount: 2, signerCount: 2 });
  });
});
