import { expect, test } from '@playwright/test';
import { inboundStats, pageRequest, threeInSession } from '../support/flows.ts';

test('control of the stage: give, request, take back; a non-controller is refused', async ({ browser }) => {
  const { mediator, a, b, close } = await threeInSession(browser, 'Partnership exit', ['Mara Moss', 'Niko Nagy']);

  // Niko asks for control; the mediator sees the request but gives it to Mara instead.
  await b.getByRole('button', { name: 'Request control' }).click();
  await expect(mediator.getByText('Niko Nagy asks for control')).toBeVisible();
  await mediator.getByRole('button', { name: 'Give control to Mara Moss' }).first().click();
  await expect(a.getByText('You have control of the stage')).toBeVisible();
  await expect(b.getByText('Mara Moss has control')).toBeVisible();

  // Mara puts the mediator's camera on the main stage; everyone's stage follows.
  await a.getByRole('button', { name: /^Show .*Mediator.* on main stage$/ }).first().click();
  const mediatorCam = (await inboundStats(b)).find((s) => s.displayName === 'Mediator' && s.kind === 'video')!;
  await expect.poll(async () => (await pageRequest(b, 'stage:set', { producerId: null })).error?.code).toBe('forbidden');
  expect(mediatorCam).toBeTruthy();

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
  await close();
});
