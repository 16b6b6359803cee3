import { expect, test } from '@playwright/test';
import { createCaseInUi, expectReceivingFrom, joinFromPrejoin, mediatorContext, partyContext, passConsentGate, server, tokenOf } from '../support/flows.ts';
import { rawRequest, rawSocket } from '../support/raw-socket.ts';

test('mediator creates a case, two parties pass the consent gate, and all three see and hear each other', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Neighbours: the fence on the boundary', [
    { name: 'Alice Arden', side: 'A' },
    { name: 'Bruno Baptiste', side: 'B' },
  ]);

  const aliceCtx = await partyContext(browser);
  const alice = await aliceCtx.newPage();
  await passConsentGate(alice, links['Alice Arden']!);
  const brunoCtx = await partyContext(browser);
  const bruno = await brunoCtx.newPage();
  await passConsentGate(bruno, links['Bruno Baptiste']!);

  // The mediator sees who has consented.
  await mediator.goto(caseUrl);
  await expect(mediator.getByText('Consented').first()).toBeVisible();
  await expect(mediator.getByText(/Not yet consented/)).toHaveCount(0);

  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  await joinFromPrejoin(alice);
  await joinFromPrejoin(bruno);

  // Everyone appears in everyone's participant list, with roles.
  for (const page of [mediator, alice, bruno]) {
    const list = page.getByRole('region', { name: 'Participants' });
    await expect(list.getByText('Alice Arden')).toBeVisible();
    await expect(list.getByText('Bruno Baptiste')).toBeVisible();
    await expect(list.getByRole('listitem').filter({ hasText: /^Mediator/ }).first()).toBeVisible();
  }

  const mediatorName = 'Mediator';
  await expectReceivingFrom(mediator, ['Alice Arden', 'Bruno Baptiste']);
  await expectReceivingFrom(alice, [mediatorName, 'Bruno Baptiste']);
  await expectReceivingFrom(bruno, [mediatorName, 'Alice Arden']);

  // A malformed payload from a raw client gets a typed error, and the session goes on.
  const raw = await rawSocket(server().url, { token: tokenOf(links['Alice Arden']!) });
  try {
    expect(await rawRequest(raw, 'transport:create', { direction: 42 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await rawRequest(raw, 'producer:create', 'garbage')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await rawRequest(raw, 'no:such-event', {})).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
  } finally {
    raw.close();
  }
  await expectReceivingFrom(alice, [mediatorName, 'Bruno Baptiste']);

  // Self mute is shown to the others.
  await alice.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(alice.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  await expect(bruno.getByRole('region', { name: 'Participants' }).getByText(/microphone off/i)).toBeVisible();

  // Leaving cleans up: the others stop seeing Bruno.
  await bruno.getByRole('button', { name: 'Leave session' }).click();
  await expect(alice.getByRole('region', { name: 'Participants' }).getByText('Bruno Baptiste')).toHaveCount(0);
  await expect.poll(async () => (await alice.evaluate(() => (window as never as { __parleyDebug: { inboundStats(): Promise<Array<{ displayName: string }>> } }).__parleyDebug.inboundStats())).filter((s) => s.displayName === 'Bruno Baptiste').length).toBe(0);

  await Promise.all([mediatorCtx.close(), aliceCtx.close(), brunoCtx.close()]);
});
