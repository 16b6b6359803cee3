import { expect, test } from '@playwright/test';
import { createCaseInUi, joinFromPrejoin, mediatorContext, partyContext, passConsentGate } from '../support/flows.ts';

test('the same person opening a second tab replaces the first: one presence, the first tab says why, the mediator is not alarmed', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Second tab', [
    { name: 'Sara Silva', side: 'A' },
    { name: 'Tom Tran', side: 'B' },
  ]);
  const ctx = await partyContext(browser);
  const first = await ctx.newPage();
  await passConsentGate(first, links['Sara Silva']!);
  await joinFromPrejoin(first);

  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  const list = mediator.getByRole('region', { name: 'Participants' });
  await expect(list.getByText('Sara Silva')).toHaveCount(1);

  const second = await ctx.newPage();
  await second.goto(links['Sara Silva']!);
  await joinFromPrejoin(second);

  await expect(first.getByRole('heading', { name: 'This session is open in another window' })).toBeVisible();
  await expect(first.getByText('You opened this session in another tab or window, so this one was disconnected.')).toBeVisible();
  await expect(first.getByRole('button', { name: 'Leave session' })).toHaveCount(0);
  // No ghost: the mediator still sees Sara exactly once, and she is reachable in the second tab.
  await expect(list.getByText('Sara Silva')).toHaveCount(1);
  await expect(second.getByRole('button', { name: 'Leave session' })).toBeVisible();
  // The same browser: no alarm for the mediator about the link being opened elsewhere.
  await expect(mediator.getByText(/link was opened in another browser/)).toHaveCount(0);
  await Promise.all([mediatorCtx.close(), ctx.close()]);
});
