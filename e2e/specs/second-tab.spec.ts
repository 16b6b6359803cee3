import { expect, test } from '@playwright/test';
import { createCaseInUi, joinFromPrejoin, mediatorContext, partyContext, passConsentGate } from '../support/flows.ts';

test('the same person opening a second tab replaces the first: one presence, and the first tab says why', async ({ browser }) => {
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

  await expect(first.getByText('You joined this session from another tab or device, so this one was disconnected.')).toBeVisible();
  await expect(first.getByRole('button', { name: 'Leave session' })).toHaveCount(0);
  // No ghost: the mediator still sees Sara exactly once, and she is reachable in the second tab.
  await expect(list.getByText('Sara Silva')).toHaveCount(1);
  await expect(second.getByRole('button', { name: 'Leave session' })).toBeVisible();
  await Promise.all([mediatorCtx.close(), ctx.close()]);
});
