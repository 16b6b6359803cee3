import { expect, test } from '@playwright/test';
import {
  createCaseInUi, createCaucusInUi, expectReceivingFrom, joinFromPrejoin, mediatorContext, moveSelectedInUi, partyContext, passConsentGate, threeInSession,
} from '../support/flows.ts';

/**
 * The server's "no packets" detector (sfu/src/StallDetector.ts) must not cry wolf: a healthy
 * connection that sends and receives no media at all (alone in a caucus, microphone muted, camera
 * off) still carries RTCP and ICE consent checks, so nobody is shown "audio and video not getting
 * through" and the session record stays free of false breakdowns [3.6.13].
 */
test('a quiet but healthy connection raises no breakdown alarm', async ({ browser }) => {
  const { mediator, a, caseUrl, close } = await threeInSession(browser, 'Quiet caucus', ['Quinn Quiet', 'Rhea Rest']);
  await createCaucusInUi(mediator, 'Quiet room');
  await moveSelectedInUi(mediator, ['Quinn Quiet'], 'Quiet room');
  await a.getByRole('button', { name: 'Mute microphone' }).click();
  await a.getByRole('button', { name: 'Turn camera off' }).click();
  await expect(a.getByRole('button', { name: 'Turn camera on' })).toBeVisible();
  // Longer than the detector's 8 s of silence, twice over its 2 s sampling.
  await a.waitForTimeout(12_000);
  const caseId = new URL(caseUrl).pathname.split('/').at(-1)!;
  const record = await mediator.evaluate(async (id) => (await fetch(`/api/cases/${id}/record`)).json(), caseId);
  const types = (record.entries as Array<{ type: string }>).map((e) => e.type);
  expect(types).not.toContain('breakdown.media-lost');
  expect(types).not.toContain('breakdown.started');
  const quinn = await mediator.evaluate(() => (window as any).__parleyDebug.state().others.find((p: { displayName: string }) => p.displayName === 'Quinn Quiet'));
  expect(quinn.connection).toBe('connected');
  await close();
});

test('media that stops getting through while the signalling stays up is shown to the mediator and recorded', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Media path lost', [
    { name: 'Uma Udp', side: 'A' },
    { name: 'Vic Vee', side: 'B' },
  ]);
  const aCtx = await partyContext(browser);
  // Test-side instrument: keep the page's peer connections so the test can kill the media path
  // without the page noticing (closing one locally fires no event), as a blocked UDP port would.
  await aCtx.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const all: RTCPeerConnection[] = [];
    (window as any).__peerConnections = all;
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        all.push(this);
      }
    } as typeof RTCPeerConnection;
  });
  const a = await aCtx.newPage();
  await passConsentGate(a, links['Uma Udp']!);
  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  await joinFromPrejoin(a);
  await expectReceivingFrom(mediator, ['Uma Udp']);

  await a.evaluate(() => (window as any).__peerConnections.forEach((pc: RTCPeerConnection) => pc.close()));
  const uma = () => mediator.evaluate(() => (window as any).__parleyDebug.state().others.find((p: { displayName: string }) => p.displayName === 'Uma Udp')?.connection);
  await expect.poll(uma, { timeout: 20_000 }).toBe('media-lost');
  const caseId = new URL(caseUrl).pathname.split('/').at(-1)!;
  const types = await mediator.evaluate(async (id) => ((await (await fetch(`/api/cases/${id}/record`)).json()).entries as Array<{ type: string }>).map((e) => e.type), caseId);
  expect(types).toContain('breakdown.media-lost');
  await Promise.all([mediatorCtx.close(), aCtx.close()]);
});
