import { expect, test, type Page } from '@playwright/test';
import { agreementEditor, createCaseInUi, mediatorContext, openDraftAsParty, partyContext, passConsentGate } from '../support/flows.ts';

/** IMI 3.8.1/3.8.2: the mediator and the parties write the agreement together, live. */
test('mediator and two parties type in the agreement draft at the same time, converge on one text and see each other', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Neighbours: the shared driveway', [
    { name: 'Ana Alvarez', side: 'A' },
    { name: 'Ben Brooks', side: 'B' },
  ]);
  const aCtx = await partyContext(browser);
  const ana = await aCtx.newPage();
  await passConsentGate(ana, links['Ana Alvarez']!);
  await openDraftAsParty(ana);
  const bCtx = await partyContext(browser);
  const ben = await bCtx.newPage();
  await passConsentGate(ben, links['Ben Brooks']!);
  await openDraftAsParty(ben);

  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Agreement draft' }).click();
  await expect(mediator).toHaveURL(/\/cases\/[A-Za-z0-9_-]+\/draft$/);
  await expect(mediator.getByRole('region', { name: 'Agreement draft' }).getByText('Saved on the server')).toBeVisible();
  // The mediator's private notes are a separate document below.
  await expect(mediator.getByRole('textbox', { name: 'My private notes' })).toBeVisible();

  const pages: Array<[Page, string, string]> = [
    [mediator, 'Attendance:', 'The mediator records that both parties attended.'],
    [ana, 'Hedge:', 'Ana will trim the hedge by the end of May.'],
    [ben, 'Gate:', 'Ben will repaint the gate before June.'],
  ];
  // Each person starts a paragraph of their own below the previous person's, one after the other…
  // (The caret goes there by clicking that paragraph: a click in the editor's empty area followed
  // at once by Ctrl+End could leave the caret at the start on a loaded machine, splitting the first line.)
  for (const [i, [page, label]] of pages.entries()) {
    if (i === 0) await agreementEditor(page).click();
    else {
      await agreementEditor(page).locator('p', { hasText: pages[i - 1]![1] }).click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
    }
    await page.keyboard.type(label);
    const sofar = pages.slice(0, i + 1).map(([, l]) => l);
    for (const [other] of pages) await expect.poll(() => draftParagraphs(other)).toEqual(sofar);
  }
  // …then all three type into their own paragraph at the same moment.
  await Promise.all(
    pages.map(async ([page, label, sentence]) => {
      await agreementEditor(page).locator('p', { hasText: label }).click();
      await page.keyboard.press('End');
      await page.keyboard.type(` ${sentence}`, { delay: 10 });
    }),
  );

  // The same text on every screen, with every sentence whole where its author typed it.
  const expected = pages.map(([, label, sentence]) => `${label} ${sentence}`);
  for (const [page] of pages) await expect.poll(() => draftParagraphs(page), { timeout: 15_000 }).toEqual(expected);

  // Each sees the others' carets with their names, and who else has the draft open.
  const others: Array<[Page, string[]]> = [
    [mediator, ['Ana Alvarez', 'Ben Brooks']],
    [ana, ['Mediator', 'Ben Brooks']],
    [ben, ['Mediator', 'Ana Alvarez']],
  ];
  for (const [page, names] of others) {
    const region = page.getByRole('region', { name: 'Agreement draft' });
    for (const n of names) {
      await expect(region.locator('.collaboration-carets__label', { hasText: n })).toBeVisible();
      await expect(region.getByRole('list', { name: 'People with this draft open' }).getByText(n)).toBeVisible();
    }
  }

  // Bold from the toolbar reaches the others as formatting, not as characters.
  await agreementEditor(ana).click();
  await ana.keyboard.press('Control+End');
  await ana.keyboard.press('Enter');
  // Type, select, then bold: a mark on a selection survives remote edits arriving meanwhile, where a
  // pending "bold from here on" (stored mark) is reset by any remote transaction in between.
  await ana.keyboard.type('Signed copies for everyone.');
  await ana.keyboard.press('Shift+Home');
  await ana.getByRole('button', { name: 'Bold' }).click();
  await expect(agreementEditor(ben).locator('strong', { hasText: 'Signed copies for everyone.' })).toBeVisible();
  // Where the new line lands depends on timing; that all three read the same text does not.
  await expect
    .poll(async () => new Set(await Promise.all(pages.map(async ([p]) => JSON.stringify(await draftParagraphs(p))))).size, { timeout: 15_000 })
    .toBe(1);
  expect(await draftParagraphs(mediator)).toEqual(expect.arrayContaining([...expected, 'Signed copies for everyone.']));

  await Promise.all([mediatorCtx.close(), aCtx.close(), bCtx.close()]);
});

/** The draft's paragraphs as the person reads them (others' caret labels left out). */
function draftParagraphs(page: Page): Promise<string[]> {
  return agreementEditor(page).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
    return [...copy.querySelectorAll('p')].map((p) => (p.textContent ?? '').trim()).filter(Boolean);
  });
}
