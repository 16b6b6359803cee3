import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { agreementEditor, createCaucusInUi, expectNothingFrom, freezeAgreementInUi, moveSelectedInUi, signAgreementAsParty, threeInSession } from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { repoRoot } from '../support/server.ts';

const screens = path.join(repoRoot, '.cache', 'screens');

/** The page as it is, on a desktop and on a phone, then back to the desktop. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: path.join(screens, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(screens, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** What a party is told must be true: a muted microphone, control of the stage, a caucus they are not in, a version waiting for signatures. */
test.setTimeout(180_000);

test('a party’s session says what is true: muted, who has control, alone during a caucus, a version frozen for signature', async ({ browser }) => {
  const { mediator, b: ben, caseUrl, close } = await threeInSession(browser, 'Fence repair', ['Ana Alves', 'Ben Brown']);
  const top = ben.locator('.room-line');

  // Muted: seen, not heard, and the line at the top says so.
  await ben.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(top).toHaveText('You are in the joint room · Everyone in this room can see you (your microphone is off): Mediator, Ana Alves');
  // The mediator steers the stage: said on their tile and their row, in words.
  await expect(ben.locator('.tile').filter({ hasText: 'Mediator' }).getByText('Has control of the stage')).toBeVisible();
  await expect(ben.getByRole('region', { name: 'Participants' }).getByRole('listitem').filter({ hasText: 'Mediator' }).getByText('Has control of the stage')).toBeVisible();
  await expect(ben.getByText('Mediator has control')).toBeVisible();
  await shoot(ben, 'party-muted-control');
  await expectAccessible(ben, 'party muted, mediator has control');

  // The mediator takes Ana into a caucus: Ben, alone, is told that, and nobody "has control" here.
  await createCaucusInUi(mediator, 'With Ana');
  await moveSelectedInUi(mediator, ['Ana Alves', 'Mediator'], 'With Ana');
  await expectNothingFrom(ben, ['Ana Alves', 'Mediator']);
  await expect(ben.getByText('The mediator is in a private meeting in another room. Ana Alves is not in this room either.')).toBeVisible();
  await expect(ben.getByText('Waiting for the others to join…')).toHaveCount(0);
  await expect(ben.getByText('Mediator has control')).toHaveCount(0);
  await expect(top).toHaveText('You are in the joint room · Nobody else is in this room right now: nobody can see or hear you');
  // Nothing of the caucus beyond that: not its name.
  await expect(ben.getByText('With Ana')).toHaveCount(0);
  await shoot(ben, 'party-alone-during-caucus');
  await expectAccessible(ben, 'party alone during a caucus');
  await moveSelectedInUi(mediator, ['Ana Alves', 'Mediator'], 'Joint room');
  await expect(top).toContainText('Everyone in this room can see you (your microphone is off)');

  // The mediator freezes the draft (on the draft page, in another tab): Ben's session says so at once.
  const desk = await mediator.context().newPage();
  await desk.goto(caseUrl);
  await desk.getByRole('link', { name: 'Agreement draft' }).click();
  await expect(desk.getByRole('region', { name: 'Agreement draft' }).getByText('Saved on the server')).toBeVisible();
  await agreementEditor(desk).click();
  await desk.keyboard.type('Ana repairs the fence; Ben pays for the wood.');
  await freezeAgreementInUi(desk);
  const compact = ben.getByTestId('agreement-banner-compact');
  await expect(compact).toContainText('Version 1 is waiting for signatures');
  await ben.getByRole('button', { name: 'Agreement draft' }).click();
  const banner = ben.getByTestId('agreement-banner');
  await expect(banner).toContainText('Version 1 is waiting for signatures');
  await expect(banner).toContainText('Waiting for you and Ana Alves to sign. Editing the draft withdraws it.');
  await shoot(ben, 'party-draft-frozen-banner');
  await expectAccessible(ben, 'in-session draft with a frozen version');

  // Review and sign without leaving the session; "Signed so far" counts Ben.
  await banner.getByRole('button', { name: 'Review and sign the agreement' }).click();
  await expect(ben.getByText(/You are still in the live session while you read this/)).toBeVisible();
  await signAgreementAsParty(ben, 1);
  await expect(ben.getByTestId('signed-so-far')).toHaveText(/^you \(signed .+\)$/);
  await expect(ben.getByText('Waiting for Ana Alves to sign.')).toBeVisible();
  await shoot(ben, 'party-signed-in-session');
  await expectAccessible(ben, 'signed, in the session');
  await ben.getByRole('button', { name: 'Back to the draft' }).click();
  await expect(banner).toContainText('You signed it. Waiting for Ana Alves. Editing the draft withdraws it, with the signatures already given.');
  await expect(banner.getByRole('button', { name: 'Read the agreement you signed' })).toBeVisible();
  await expect(compact).toHaveCount(0);
  await close();
});
