import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BREAKDOWN, type AgreementVersionView, type CaseDetail } from '@parley/shared';
import { api, consent, createCase, signIn, startTestServer, tokenOf } from '../test/harness.ts';
import { appendParagraph, provider, synced, until } from '../test/yjs.ts';

/**
 * The frozen agreement is case content: a link alone (without agreeing to the protocol agreement)
 * must not read it, download it or sign it (IMI 3.6.8: consent before any contact with the case).
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let tAna: string; // consented
let tBen: string; // never consented
type Current = { current: AgreementVersionView | null };
type Refusal = { error: { code: string; message: string } };

const tokenFor = (d: CaseDetail, name: string) => tokenOf(d.participants.find((p) => p.displayName === name)!.invitation!.url);

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
  detail = await createCase(server, cookie);
  tAna = tokenFor(detail, 'Ana Party');
  tBen = tokenFor(detail, 'Ben Party');
  await consent(server, tAna, detail);

  // The mediator writes a draft and freezes it (as in signoff.integration.test.ts).
  const p = provider(server, `case.${detail.id}.agreement`, { cookie });
  await synced(p, 20_000);
  appendParagraph(p.doc, 'Ana keeps the orchard; Ben keeps the gate.');
  await until(
    async () => {
      const r = await api<Current>(server, 'POST', `/api/cases/${detail.id}/agreement/freeze`, { cookie });
      return r.status === 200 && !!r.body.current?.text.includes('the gate');
    },
    20_000,
    'a frozen version',
  );
  p.destroy();
});
afterAll(async () => {
  await server?.close();
});

describe('the frozen agreement needs a current consent', () => {
  it('a party who never consented cannot read it (403 consent_required)', async () => {
    const r = await api<Refusal>(server, 'GET', '/api/invitation/agreement', { bearer: tBen });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('consent_required');
  });

  it('a party who never consented cannot download the export (403 consent_required)', async () => {
    const res = await fetch(`${server.url}/api/invitation/agreement/export`, { headers: { authorization: `Bearer ${tBen}` } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as Refusal;
    expect(body.error.code).toBe('consent_required');
  });

  it('a party who never consented cannot sign it (403 consent_required)', async () => {
    const v = (await api<Current>(server, 'GET', '/api/invitation/agreement', { bearer: tAna })).body.current!;
    const r = await api<Refusal>(server, 'POST', '/api/invitation/agreement/sign', { bearer: tBen, body: { versionId: v.id, textHash: v.textHash, confirm: true } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('consent_required');
  });

  it('a party who consented reads it and downloads the export (200)', async () => {
    const seen = await api<Current>(server, 'GET', '/api/invitation/agreement', { bearer: tAna });
    expect(seen.status).toBe(200);
    expect(seen.body.current!.text).toContain('the gate');
    const res = await fetch(`${server.url}/api/invitation/agreement/export`, { headers: { authorization: `Bearer ${tAna}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Ana keeps the orchard');
  });

  it('the invitation itself and the consent step stay reachable before consent', async () => {
    expect((await api(server, 'GET', '/api/invitation', { bearer: tBen })).status).toBe(200);
    const other = await createCase(server, cookie);
    await consent(server, tokenFor(other, 'Ben Party'), other); // throws unless 200
  });
});

describe('the assessor scorecard', () => {
  it('an assessor whose consent is no longer current cannot add a note (it would link them to session events)', async () => {
    const d = await createCase(server, cookie, [
      { displayName: 'Ana Party', role: 'party', side: 'A' },
      { displayName: 'Cleo Assessor', role: 'assessor' },
    ]);
    const tCleo = tokenFor(d, 'Cleo Assessor');
    await consent(server, tCleo, d);
    expect((await api(server, 'POST', '/api/invitation/assessment/notes', { bearer: tCleo, body: { text: 'Opened calmly.' } })).status).toBe(201);

    // The mediator changes the breakdown procedure: the agreement changes, Cleo's consent is stale.
    const changed = await api(server, 'PUT', `/api/cases/${d.id}/breakdown`, { cookie, body: { ...DEFAULT_BREAKDOWN, graceSeconds: 120 } });
    expect(changed.status).toBe(200);

    const r = await api<Refusal>(server, 'POST', '/api/invitation/assessment/notes', { bearer: tCleo, body: { text: 'Summarised well.' } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('consent_required');
    // Their own earlier work stays readable (CaseService.hasConsented: a changed agreement must not lock them out of it).
    expect((await api(server, 'GET', '/api/invitation/assessment', { bearer: tCleo })).status).toBe(200);
  });
});
