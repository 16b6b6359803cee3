import { expect, test } from '@playwright/test';
import { expectAccessible } from '../support/axe.ts';
import { createCaseInUi, expectReceivingFrom, joinFromPrejoin, mediatorContext, partyContext, passConsentGate, recordEntries } from '../support/flows.ts';
import { PHONE, screenshot } from '../support/screens.ts';

test.setTimeout(180_000);

/**
 * People on an existing case (issue 13): the mediator adds an advisor after the case was created,
 * with what that means for consent said first, and takes a party off the case while they are in
 * the session: they are taken out at once and told why, and the record says who did it.
 */
test('the mediator adds an advisor to a case and takes a party off it during a session', async ({ browser }) => {
  const mCtx = await mediatorContext(browser);
  const m = await mCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(m, 'Shared driveway', [{ name: 'Ana Alves', side: 'A' }, { name: 'Ben Brown', side: 'B' }]);

  const add = m.getByRole('region', { name: 'Add someone to the case' });
  await add.getByLabel('Role').selectOption('advisor');
  await expect(add.getByText(/^An advisor \(counsel or a support person\)/)).toBeVisible();
  await add.getByLabel('Side').selectOption('A');
  await add.getByLabel('Name').fill('Carla Counsel');
  await screenshot(m, 'mediator-add-person-desktop');
  await expectAccessible(m, 'case page, adding someone');
  await add.getByRole('button', { name: 'Add to the case' }).click();
  await expect(m.getByText('Carla Counsel was added as advisor, side A. Their invitation link is ready in the list of participants.')).toBeVisible();
  await expect(m.getByLabel('Invitation link for Carla Counsel')).toHaveValue(/\/join#t=/);

  // Ben is in the session with the mediator.
  await m.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(m);
  const bCtx = await partyContext(browser, PHONE);
  const ben = await bCtx.newPage();
  await passConsentGate(ben, links['Ben Brown']!);
  await joinFromPrejoin(ben);
  await expectReceivingFrom(m, ['Ben Brown']);

  // Taken off the case from the case page (another tab): out of the session at once, and told why.
  const casePage = await mCtx.newPage();
  await casePage.setViewportSize(PHONE);
  await casePage.goto(caseUrl);
  const card = casePage.getByRole('article', { name: 'Ben Brown' });
  await screenshot(casePage, 'mediator-case-people-phone');
  casePage.once('dialog', (d) => {
    expect(d.message()).toContain('Take Ben Brown off this case?');
    void d.accept();
  });
  await card.getByRole('button', { name: 'Take off the case' }).click();
  await expect(casePage.getByText('Ben Brown was taken off the case.')).toBeVisible();
  await expect(casePage.getByRole('article', { name: 'Ben Brown' })).toHaveCount(0);
  await expect(ben.getByText('The mediator removed you from this case.')).toBeVisible();
  await expect(ben.getByRole('button', { name: /Join/ })).toHaveCount(0);
  await expect(m.getByRole('region', { name: 'Participants' }).getByText('Ben Brown')).toHaveCount(0);
  // His link no longer opens the case.
  const again = await bCtx.newPage();
  await again.goto(links['Ben Brown']!);
  await expect(again.getByRole('heading', { name: 'This link has been withdrawn' })).toBeVisible();
  await expect(again.getByRole('heading', { name: 'Protocol agreement' })).toHaveCount(0);
  await screenshot(again, 'party-taken-off-phone');

  const people = (await recordEntries(casePage, caseUrl)).filter((e) => e.type === 'participant.added' || e.type === 'participant.removed').map((e) => [e.type, e.data]);
  expect(people).toEqual([
    ['participant.added', { participant: 'Carla Counsel', role: 'advisor' }],
    ['participant.removed', { participant: 'Ben Brown', role: 'party' }],
  ]);
  await Promise.all([mCtx.close(), bCtx.close()]);
});
