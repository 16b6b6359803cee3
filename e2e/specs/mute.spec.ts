import { expect, test, type Page } from '@playwright/test';
import { audioPacketsFrom, outboundStats, pageRequest, threeInSession } from '../support/flows.ts';

/**
 * `name`'s audio packets on `page` do not move while another person's audio on the same page (the
 * same receive transport) advances by `packets`: the clock that proves Lena's packets would have
 * arrived by now if they were being sent. Returns the count it held at.
 */
async function expectNoAudioWhile(page: Page, name: string, clock: string, packets: number): Promise<number> {
  const startClock = await audioPacketsFrom(page, clock);
  const held = await audioPacketsFrom(page, name);
  await expect.poll(() => audioPacketsFrom(page, clock), { timeout: 30_000, intervals: [250] }).toBeGreaterThanOrEqual(startClock + packets);
  expect(await audioPacketsFrom(page, name), `${name}'s audio packets while ${clock}'s advanced by ${packets}`).toBe(held);
  return held;
}

test('the mediator mutes a party on the server: it holds against the party’s own resume; asking to unmute only asks', async ({ browser }) => {
  const { mediator, a, b, close } = await threeInSession(browser, 'Workplace grievance', ['Kemal Kaya', 'Lena Lund']);

  // First, Kemal does receive Lena: a consumer of her microphone whose packets rise. Without this
  // every "no packets" check below would pass with no consumer at all.
  await expect.poll(() => audioPacketsFrom(a, 'Lena Lund'), { timeout: 30_000, intervals: [250] }).toBeGreaterThan(0);
  const flowing = await audioPacketsFrom(a, 'Lena Lund');
  await expect.poll(() => audioPacketsFrom(a, 'Lena Lund'), { timeout: 15_000, intervals: [250] }).toBeGreaterThan(flowing);

  await mediator.getByRole('button', { name: 'Mute Lena Lund' }).click();
  await expect(b.getByText('Muted by Mediator')).toBeVisible();
  await expect(b.getByRole('button', { name: 'Unmute microphone' })).toBeDisabled();
  await expect(a.getByRole('region', { name: 'Participants' }).getByText(/Microphone off/)).toBeVisible();

  // Lena's audio no longer reaches Kemal, even when her client resumes itself with a raw request.
  const mic = (await outboundStats(b)).find((p) => p.source === 'mic')!;
  expect(await pageRequest(b, 'producer:set-paused', { producerId: mic.producerId, paused: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  // Packets already on their way when the server paused may still land: let the mediator's audio
  // advance a little first, then Lena's count must hold while it advances 2 s more (50 packets/s).
  await expect.poll(async () => audioPacketsFrom(a, 'Mediator'), { timeout: 30_000, intervals: [250] }).toBeGreaterThan((await audioPacketsFrom(a, 'Mediator')) + 25);
  const before = await expectNoAudioWhile(a, 'Lena Lund', 'Mediator', 100);

  // Asking to unmute shows Lena a prompt and changes nothing until she decides.
  await mediator.getByRole('button', { name: 'Ask Lena Lund to unmute' }).click();
  const prompt = b.getByRole('alertdialog');
  await expect(prompt.getByText('Mediator asks you to unmute')).toBeVisible();
  expect(await expectNoAudioWhile(a, 'Lena Lund', 'Mediator', 75)).toBe(before);
  await prompt.getByRole('button', { name: 'Unmute now' }).click();
  await expect.poll(() => audioPacketsFrom(a, 'Lena Lund'), { timeout: 15_000, intervals: [250] }).toBeGreaterThan(before);
  await expect(b.getByRole('button', { name: 'Mute microphone' })).toBeVisible();
  await close();
});
