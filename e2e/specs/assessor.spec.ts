import { expect, test } from '@playwright/test';
import {
  agreementEditor, createCaseWithAssessorInUi, createCaucusInUi, joinAsObserver, joinFromPrejoin, mediatorContext, partyContext, passConsentGate,
} from '../support/flows.ts';

const PHONE = { width: 390, height: 844 };

/**
 * ODR-QAP assessor [3.6.10, 3.6.14; IMI Annex 2 as the scorecard]: invited by the mediator,
 * disclosed to the parties before and during the session, observing without microphone or camera,
 * scoring with time-stamped notes linked to session events, and unable to edit the agreement.
 */
test('a mediator invites an assessor who observes, is shown to the parties, and writes a linked note', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseWithAssessorInUi(
    mediator,
    'Orchard boundary',
    [
      { name: 'Ana Alvarez', side: 'A' },
      { name: 'Ben Brooks', side: 'B' },
    ],
    'Cleo Carter',
  );
  await expect(mediator.getByRole('article', { name: 'Cleo Carter' }).getByText('Assessor (observing)')).toBeVisible();

  // The party, on a phone, sees the assessor before joining and in the agreement, with a separate choice.
  const aCtx = await partyContext(browser, PHONE);
  const ana = await aCtx.newPage();
  await ana.goto(links['Ana Alvarez']!);
  await expect(ana.getByRole('list').filter({ hasText: 'Cleo Carter' }).getByText('(Assessor (observing))')).toBeVisible();
  await expect(ana.getByText(/An assessor, Cleo Carter, takes part to assess the mediator/)).toBeVisible();
  const follow = ana.getByRole('checkbox', { name: 'Allow the assessor to follow the mediator into my private meetings' });
  await expect(follow).not.toBeChecked();
  // Declining the optional clause does not stop the party from joining.
  await passConsentGate(ana, links['Ana Alvarez']!);
  await expect(ana.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();

  // The assessor consents too (the choice about caucuses is the parties'), then joins without a camera check.
  const cCtx = await partyContext(browser, PHONE);
  const cleo = await cCtx.newPage();
  await cleo.goto(links['Cleo Carter']!);
  await expect(cleo.getByText('Each party and advisor decides this for themselves.')).toBeVisible();
  await expect(cleo.getByRole('checkbox', { name: /follow the mediator/ })).toHaveCount(0);
  await passConsentGate(cleo, links['Cleo Carter']!);

  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  await joinFromPrejoin(ana);
  await joinAsObserver(cleo);

  // No microphone, camera or share controls for the assessor: they observe.
  const controls = cleo.getByRole('group', { name: 'Session controls' });
  await expect(controls.getByText('Observing: nobody sees or hears you')).toBeVisible();
  await expect(controls.getByRole('button', { name: /microphone|camera|share/i })).toHaveCount(0);
  await expect(controls.getByRole('button', { name: 'Leave session' })).toBeVisible();

  // The party sees the assessor listed with their role in the session.
  const anaPanel = ana.getByRole('region', { name: 'Participants' });
  const cleoRow = anaPanel.getByRole('listitem').filter({ hasText: 'Cleo Carter' });
  await expect(cleoRow.getByText('Assessor (observing)')).toBeVisible();
  await expect(cleoRow.getByText('Observing, not seen or heard')).toBeVisible();

  // Something the mediator does goes into the session record…
  await createCaucusInUi(mediator, 'Caucus A');

  // …and the assessor's note is stamped and linked to it.
  const scorecard = cleo.getByRole('region', { name: 'Scorecard' });
  await scorecard.getByLabel('Note about the mediator').fill('Opened a caucus and explained why before moving anyone.');
  await scorecard.getByLabel('About item (optional)').selectOption('2.11-iii');
  await scorecard.getByRole('button', { name: 'Add note' }).click();
  const note = scorecard.getByRole('list', { name: 'Your notes' }).getByRole('listitem').filter({ hasText: 'Opened a caucus and explained why' });
  await expect(note.getByText(/into the session/)).toBeVisible();
  await expect(note.getByText('Item 2.11-iii Online caucus', { exact: false })).toBeVisible();
  await expect(note.getByRole('list', { name: 'Linked session events' }).getByText('Mediator opened the room “Caucus A”')).toBeVisible();

  // A rating sticks after a reload of the review page.
  await cleo.goto(new URL('/assess', caseUrl).toString());
  const review = cleo.getByRole('region', { name: 'Scorecard' });
  await review.getByLabel(/^2\.11-iii /).selectOption('competent');
  await expect(review.getByText('1 of 7 rated')).toBeVisible();
  await cleo.reload();
  await expect(cleo.getByRole('region', { name: 'Scorecard' }).getByLabel(/^2\.11-iii /)).toHaveValue('competent');
  await expect(cleo.getByText('Opened a caucus and explained why before moving anyone.')).toBeVisible();

  await Promise.all([mediatorCtx.close(), aCtx.close(), cCtx.close()]);
});

test('the assessor reads the agreement draft but cannot type into it', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseWithAssessorInUi(mediator, 'Draft check', [{ name: 'Dev Desai', side: 'A' }, { name: 'Eli Evans', side: 'B' }], 'Fay Fischer');

  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Agreement draft' }).click();
  await expect(mediator.getByRole('region', { name: 'Agreement draft' }).getByText('Saved on the server')).toBeVisible();
  await agreementEditor(mediator).click();
  await mediator.keyboard.type('Both parties keep the orchard gate closed.');

  const ctx = await partyContext(browser);
  const fay = await ctx.newPage();
  await passConsentGate(fay, links['Fay Fischer']!);
  await expect(fay.getByRole('heading', { name: 'Join as observer' })).toBeVisible();
  await fay.getByRole('button', { name: 'Open the agreement draft' }).click();
  const region = fay.getByRole('region', { name: 'Agreement draft' });
  await expect(region.getByText('Read-only: you can read but not edit')).toBeVisible();
  const editor = agreementEditor(fay);
  await expect(editor).toContainText('Both parties keep the orchard gate closed.');
  await expect(editor).toHaveAttribute('contenteditable', 'false');
  await expect(region.getByRole('toolbar')).toHaveCount(0);
  await editor.click();
  await fay.keyboard.type('The assessor rewrites this');
  await expect(editor).not.toContainText('The assessor rewrites this');
  await expect(agreementEditor(mediator)).not.toContainText('The assessor rewrites this');

  await Promise.all([mediatorCtx.close(), ctx.close()]);
});
