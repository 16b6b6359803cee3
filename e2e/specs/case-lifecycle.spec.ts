import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { onPhone, openThread, recordTypes, server, threeInSession, writeInSession } from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { fitsTheScreen, screenshot } from '../support/screens.ts';

/**
 * The end of a case [issue 15], as the mediator and the parties see it. The mediator concludes a
 * case without agreement while everyone is in the session: the session ends on every screen, the
 * parties find what they can still read and the mediator's words, and nothing offers to write.
 * The case list says where the case stands. Then the mediator archives it, and a party's link
 * says the mediation has ended.
 */
const TITLE = 'Orchard boundary';
const MESSAGE = 'I can live with the old line if the gate stays.';
const REASON = 'Ben decided to take the matter to court; we could not find an agreement in the time we had.';

test('a mediator concludes a case during a session, the parties read what is left, then the mediator archives it', async ({ browser }) => {
  test.setTimeout(240_000);
  const { mediator, a, b, links, caseUrl, close } = await threeInSession(browser, TITLE, ['Ana Alves', 'Ben Brown']);
  try {
    await writeInSession(a, MESSAGE, 'Draft line before the end.');

    // The mediator concludes it from the case page, in another tab.
    const casePage = await mediator.context().newPage();
    await casePage.goto(caseUrl);
    const conclude = casePage.getByRole('region', { name: 'Conclude the case' });
    await conclude.getByLabel('Without an agreement').check();
    await conclude.getByLabel('Why it ended (the parties read this)').fill(REASON);
    await conclude.getByLabel('Days the parties can still read the agreement and their messages').fill('14');
    await conclude.getByRole('button', { name: 'Conclude the case…' }).click();
    const dialog = casePage.getByRole('dialog', { name: `Conclude “${TITLE}”?` });
    await expect(dialog.getByText('The parties can read their messages for 14 days.')).toBeVisible();
    await screenshot(casePage, 'case-conclude-confirm');
    await dialog.getByRole('button', { name: 'Conclude the case' }).click();

    const banner = casePage.getByRole('region', { name: 'This case is concluded' });
    await expect(banner.getByText(REASON)).toBeVisible();
    await expect(banner.getByText(/Concluded without an agreement on .*\. The parties and the others on the case can read their messages until/)).toBeVisible();
    await expect(casePage.getByRole('link', { name: 'Open session' })).toHaveCount(0);
    await expect(casePage.getByRole('region', { name: 'Waiting room' })).toHaveCount(0);
    await fitsTheScreen(casePage, 'concluded case page');
    await screenshot(casePage, 'case-concluded-mediator');
    await expectAccessible(casePage, 'concluded case page');
    await onPhone(browser, server(), caseUrl, TITLE, 'case-concluded-mediator');

    // Ana, who was in the session, lands on what she can still read, with the mediator's words.
    await expect(a.getByRole('heading', { name: 'This mediation has concluded', level: 1 })).toBeVisible({ timeout: 30_000 });
    await expect(a.getByText(REASON)).toBeVisible();
    await expect(a.getByText(/It concluded without an agreement on/)).toBeVisible();
    await screenshot(a, 'case-concluded-party');
    await expectAccessible(a, 'concluded case, party');
    await a.getByRole('button', { name: 'Read your messages' }).click();
    await openThread(a, 'Joint thread');
    const messages = a.getByRole('region', { name: 'Messages' });
    await expect(messages.getByRole('log', { name: 'Messages in Joint thread' }).getByText(MESSAGE)).toBeVisible();
    await expect(messages.getByText('This mediation has concluded: the messages can be read, not written.')).toBeVisible();
    await expect(messages.getByLabel('Message to Joint thread')).toHaveCount(0);
    await expect(messages.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
    await screenshot(a, 'case-concluded-party-messages');
    await expectAccessible(a, 'concluded case, party messages');
    // What the platform holds about her, as a page she keeps: her message, and not the mediator's words.
    await a.getByRole('button', { name: 'Back' }).click();
    await a.getByText('What Parley holds about you').click();
    const download = a.waitForEvent('download');
    await a.getByRole('button', { name: 'Download as a page' }).click();
    const page = fs.readFileSync((await (await download).path())!, 'utf8');
    expect(page).toContain(MESSAGE);
    expect(page).not.toContain(REASON);
    await expect(a.getByRole('status').filter({ hasText: 'Downloaded.' })).toBeVisible();
    await expect(b.getByRole('heading', { name: 'This mediation has concluded', level: 1 })).toBeVisible({ timeout: 30_000 });
    await onPhone(browser, null, links['Ben Brown']!, 'This mediation has concluded', 'case-concluded-party');

    // The case list says where it stands.
    await casePage.goto(new URL('/', caseUrl).toString());
    const item = casePage.getByRole('listitem').filter({ has: casePage.getByRole('link', { name: TITLE }) });
    await expect(item.getByText('Concluded · no agreement')).toBeVisible();
    await screenshot(casePage, 'case-list-concluded');
    await expectAccessible(casePage, 'case list with a concluded case');
    await onPhone(browser, server(), new URL('/', caseUrl).toString(), 'Your cases', 'case-list-concluded');

    // Archived: the parties' links say the mediation has ended; the mediator still reads it.
    await casePage.goto(caseUrl);
    await casePage.getByRole('button', { name: 'Archive the case…' }).click();
    await casePage.getByRole('dialog', { name: `Archive “${TITLE}”?` }).getByRole('button', { name: 'Archive the case' }).click();
    await expect(casePage.getByRole('heading', { name: 'This case is archived', level: 2 })).toBeVisible();
    await screenshot(casePage, 'case-archived-mediator');
    await b.reload();
    await expect(b.getByRole('heading', { name: 'This mediation has ended', level: 1 })).toBeVisible();
    await screenshot(b, 'case-archived-party');
    await expectAccessible(b, 'archived case, party');
    await casePage.goto(new URL('/', caseUrl).toString());
    await expect(casePage.getByRole('link', { name: TITLE })).toHaveCount(0);
    await casePage.getByLabel('Show', { exact: true }).selectOption('archived');
    await expect(casePage.getByRole('listitem').filter({ has: casePage.getByRole('link', { name: TITLE }) }).getByText('Archived')).toBeVisible();
    expect(await recordTypes(casePage, caseUrl)).toEqual(expect.arrayContaining(['case.concluded', 'case.archived']));
  } finally {
    await close();
  }
});
