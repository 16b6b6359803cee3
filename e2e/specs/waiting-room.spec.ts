import { expect, test } from '@playwright/test';
import { createCaseInUi, expectReceivingFrom, inboundStats, joinFromPrejoinToWaiting, mediatorContext, partyContext, passConsentGate } from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { PHONE, screenshot } from '../support/screens.ts';

test.setTimeout(180_000);

/**
 * The waiting room (issue 13): a party who arrives waits alone, sees and hears nobody and is seen
 * by nobody, and the mediator lets them in. The case's setting is turned on through the API, as
 * the case page will (its switch is not built yet).
 */
test('a party who joins waits alone, receives nothing, and is in the session once the mediator lets them in', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Waiting first', [{ name: 'Ana Alves', side: 'A' }, { name: 'Ben Brown', side: 'B' }]);
  const caseId = new URL(caseUrl).pathname.split('/').at(-1)!;
  const on = await mediator.evaluate(async (id) => (await fetch(`/api/cases/${id}/waiting-room`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ on: true }) })).status, caseId);
  expect(on).toBe(200);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await mediator.getByRole('button', { name: 'Join session' }).click();
  await expect(mediator.getByRole('button', { name: 'Leave session' })).toBeVisible();

  const aCtx = await partyContext(browser, PHONE);
  const ana = await aCtx.newPage();
  await passConsentGate(ana, links['Ana Alves']!);
  await joinFromPrejoinToWaiting(ana);
  await expect(ana.locator('.room-line')).toHaveText('You are in the waiting room · Nobody can see or hear you. Mediator will let you in.');
  await expect(ana.getByText('You are in the waiting room. The mediator will let you in.')).toBeVisible();

  // The mediator sees Ana waiting (the positive signal), and neither receives the other.
  const waiting = mediator.getByRole('region', { name: 'Waiting to be let in' });
  await expect(waiting.getByText('Ana Alves', { exact: true })).toBeVisible();
  expect((await inboundStats(ana)).length).toBe(0);
  expect((await inboundStats(mediator)).filter((s) => s.displayName === 'Ana Alves')).toEqual([]);
  await screenshot(ana, 'party-waiting-phone');
  await screenshot(mediator, 'mediator-waiting-desktop');
  await expectAccessible(ana, 'party in the waiting room');
  await expectAccessible(mediator, 'mediator with someone waiting');

  await waiting.getByRole('button', { name: 'Let Ana Alves in' }).click();
  await expectReceivingFrom(ana, ['Mediator']);
  await expectReceivingFrom(mediator, ['Ana Alves']);
  await expect(ana.locator('.room-line')).toContainText('You are in the joint room');
  await expect(mediator.getByRole('region', { name: 'Waiting to be let in' })).toHaveCount(0);
  await Promise.all([mediatorCtx.close(), aCtx.close()]);
});
