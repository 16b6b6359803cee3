import { expect, test, type Page } from '@playwright/test';
import { pageRequest, threeInSession } from '../support/flows.ts';

/** `page` shows `name`'s camera large on its main stage, with the picture playing. */
async function expectOnStage(page: Page, name: string): Promise<void> {
  const stage = page.getByTestId('main-stage');
  await expect(stage.locator('.tile-name')).toHaveText(name);
  await expect(stage.locator('video')).toBeVisible();
}

test('control of the stage: give, request, take back; everyone’s stage follows; a non-controller is refused', async ({ browser }) => {
  const { mediator, a, b, close } = await threeInSession(browser, 'Partnership exit', ['Mara Moss', 'Niko Nagy']);
  // Nobody chose anything yet and nobody shares a screen: every page shows the grid.
  for (const page of [mediator, a, b]) await expect(page.getByTestId('main-stage')).toHaveCount(0);

  // Niko asks for control; the mediator sees the request but gives it to Mara instead.
  await b.getByRole('button', { name: 'Request control' }).click();
  await expect(mediator.getByText('Niko Nagy asks for control')).toBeVisible();
  await mediator.getByRole('button', { name: 'Give control to Mara Moss' }).first().click();
  await expect(a.getByText('You have control of the stage')).toBeVisible();
  await expect(b.getByText('Mara Moss has control')).toBeVisible();

  // Mara puts the mediator's camera on the main stage; everyone else's stage follows. The mediator's
  // own camera is never a tile on their own page (it is the small self view), so theirs stays a grid.
  await a.getByRole('button', { name: /^Show .*Mediator.* on main stage$/ }).first().click();
  await expectOnStage(a, 'Mediator');
  await expectOnStage(b, 'Mediator');
  await expect(mediator.getByTestId('main-stage')).toHaveCount(0);
  // Niko does not have control: his stage command is refused and changes nobody's stage.
  expect(await pageRequest(b, 'stage:set', { producerId: null })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  await expectOnStage(a, 'Mediator');

  // Mara's pointer shows on Niko's screen.
  const stage = a.getByTestId('main-stage');
  const box = (await stage.boundingBox())!;
  await a.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6);
  await a.mouse.move(box.x + box.width * 0.31, box.y + box.height * 0.61);
  await expect(b.getByText(/Mara Moss['’]s pointer/)).toBeVisible();

  // The mediator takes control back; Mara's stage command is now refused.
  await mediator.getByRole('button', { name: 'Take back control' }).click();
  await expect(a.getByText('Mediator has control')).toBeVisible();
  expect(await pageRequest(a, 'stage:set', { producerId: null })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  await expectOnStage(a, 'Mediator');

  // The mediator, in control again, puts Niko on the stage: the mediator's and Mara's stages follow;
  // Niko's own page shows no stage of his own camera.
  await mediator.getByRole('button', { name: /^Show .*Niko Nagy.* on main stage$/ }).first().click();
  await expectOnStage(mediator, 'Niko Nagy');
  await expectOnStage(a, 'Niko Nagy');
  await expect(b.getByTestId('main-stage')).toHaveCount(0);
  await close();
});
