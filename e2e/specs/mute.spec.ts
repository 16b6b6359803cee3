import { expect, test } from '@playwright/test';
import { audioPacketsFrom, outboundStats, pageRequest, threeInSession } from '../support/flows.ts';

test('the mediator mutes a party on the server: it holds against the party’s own resume; asking to unmute only asks', async ({ browser }) => {
  const { mediator, a, b, close } = await threeInSession(browser, 'Workplace grievance', ['Kemal Kaya', 'Lena Lund']);

  await mediator.getByRole('button', { name: 'Mute Lena Lund' }).click();
  await expect(b.getByText('Muted by Mediator')).toBeVisible();
  await expect(b.getByRole('button', { name: 'Unmute microphone' })).toBeDisabled();
  await expect(a.getByRole('region', { name: 'Participants' }).getByText(/Microphone off/)).toBeVisible();

  // Lena's audio no longer reaches Kemal, even when her client resumes itself with a raw request.
  const mic = (await outboundStats(b)).find((p) => p.source === 'mic')!;
  expect(await pageRequest(b, 'producer:set-paused', { producerId: mic.producerId, paused: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  await b.waitForTimeout(500);
  const before = await audioPacketsFrom(a, 'Lena Lund');
  await a.waitForTimeout(2000);
  expect(await audioPacketsFrom(a, 'Lena Lund')).toBe(before);

  // Asking to unmute shows Lena a prompt and changes nothing until she decides.
  await mediator.getByRole('button', { name: 'Ask Lena Lund to unmute' }).click();
  const prompt = b.getByRole('alertdialog');
  await expect(prompt.getByText('Mediator asks you to unmute')).toBeVisible();
  await a.waitForTimeout(1500);
  expect(await audioPacketsFrom(a, 'Lena Lund')).toBe(before);
  await prompt.getByRole('button', { name: 'Unmute now' }).click();
  await expect.poll(() => audioPacketsFrom(a, 'Lena Lund'), { timeout: 10_000 }).toBeGreaterThan(before);
  await expect(b.getByRole('button', { name: 'Mute microphone' })).toBeVisible();
  await close();
});
