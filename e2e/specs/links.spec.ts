import { expect, test } from '@playwright/test';
import { createCaseInUi, mediatorContext, partyContext } from '../support/flows.ts';

test('a tampered link and a withdrawn link are refused with a clear page', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { links } = await createCaseInUi(mediator, 'Link checks', [
    { name: 'Elena Eze', side: 'A' },
    { name: 'Farid Faris', side: 'B' },
  ]);

  const ctx = await partyContext(browser);
  const page = await ctx.newPage();

  const good = links['Elena Eze']!;
  const i = good.indexOf('#t=') + 3 + 12;
  const tampered = good.slice(0, i) + (good[i] === 'x' ? 'y' : 'x') + good.slice(i + 1);
  await page.goto(tampered);
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await expect(page.getByText(/ask your mediator to send you a new link/i).first()).toBeVisible();
  await expect(page.getByText(/stack|error code|undefined/i)).toHaveCount(0);

  // The mediator withdraws Farid's link from the case page.
  mediator.once('dialog', (d) => void d.accept());
  await mediator.getByRole('button', { name: 'Withdraw link' }).nth(1).click();
  await expect(mediator.getByText(/withdrawn/i).first()).toBeVisible();

  await page.goto('about:blank');
  await page.goto(links['Farid Faris']!);
  await expect(page.getByRole('heading', { name: 'This link has been withdrawn' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Protocol agreement' })).toHaveCount(0);

  await Promise.all([mediatorCtx.close(), ctx.close()]);
});
