import { expect, test } from '@playwright/test';
import { createCaseInUi, mediatorContext, partyContext, server, tokenOf } from '../support/flows.ts';
import { rawRequest, rawSocket } from '../support/raw-socket.ts';

test('a party who has not consented cannot join: the page shows the gate and a raw join is refused', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { links } = await createCaseInUi(mediator, 'Gate check', [
    { name: 'Carla Cruz', side: 'A' },
    { name: 'Dev Desai', side: 'B' },
  ]);

  const ctx = await partyContext(browser);
  const page = await ctx.newPage();
  await page.goto(links['Carla Cruz']!);
  await expect(page.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  await expect(page.getByText('Gate check')).toBeVisible();
  // Ticking only some clauses is not enough.
  await page.getByRole('checkbox', { name: /^I agree:/ }).first().check();
  await expect(page.getByRole('button', { name: 'I agree and continue' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Join session' })).toHaveCount(0);

  // A modified client skipping the gate is refused by the server.
  const raw = await rawSocket(server().url, { token: tokenOf(links['Carla Cruz']!) });
  try {
    expect(await rawRequest(raw, 'session:join', {})).toMatchObject({ ok: false, error: { code: 'consent_required' } });
    expect(await rawRequest(raw, 'transport:create', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'not_in_session' } });
  } finally {
    raw.close();
  }
  await Promise.all([mediatorCtx.close(), ctx.close()]);
});
