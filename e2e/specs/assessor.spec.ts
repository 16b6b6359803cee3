import { expect, test, type Page } from '@playwright/test';
import {
  agreementEditor, createCaseWithAssessorInUi, createCaucusInUi, expectNothingFrom, expectReceivingFrom, joinAsObserver, joinFromPrejoin, mediatorContext,
  moveSelectedInUi, partyContext, passConsentGate, setBreakdownInUi,
} from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { DESKTOP, PHONE, screenPath } from '../support/screens.ts';


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
  await expect(ana.getByRole('list').filter({ hasText: 'Cleo Carter' }).getByText('· Assessor (observing)')).toBeVisible();
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

  // A rating sticks after a reload of the review page. Leaving a live session for another address
  // asks first (the leave guard's beforeunload); the assessor answers "Leave".
  cleo.once('dialog', (d) => void d.accept());
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

/**
 * Four browsers on a small test machine can read as a weak network, and the case's default
 * procedure would then switch someone to audio only by itself. These tests are about who sees
 * whom, so the switch is only offered (set before anyone consents, as the agreement states it).
 */
async function keepVideoOn(mediator: Page): Promise<void> {
  await setBreakdownInUi(mediator, { audioOnly: false });
}

/**
 * Clause 'assessor-caucuses' [3.6.5, 3.6.10]: the assessor goes where the mediator goes, but into a
 * caucus only if everyone in it said yes. Whoever said no must not be seen or heard by them, and
 * the assessor must not be left believing they are watching when they are not.
 */
test('the assessor follows the mediator only into caucuses whose people agreed', async ({ browser }) => {
  test.setTimeout(360_000); // four browsers with media and six room moves: over 3 minutes on a busy 2-core machine
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseWithAssessorInUi(
    mediator,
    'Shared driveway',
    [
      { name: 'Ana Alvarez', side: 'A' },
      { name: 'Ben Brooks', side: 'B' },
    ],
    'Cleo Carter',
  );
  await keepVideoOn(mediator);
  const aCtx = await partyContext(browser);
  const ana = await aCtx.newPage();
  await passConsentGate(ana, links['Ana Alvarez']!, { allowAssessorInCaucus: true });
  const bCtx = await partyContext(browser);
  const ben = await bCtx.newPage();
  await passConsentGate(ben, links['Ben Brooks']!);
  const cCtx = await partyContext(browser);
  const cleo = await cCtx.newPage();
  await passConsentGate(cleo, links['Cleo Carter']!);

  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  await joinFromPrejoin(ana);
  await joinFromPrejoin(ben);
  await joinAsObserver(cleo);
  await expectReceivingFrom(cleo, ['Mediator', 'Ana Alvarez', 'Ben Brooks']);

  // Nothing on the assessor's page suggests they could be heard or seen.
  await expect(cleo.getByRole('button', { name: /mute|microphone|camera|share/i })).toHaveCount(0);
  await expect(cleo.getByText('Observing: nobody sees or hears you')).toBeVisible();

  // Ana said yes: the assessor follows the mediator into her caucus, and only there.
  await createCaucusInUi(mediator, 'With Ana');
  await moveSelectedInUi(mediator, ['Ana Alvarez', 'Mediator'], 'With Ana');
  await expect(cleo.getByText(/You are in the caucus “With Ana” · You are observing: nobody can see or hear you\. In this room: (Mediator, Ana Alvarez|Ana Alvarez, Mediator)$/)).toBeVisible();
  await expectReceivingFrom(cleo, ['Mediator', 'Ana Alvarez']);
  await expectNothingFrom(cleo, ['Ben Brooks']);
  // The voices come with their pictures and names, as for anyone in the room.
  await expect(cleo.getByLabel('Video of Ana Alvarez')).toBeVisible();
  await expect(cleo.getByLabel('Video of Mediator')).toBeVisible();
  // Ana knows who is watching her caucus.
  await expect(ana.getByText(/You are in the caucus “With Ana” · Only these people can see and hear you: .*Cleo Carter \(assessor\)/)).toBeVisible();

  await moveSelectedInUi(mediator, ['Ana Alvarez', 'Mediator'], 'Joint room');
  await expect(cleo.getByText(/You are in the joint room/)).toBeVisible();
  await expectReceivingFrom(cleo, ['Mediator', 'Ana Alvarez', 'Ben Brooks']);

  // Ben said no. The mediator goes ahead into his caucus, then brings him in: the assessor, who
  // followed into the empty room, is outside by the time Ben arrives, and is told so.
  await createCaucusInUi(mediator, 'With Ben');
  await moveSelectedInUi(mediator, ['Mediator'], 'With Ben');
  await moveSelectedInUi(mediator, ['Ben Brooks'], 'With Ben');
  await expect(cleo.getByText(/^Not observing: the mediator is in a private meeting where not everyone agreed to be observed/)).toBeVisible();
  await expect(cleo.getByText('Not observing right now: nobody sees or hears you')).toBeVisible();
  await expect(cleo.getByText(/You are in the caucus/)).toHaveCount(0);
  await expectNothingFrom(cleo, ['Ben Brooks', 'Mediator', 'Ana Alvarez']);
  // Ben sees the mediator he joined and nobody else; the assessor is listed, and not in his room.
  await expect(ben.getByText(/^You are in the caucus “With Ben” · Only these people can see and hear you: Mediator$/)).toBeVisible();
  await expect(ben.getByLabel('Video of Mediator')).toBeVisible();
  const cleoRow = ben.getByRole('region', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Cleo Carter' });
  await expect(cleoRow.getByText('Assessor (observing)')).toBeVisible();
  await expect(cleoRow.getByText('Not in your room: cannot see or hear you')).toBeVisible();
  // The mediator knows this part is not observed, and why.
  await expect(mediator.getByText(/Cleo Carter \(assessor\) waits outside: not everyone here agreed to be observed/)).toBeVisible();

  // Back in the joint room, the assessor sees and hears everyone again.
  await moveSelectedInUi(mediator, ['Ben Brooks', 'Mediator'], 'Joint room');
  await expect(cleo.getByText(/You are in the joint room/)).toBeVisible();
  await expectReceivingFrom(cleo, ['Mediator', 'Ana Alvarez', 'Ben Brooks']);
  await expect(cleo.getByText('Observing: nobody sees or hears you')).toBeVisible();
  await expect(cleo.getByRole('button', { name: /mute|microphone|camera|share/i })).toHaveCount(0);

  await Promise.all([mediatorCtx.close(), aCtx.close(), bCtx.close(), cCtx.close()]);
});


/**
 * The page as it is at desktop width, then at phone width (no sideways scrolling there), then back;
 * axe-core finds no serious or critical accessibility problem at either width.
 */
async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: screenPath(`assessor-${name}-desktop`), fullPage: true });
  await expectAccessible(page, `assessor-${name}-desktop`);
  await page.setViewportSize(PHONE);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: no sideways scrolling on a phone`).toBe(true);
  await page.screenshot({ path: screenPath(`assessor-${name}-phone`), fullPage: true });
  await expectAccessible(page, `assessor-${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Box, outer: Box) => a.x >= outer.x - 0.5 && a.y >= outer.y - 0.5 && a.x + a.width <= outer.x + outer.width + 0.5 && a.y + a.height <= outer.y + outer.height + 0.5;

/**
 * The observer's tile on `page`: "Observing: no camera or microphone" is drawn inside the tile and
 * clear of the name and role under it, however small the tile is. Measured until the layout has
 * settled after a change of width (a loaded machine may still be laying it out).
 */
async function expectObserverTileLegible(page: Page, label: string): Promise<void> {
  const tile = page.getByRole('figure').filter({ hasText: 'Observing: no camera or microphone' });
  await expect(tile).toBeVisible();
  const problems = async (): Promise<string[]> => {
    const found: string[] = [];
    const tileBox = (await tile.boundingBox())!;
    const text = (await tile.getByText('Observing: no camera or microphone').boundingBox())!;
    if (!inside(text, tileBox)) found.push(`${label}: the observing text lies outside its tile`);
    for (const cls of ['tile-name', 'tile-role']) {
      const part = tile.locator(`.${cls}`);
      if (!(await part.isVisible())) continue;
      const box = (await part.boundingBox())!;
      if (overlaps(text, box)) found.push(`${label}: "Observing…" (${JSON.stringify(text)}) overlaps .${cls} (${JSON.stringify(box)})`);
    }
    return found;
  };
  await expect.poll(problems).toEqual([]);
}

/**
 * The assessor's journey as each person sees it, for people to look at (.cache/screens/assessor-*):
 * the party's choice, the observer's entry, observing and waiting outside, the review page, and the
 * mediator's side (case page, participants).
 */
test('screens of the assessor journey, desktop and phone', async ({ browser }) => {
  test.setTimeout(720_000); // four browsers with media, and axe-core on some thirty screens (one of sixty items)
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseWithAssessorInUi(
    mediator,
    'Bakery lease',
    [
      { name: 'Dina Diaz', side: 'A' },
      { name: 'Eli Evans', side: 'B' },
    ],
    'Gia Greco',
  );
  await keepVideoOn(mediator);

  const dCtx = await partyContext(browser);
  const dina = await dCtx.newPage();
  await dina.goto(links['Dina Diaz']!);
  await expect(dina.getByRole('checkbox', { name: 'Allow the assessor to follow the mediator into my private meetings' })).toBeVisible();
  await shoot(dina, 'party-gate');
  await dina.setViewportSize(PHONE);
  await dina.getByRole('listitem').filter({ hasText: 'The assessor in your private meetings' }).screenshot({ path: screenPath('assessor-party-gate-clause-phone') });
  await dina.setViewportSize(DESKTOP);
  await passConsentGate(dina, links['Dina Diaz']!, { allowAssessorInCaucus: true });
  const eCtx = await partyContext(browser, PHONE);
  const eli = await eCtx.newPage();
  await passConsentGate(eli, links['Eli Evans']!);

  const gCtx = await partyContext(browser);
  const gia = await gCtx.newPage();
  await passConsentGate(gia, links['Gia Greco']!);
  await expect(gia.getByRole('heading', { name: 'Join as observer' })).toBeVisible();
  await shoot(gia, 'prejoin');

  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  await joinFromPrejoin(dina);
  await joinFromPrejoin(eli);
  await joinAsObserver(gia);
  await expectReceivingFrom(gia, ['Mediator', 'Dina Diaz', 'Eli Evans']);
  const scorecard = gia.getByRole('region', { name: 'Scorecard' });
  await scorecard.getByLabel('Note about the mediator').fill('Summarised both positions before asking Dina to speak.');
  await scorecard.getByRole('button', { name: 'Add note' }).click();
  await expect(scorecard.getByRole('list', { name: 'Your notes' }).getByText('Summarised both positions')).toBeVisible();
  await shoot(gia, 'session');
  // On a desktop the scorecard has room to write in beside the videos (it was once 290 px wide).
  expect((await scorecard.boundingBox())!.width, 'scorecard width at 1280 px').toBeGreaterThanOrEqual(400);
  // On a phone the scorecard is below the videos, one tap away.
  await gia.setViewportSize(PHONE);
  await gia.getByRole('link', { name: 'Your scorecard', exact: true }).click();
  await expect(scorecard.getByLabel('Note about the mediator')).toBeInViewport();
  await gia.setViewportSize(DESKTOP);
  await shoot(mediator, 'mediator-session');

  // Dina agreed: the assessor follows the mediator into her caucus.
  await createCaucusInUi(mediator, 'With Dina');
  await moveSelectedInUi(mediator, ['Dina Diaz', 'Mediator'], 'With Dina');
  await expectReceivingFrom(gia, ['Mediator', 'Dina Diaz']);
  await shoot(gia, 'in-caucus');
  await shoot(dina, 'party-caucus-observed');
  // The mediator's caucus view: the assessor's tile says they observe, clear of their name and role,
  // also when it is small (Dina on the main stage puts it in the strip), on a desktop and a phone.
  await expectObserverTileLegible(mediator, 'caucus, grid, desktop');
  await mediator.getByRole('button', { name: 'Show Dina Diaz on main stage' }).click();
  await expect(mediator.getByRole('list', { name: 'Everyone else' }).getByRole('figure').filter({ hasText: 'Gia Greco' })).toBeVisible();
  await expectObserverTileLegible(mediator, 'caucus, strip, desktop');
  await mediator.screenshot({ path: screenPath('assessor-mediator-caucus-strip-desktop') });
  await mediator.setViewportSize(PHONE);
  await expectObserverTileLegible(mediator, 'caucus, strip, phone');
  await mediator.getByRole('list', { name: 'Everyone else' }).screenshot({ path: screenPath('assessor-mediator-caucus-strip-phone') });
  await mediator.setViewportSize(DESKTOP);
  await mediator.getByRole('button', { name: 'Automatic stage' }).click();
  await expect(mediator.getByRole('list', { name: 'Everyone else' })).toHaveCount(0);
  await moveSelectedInUi(mediator, ['Dina Diaz', 'Mediator'], 'Joint room');

  // Eli did not: the assessor waits outside his caucus.
  await createCaucusInUi(mediator, 'With Eli');
  await moveSelectedInUi(mediator, ['Eli Evans', 'Mediator'], 'With Eli');
  await expect(gia.getByText(/Not observing/).first()).toBeVisible();
  await expectNothingFrom(gia, ['Mediator', 'Dina Diaz', 'Eli Evans']);
  await shoot(gia, 'waiting');
  await shoot(eli, 'party-caucus-not-observed');
  // A full-page shot puts the sticky controls over the list; the screen as Eli scrolls to the assessor.
  await eli.setViewportSize(PHONE);
  await eli.getByRole('region', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Gia Greco' }).evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await eli.screenshot({ path: screenPath('assessor-party-caucus-not-observed-list-phone') });
  const giaRow = mediator.getByRole('region', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Gia Greco' });
  await expect(giaRow.getByText(/Waiting outside your caucus/)).toBeVisible();
  await giaRow.scrollIntoViewIfNeeded();
  await shoot(mediator, 'mediator-participants');
  await moveSelectedInUi(mediator, ['Eli Evans', 'Mediator'], 'Joint room');
  // The parties' part is done: their media would only slow the long pages below on a small machine.
  await Promise.all([dCtx.close(), eCtx.close()]);

  // After the session: the assessor finishes the scorecard and shares it with the mediator.
  await gia.goto(new URL('/assess', caseUrl).toString());
  const review = gia.getByRole('region', { name: 'Scorecard' });
  await review.getByLabel(/^2\.11-iii /).selectOption('competent');
  await review.getByLabel(/^3\.7\.1 /).selectOption('strong');
  await review.getByLabel('Share this assessment with the mediator').check();
  await expect(review.getByText(/Shared with the mediator since/)).toBeVisible();
  // Sixty items long: the page says where things stand at the top, and leads to each part.
  const parts = review.getByRole('navigation', { name: 'Parts of your scorecard' });
  await expect(parts.getByText(/^2 of \d+ items rated · 1 note · shared with the mediator$/)).toBeVisible();
  await review.getByRole('button', { name: 'Download printable report' }).scrollIntoViewIfNeeded();
  await gia.evaluate(() => window.scrollTo(0, 0));
  await parts.getByRole('link', { name: 'Share and export' }).click();
  await expect(review.getByRole('button', { name: 'Download printable report' })).toBeInViewport();
  await shoot(gia, 'review');

  await mediator.goto(caseUrl);
  await expect(mediator.getByRole('heading', { name: 'Add someone to the case' })).toBeVisible();
  await expect(mediator.getByText(/Gia Greco shared their assessment/)).toBeVisible();
  await shoot(mediator, 'mediator-case');
  const [report] = await Promise.all([mediator.waitForEvent('popup'), mediator.getByRole('link', { name: 'Open the assessment report' }).click()]);
  await expect(report.getByText('Summarised both positions before asking Dina to speak.')).toBeVisible();
  await shoot(report, 'report');

  await Promise.all([mediatorCtx.close(), gCtx.close()]);
});
