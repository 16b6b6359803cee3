import { expect, test } from '@playwright/test';
import { expectVideoFrom, joinFromPrejoin, mediatorInSession, outboundStats, partyContext, passConsentGate } from '../support/flows.ts';

/**
 * The camera and microphone a party checks on the pre-join screen are the ones the session sends:
 * pressing Join opens no device a second time (no second wait for the camera, no light flicker).
 */
test('joining sends the camera and microphone opened on the pre-join screen, without opening them again', async ({ browser }) => {
  const { mediatorCtx, mediator, links } = await mediatorInSession(browser, 'Neighbour dispute', ['Ines Ito', 'Omar Ortiz']);

  const partyCtx = await partyContext(browser);
  // Every getUserMedia call of the page, counted before the page's own code runs.
  await partyCtx.addInitScript(() => {
    const md = navigator.mediaDevices;
    const original = md.getUserMedia.bind(md);
    (window as unknown as { __gumCalls: number }).__gumCalls = 0;
    md.getUserMedia = (constraints?: MediaStreamConstraints) => {
      (window as unknown as { __gumCalls: number }).__gumCalls++;
      return original(constraints);
    };
  });
  const party = await partyCtx.newPage();
  await passConsentGate(party, links['Ines Ito']!);
  await expect(party.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await expect(party.getByLabel('Preview of your camera')).toBeVisible();
  const callsBeforeJoin = await party.evaluate(() => (window as unknown as { __gumCalls: number }).__gumCalls);
  expect(callsBeforeJoin).toBeGreaterThan(0);

  await joinFromPrejoin(party);
  // First the positive signal: the party sends its camera and microphone, and the mediator sees her.
  await expect.poll(async () => (await outboundStats(party)).filter((p) => p.packetsSent > 0).map((p) => p.source).sort(), { timeout: 30_000 }).toEqual(['camera', 'mic']);
  await expectVideoFrom(mediator, 'Ines Ito');
  // Then the absence: nothing was opened again for it.
  expect(await party.evaluate(() => (window as unknown as { __gumCalls: number }).__gumCalls)).toBe(callsBeforeJoin);

  await Promise.all([mediatorCtx.close(), partyCtx.close()]);
});
