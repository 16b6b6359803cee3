import { expect, test } from '@playwright/test';
import { createCaucusInUi, expectReceivingFrom, moveSelectedInUi, threeInSession } from '../support/flows.ts';

test('an announcement reaches every room, and a caucus timer returns everyone to the joint room', async ({ browser }) => {
  const { mediator, a, b, close } = await threeInSession(browser, 'Construction defects', ['Olga Orr', 'Pavel Petrov']);
  await createCaucusInUi(mediator, 'Olga alone');
  await moveSelectedInUi(mediator, ['Olga Orr'], 'Olga alone');
  await expect(a.getByText(/You are in the caucus “Olga alone”/)).toBeVisible();

  // Olga asks for the mediator from her caucus; the mediator sees it.
  await a.getByRole('button', { name: 'Ask for the mediator' }).click();
  await expect(a.getByText('The mediator has been told you are asking for them.')).toBeVisible();
  await expect(mediator.getByRole('alert').filter({ hasText: 'Olga Orr asks for the mediator in Olga alone' })).toBeVisible();

  await mediator.getByLabel('Announcement to all rooms').fill('Back in the joint room in 2 minutes');
  await mediator.getByRole('button', { name: 'Send announcement' }).click();
  for (const page of [a, b]) await expect(page.getByText('Announcement from Mediator: Back in the joint room in 2 minutes')).toBeVisible();

  // A 6-second timer: the occupants see the countdown and a warning, then return to the joint room.
  await mediator.getByLabel('Minutes for Olga alone').fill('0.1');
  await mediator.getByRole('button', { name: 'Start timer for Olga alone' }).click();
  await expect(a.getByText(/Time left in this room: 0:0\d/)).toBeVisible();
  await expect(a.getByText(/This caucus ends in \d+ seconds/)).toBeVisible({ timeout: 10_000 });
  await expect(a.getByText(/You are in the joint room/)).toBeVisible({ timeout: 15_000 });
  await expectReceivingFrom(b, ['Mediator', 'Olga Orr']);
  await close();
});
