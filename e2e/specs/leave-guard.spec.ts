import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from '../support/axe.ts';
import { createCaseInUi, joinFromPrejoin, mediatorContext, partyContext, passConsentGate } from '../support/flows.ts';
import { PHONE, screenPath } from '../support/screens.ts';

/**
 * A live session is not left by accident: the browser's Back button (within the app) asks with our
 * dialog, reload and closing ask with the browser's own question. Screenshots:
 * .cache/screens/leave-dialog-*.png.
 */
const phone = PHONE;

async function mediatorName(page: Page): Promise<string> {
  return page.evaluate(async () => ((await (await fetch('/api/me')).json()) as { mediator: { displayName: string } }).mediator.displayName);
}

test('Back in a live session asks first: Stay keeps the mediator in, Leave leaves', async ({ browser }) => {
  const mCtx = await mediatorContext(browser);
  const m = await mCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(m, 'Leaving on purpose', [
    { name: 'Nora Nagel', side: 'A' },
    { name: 'Otto Olsen', side: 'B' },
  ]);
  const name = await mediatorName(m);
  const aCtx = await partyContext(browser, phone);
  const a = await aCtx.newPage();
  await passConsentGate(a, links['Nora Nagel']!);

  // The mediator reaches the session inside the app: case page → Open session (one history step).
  await m.goto(caseUrl);
  await m.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(m);
  await joinFromPrejoin(a);
  const presentOnA = a.getByRole('region', { name: 'Participants' }).getByRole('listitem').filter({ hasText: name });
  await expect(presentOnA).toBeVisible();

  // Back: our dialog, the session still on screen and at its address.
  await m.goBack();
  const dialog = m.getByRole('dialog', { name: 'Leave the session?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('The others will see that you left.');
  await expect(dialog.getByRole('button', { name: 'Stay' })).toBeFocused();
  await expect(m).toHaveURL(/\/session$/);
  await m.screenshot({ path: screenPath('leave-dialog-desktop') });
  await expectAccessible(m, 'leave dialog (desktop)');

  // Stay: still in. The party still has the mediator, and hears from them after the question.
  await dialog.getByRole('button', { name: 'Stay' }).click();
  await expect(dialog).toBeHidden();
  await expect(m.getByRole('button', { name: 'Leave session' })).toBeEnabled();
  await m.getByLabel('Announcement to all rooms').fill('Still here after the question');
  await m.getByRole('button', { name: 'Send announcement' }).click();
  await expect(a.getByText(`Announcement from ${name}: Still here after the question`).first()).toBeVisible();
  await expect(presentOnA).toBeVisible();
  await expect(a.getByText(`${name} left the session.`)).toHaveCount(0);

  // Back again, on a phone-sized window this time; Escape is "Stay" too.
  await m.setViewportSize(phone);
  await m.goBack();
  await expect(dialog).toBeVisible();
  await m.screenshot({ path: screenPath('leave-dialog-phone') });
  await expectAccessible(m, 'leave dialog (phone)');
  await m.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(m).toHaveURL(/\/session$/);

  // Leave: to the page Back was heading for, and the party sees that the mediator left.
  await m.goBack();
  await dialog.getByRole('button', { name: 'Leave' }).click();
  await expect(m).toHaveURL(caseUrl);
  await expect(m.getByRole('link', { name: 'Open session' })).toBeVisible();
  await expect(a.getByText(`${name} left the session.`).first()).toBeVisible();
  await expect(presentOnA).toHaveCount(0);

  await Promise.all([mCtx.close(), aCtx.close()]);
});

test('reload in a live session asks with the browser’s question; not on the camera check', async ({ browser }) => {
  const mCtx = await mediatorContext(browser);
  const m = await mCtx.newPage();
  const { caseUrl } = await createCaseInUi(m, 'Reloading by accident', [
    { name: 'Pia Petersen', side: 'A' },
    { name: 'Quentin Quist', side: 'B' },
  ]);
  const dialogs: string[] = [];
  m.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept(); // "Leave": the reload goes ahead
  });

  await m.goto(`${caseUrl}/session`);
  await joinFromPrejoin(m); // the click on "Join session" is the gesture Chromium wants before it asks
  await m.reload();
  expect(dialogs).toEqual(['beforeunload']);

  // Back on the camera check (not in the session): a reload does not ask.
  await expect(m.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await m.getByRole('heading', { name: 'Check your camera and microphone' }).click(); // a gesture again
  await m.reload();
  await expect(m.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  expect(dialogs).toEqual(['beforeunload']);

  // The Leave button leaves at once (no question), and afterwards a reload does not ask either.
  await joinFromPrejoin(m);
  await m.getByRole('button', { name: 'Leave session' }).click();
  await expect(m.getByRole('heading', { name: 'You left the session' })).toBeVisible();
  await m.reload();
  await expect(m.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  expect(dialogs).toEqual(['beforeunload']);
  await mCtx.close();
});
