import { expect, test } from '@playwright/test';
import { createCaseInUi, mediatorContext, openDraftAsParty, openMessagesAsParty, partyContext, passConsentGate, setBreakdownInUi } from '../support/flows.ts';
import { PHONE, screenshot } from '../support/screens.ts';

/**
 * What a party notices when their access ends while pages are open outside the live session: the
 * page says why at once (no silent stream of messages to a withdrawn link, no writable draft after
 * the agreement changed). Screenshots: .cache/screens/access-*.png.
 */
const phone = PHONE;

test('a withdrawn link closes the party’s open messages at once, with the reason', async ({ browser }) => {
  const mCtx = await mediatorContext(browser);
  const m = await mCtx.newPage();
  const { links } = await createCaseInUi(m, 'Access ends: withdrawn link', [
    { name: 'Irene Ito', side: 'A' },
    { name: 'Jonas Jensen', side: 'B' },
  ]);
  const pCtx = await partyContext(browser, phone);
  const p = await pCtx.newPage();
  await passConsentGate(p, links['Irene Ito']!);
  await openMessagesAsParty(p); // messages only: never joined the live session

  m.once('dialog', (d) => void d.accept());
  await m.getByRole('button', { name: 'Withdraw link' }).first().click();
  await expect(m.getByText(/withdrawn/i).first()).toBeVisible();

  await expect(p.getByText('This invitation link was withdrawn by the mediator. Ask the mediator for a new link.').first()).toBeVisible();
  await expect(p.getByRole('navigation', { name: 'Threads' })).toHaveCount(0); // the threads went with the access
  expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  await screenshot(p, 'access-withdrawn-party-phone');
  await Promise.all([mCtx.close(), pCtx.close()]);
});

test('a changed agreement closes the party’s open draft until they agree again', async ({ browser }) => {
  const mCtx = await mediatorContext(browser);
  const m = await mCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(m, 'Access ends: the procedure changed', [
    { name: 'Karin Koch', side: 'A' },
    { name: 'Luis Lima', side: 'B' },
  ]);
  const pCtx = await partyContext(browser);
  const p = await pCtx.newPage();
  await passConsentGate(p, links['Karin Koch']!);
  await openDraftAsParty(p);

  await m.goto(caseUrl);
  await setBreakdownInUi(m, { grace: '2 minutes' });

  const draft = p.getByRole('region', { name: 'Agreement draft' });
  await expect(draft.getByText('The protocol agreement changed. Open your invitation link again to read it and agree before you continue.')).toBeVisible();
  await expect(draft.getByRole('textbox', { name: 'Agreement draft' })).toBeHidden(); // no editor that no longer saves
  await screenshot(p, 'access-consent-changed-party-desktop');

  // The button leads to the changed agreement; after agreeing, the draft opens again.
  await draft.getByRole('button', { name: 'Read the changed agreement' }).click();
  await expect(p.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  await passConsentGate(p, links['Karin Koch']!);
  await openDraftAsParty(p);
  await Promise.all([mCtx.close(), pCtx.close()]);
});
