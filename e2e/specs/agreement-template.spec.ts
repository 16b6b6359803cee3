import { expect, test, type Page } from '@playwright/test';
import { createCaseInUi, joinFromPrejoin, mediatorContext, partyContext, recordEntries, server } from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { DESKTOP, fitsTheScreen, PHONE, screenshot } from '../support/screens.ts';

test.setTimeout(240_000);

const FEES = 'Each party pays half of the mediator’s fee of 120 EUR an hour. Meeting online adds no fee.';

/** Ticks every required clause on the consent page and agrees. */
async function agree(page: Page): Promise<void> {
  const boxes = page.getByRole('checkbox', { name: /^I agree:/ });
  const n = await boxes.count();
  for (let i = 0; i < n; i++) await boxes.nth(i).check();
  await page.getByRole('button', { name: 'I agree and continue' }).click();
}

/**
 * Protocol agreement templates and the answers besides "I agree" (issue 13): the mediator adapts
 * the fees clause in a template of theirs and creates a case with it; a party reads that clause,
 * asks a question the mediator sees; another party declines; then the first agrees, joins, and
 * withdraws their consent from the session, which takes them out.
 */
test('a template’s clause reaches the parties; a question, a decline and a withdrawal reach the mediator', async ({ browser }) => {
  const name = `Neighbour disputes ${Date.now().toString(36)}`;
  const mediatorCtx = await mediatorContext(browser, DESKTOP);
  const mediator = await mediatorCtx.newPage();

  // The mediator starts a template from the default wording and changes the fees clause.
  await mediator.goto(`${server().url}/templates`);
  await expect(mediator.getByRole('heading', { name: 'Protocol agreement templates' })).toBeVisible();
  await mediator.getByLabel('Template name').fill(name);
  await mediator.getByRole('button', { name: 'Create template' }).click();
  await expect(mediator.getByRole('heading', { name, level: 1 })).toBeVisible();
  const fees = mediator.locator('.template-clause').filter({ has: mediator.getByRole('button', { name: 'Remove “Fees and the costs of meeting online”' }) });
  await fees.getByLabel('Text').fill(FEES);
  await expect(mediator.getByRole('heading', { name: 'Written by Parley in every agreement' })).toBeVisible();
  await screenshot(mediator, 'template-editor-desktop');
  await expectAccessible(mediator, 'template editor');
  await mediator.getByRole('button', { name: 'Save as version 2' }).click();
  await expect(mediator.getByText(/Version 2 saved/).first()).toBeVisible();

  // The same editor on a phone.
  const phoneEditorCtx = await mediatorContext(browser, PHONE);
  const phoneEditor = await phoneEditorCtx.newPage();
  await phoneEditor.goto(mediator.url());
  await expect(phoneEditor.getByRole('heading', { name, level: 1 })).toBeVisible();
  await fitsTheScreen(phoneEditor, 'template editor on a phone');
  await screenshot(phoneEditor, 'template-editor-phone');
  await phoneEditorCtx.close();

  const { caseUrl, links } = await createCaseInUi(mediator, 'Hedge between gardens', [{ name: 'Ana Alves', side: 'A' }, { name: 'Ben Brown', side: 'B' }], { template: `${name}, version 2` });
  await expect(mediator.getByText(`Written from the template “${name}”, version 2`, { exact: false })).toBeVisible();

  // Ana, on a phone, reads the mediator's fees clause and asks a question instead of agreeing.
  const aCtx = await partyContext(browser, PHONE);
  const ana = await aCtx.newPage();
  await ana.goto(links['Ana Alves']!);
  await expect(ana.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  await expect(ana.getByText(FEES)).toBeVisible();
  await expect(ana.getByText('Written by Parley, the platform (not by your mediator)').first()).toBeVisible();
  await ana.getByRole('button', { name: 'Ask the mediator a question' }).click();
  await ana.getByLabel('Your question to the mediator').fill('Can my daughter sit with me during the sessions?');
  await ana.getByRole('button', { name: 'Send question' }).click();
  const told = ana.getByRole('region', { name: 'What you told the mediator' });
  await expect(told.getByText('Can my daughter sit with me during the sessions?')).toBeVisible();
  await expect(told.getByText(/Waiting for the mediator\. They will answer you directly/)).toBeVisible();
  await fitsTheScreen(ana, 'consent page with a question, on a phone');
  await screenshot(ana, 'consent-question-phone');
  await expectAccessible(ana, 'consent page with a question');

  // Ben, on a desktop, declines with a reason.
  const bCtx = await partyContext(browser, DESKTOP);
  const ben = await bCtx.newPage();
  await ben.goto(links['Ben Brown']!);
  await expect(ben.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  await ben.getByRole('button', { name: 'Decline the agreement' }).click();
  await ben.getByLabel('Why you decline (optional)').fill('I would rather meet in person.');
  await screenshot(ben, 'consent-decline-desktop');
  await expectAccessible(ben, 'consent page declining');
  await ben.getByRole('button', { name: 'Decline the agreement' }).click();
  await expect(ben.getByText(/You declined the protocol agreement on/)).toBeVisible();

  // The mediator sees both on the case page, with who; answers Ana (outside the platform) and says so.
  await mediator.goto(caseUrl);
  const answers = mediator.getByRole('region', { name: 'Questions and answers about the agreement' });
  await expect(answers.getByText('Ana Alves asked a question')).toBeVisible();
  await expect(answers.getByText('Can my daughter sit with me during the sessions?')).toBeVisible();
  await expect(answers.getByText('Ben Brown declined the protocol agreement')).toBeVisible();
  await expect(answers.getByText('I would rather meet in person.')).toBeVisible();
  await answers.getByRole('button', { name: 'Mark as answered' }).click();
  await expect(answers.getByText(/Marked answered/)).toBeVisible();
  await screenshot(mediator, 'case-consent-answers-desktop');
  await expectAccessible(mediator, 'case page with answers');

  // Ana agrees after all and joins; so does the mediator.
  await ana.reload();
  await expect(told.getByText(/The mediator marked this question as answered/)).toBeVisible();
  await agree(ana);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  // Ben's decline came before the mediator joined: the session shows it too (the answered question not).
  const declined = mediator.getByRole('alert').filter({ hasText: 'Ben Brown declined the protocol agreement' });
  await expect(declined.getByText('I would rather meet in person.')).toBeVisible();
  await expect(mediator.getByRole('alert').filter({ hasText: 'Ana Alves has a question' })).toHaveCount(0);
  await joinFromPrejoin(ana);
  const participants = mediator.getByRole('region', { name: 'Participants' });
  await expect(participants.getByText('Ana Alves')).toBeVisible();

  // From the session, Ana withdraws her consent: she is taken out and back to the agreement.
  await ana.getByRole('button', { name: 'Your consent' }).click();
  await ana.getByRole('button', { name: 'Withdraw my consent…' }).click();
  await ana.getByLabel(/Why you withdraw/).fill('I need to talk to my family first.');
  await screenshot(ana, 'session-withdraw-consent-phone');
  await expectAccessible(ana, 'session with the withdrawal form');
  await ana.getByRole('button', { name: 'Withdraw consent and leave' }).click();
  await expect(ana.getByText(/You withdrew your consent, so you are not in the session/)).toBeVisible();
  await expect(ana.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  await expect(ana.getByRole('region', { name: 'What you told the mediator' }).getByText(/You withdrew your consent on/)).toBeVisible();
  await screenshot(ana, 'consent-after-withdrawal-phone');
  await expect(ana.getByRole('button', { name: 'Leave session' })).toHaveCount(0);

  // The mediator is told in the session, with her words, not only later on the case page.
  const alert = mediator.getByRole('alert').filter({ hasText: 'Ana Alves withdrew their consent to the protocol agreement' });
  await expect(alert.getByText('I need to talk to my family first.')).toBeVisible();
  await screenshot(mediator, 'session-consent-withdrawn-alert-desktop');
  await expectAccessible(mediator, 'session with a withdrawal alert');
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);

  // The mediator's session no longer has her, and the record says why.
  await expect.poll(async () => (await recordEntries(mediator, caseUrl)).map((e) => `${e.type}:${e.actor?.displayName ?? ''}`), { timeout: 30_000 }).toEqual(
    expect.arrayContaining(['consent.withdrawn:Ana Alves', 'participant.left:Ana Alves']),
  );
  await expect(participants.getByText('Ana Alves')).toHaveCount(0);
  await Promise.all([mediatorCtx.close(), aCtx.close(), bCtx.close()]);
});
