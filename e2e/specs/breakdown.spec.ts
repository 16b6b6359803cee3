import { expect, test, type Page } from '@playwright/test';
import {
  createCaucusInUi,
  expectReceivingFrom,
  expectVideoFrom,
  moveSelectedInUi,
  recordTypes,
  setBreakdownInUi,
  threeInSession,
} from '../support/flows.ts';
import { PHONE, screenPath, screenshot } from '../support/screens.ts';

/**
 * The technology-breakdown procedure as people live it [3.6.13, 3.7.17] (docs/threats.md #12): a party
 * loses the network and comes back to the same room; past the grace period the joint session
 * pauses; a weak network falls back to audio only. Everything asserted is what people see.
 */
const phone = PHONE;
const shot = screenshot;
// Waiting for the server to notice a drop, or for a rejoin, can take a while on a loaded machine.
const LONG = { timeout: 45_000 };
// The banners (each a named region), not the screen-reader line that reads the same news out.
const yourConnection = (p: Page) => p.getByRole('region', { name: 'Your connection' });
const pausedBanner = (p: Page) => p.getByRole('region', { name: 'The joint session is paused' });

test('a party who loses the network is shown reconnecting, and comes back to the same caucus, still muted', async ({ browser }) => {
  const { mediator, a, b, aCtx, caseUrl, close } = await threeInSession(browser, 'Boundary wall', ['Nina North', 'Omar Ost'], { viewports: [phone, phone] });
  await createCaucusInUi(mediator, 'Caucus with Nina');
  await moveSelectedInUi(mediator, ['Nina North', 'Mediator'], 'Caucus with Nina');
  await expect(a.getByText(/You are in the caucus “Caucus with Nina”/)).toBeVisible();
  await a.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(a.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();

  await aCtx.setOffline(true);
  // The banner, with how long it has lasted (the screen-reader line says it once, without the clock).
  await expect(yourConnection(a).getByText(/You are offline — reconnecting… for \d+:\d\d/)).toBeVisible();
  const dropped = /Nina North’s connection dropped — reconnecting, \d+:\d\d/;
  await expect(mediator.getByRole('region', { name: 'Participants' }).getByText(dropped)).toBeVisible(LONG);
  await expect(mediator.getByRole('region', { name: 'Videos' }).getByText(dropped)).toBeVisible();
  // The other party, in the joint room, learns only that Nina is reconnecting, not where she is.
  await expect(b.getByRole('region', { name: 'Participants' }).getByText(dropped)).toBeVisible(LONG);
  await expect(b.getByText('Caucus with Nina')).toHaveCount(0);
  await shot(mediator, 'breakdown-reconnecting-mediator-desktop');
  await shot(a, 'breakdown-offline-party-phone');
  // On a phone the participants list is below the stage: show the part that says it.
  await b.getByRole('region', { name: 'Participants' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await b.screenshot({ path: screenPath('breakdown-reconnecting-other-party-phone') });

  await aCtx.setOffline(false);
  await expect(yourConnection(a).getByText('Back in the session')).toBeVisible(LONG);
  await expect(yourConnection(a).getByText('You are in the caucus “Caucus with Nina” again.')).toBeVisible();
  // Still muted, and the top line says so (it does not claim she can be heard).
  await expect(a.getByText(/You are in the caucus “Caucus with Nina” · Only these people can see you \(your microphone is off\): Mediator/)).toBeVisible();
  await expect(a.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  await expect(mediator.getByText(dropped)).toHaveCount(0, LONG);
  await expect(mediator.getByRole('region', { name: 'Participants' }).getByText(/Microphone off/).first()).toBeVisible();
  // Media flows again both ways: Nina sees and hears the mediator; her (muted) camera reaches him.
  await expectReceivingFrom(a, ['Mediator']);
  await expectVideoFrom(mediator, 'Nina North');

  const types = await recordTypes(mediator, caseUrl);
  expect(types).toContain('breakdown.started');
  expect(types).toContain('breakdown.recovered');
  await close();
});

test('past the grace period the joint session pauses for everyone, and resumes when the party is back', async ({ browser }) => {
  const { mediator, a, b, bCtx, caseUrl, close } = await threeInSession(browser, 'Shared driveway', ['Pia Park', 'Rui Rosa'], {
    viewports: [phone],
    beforeConsent: async (m) => {
      await setBreakdownInUi(m, { grace: '10 seconds' });
      // The procedure's own card shows the clause as it is now (the agreement section shows it too).
      await expect(m.getByRole('region', { name: 'Breakdown procedure' }).getByText(/If a party is still missing after 10 seconds, the joint session pauses/)).toBeVisible();
      await shot(m, 'breakdown-case-settings-desktop');
    },
  });

  await bCtx.setOffline(true);
  const paused = 'The joint session is paused: Rui Rosa is not connected.';
  await expect(pausedBanner(mediator).getByText(paused)).toBeVisible(LONG);
  await expect(pausedBanner(a).getByText(paused)).toBeVisible();
  await expect(pausedBanner(a).getByText(/Microphones in the joint room stay off until they are back or the mediator resumes/)).toBeVisible();
  // Pia's microphone says why it is off.
  await expect(a.getByRole('button', { name: 'Unmute microphone' })).toBeDisabled();
  await expect(a.getByText('Off while the joint session is paused', { exact: true })).toBeVisible();
  await expect(yourConnection(b).getByText(/You are offline — reconnecting… for \d+:\d\d/)).toBeVisible();
  // Past 10 s away, the person offline is offered the written thread for when their page can reach us.
  await expect(yourConnection(b).getByRole('button', { name: 'Open messages' })).toBeVisible();
  await shot(mediator, 'breakdown-paused-mediator-desktop');
  await shot(a, 'breakdown-paused-party-phone');
  await shot(b, 'breakdown-offline-long-party-desktop');

  // The text fallback while Rui is away: the written messages open beside the stage.
  await pausedBanner(a).getByRole('button', { name: 'Open messages' }).click();
  await expect(a.getByRole('region', { name: 'Messages' })).toBeVisible();

  await bCtx.setOffline(false);
  await expect(yourConnection(b).getByText('Back in the session')).toBeVisible(LONG);
  await expect(pausedBanner(mediator)).toHaveCount(0, LONG);
  await expect(pausedBanner(a)).toHaveCount(0);
  await expect(pausedBanner(b)).toHaveCount(0);
  await expect(a.getByRole('region', { name: 'The joint session continues' })).toBeVisible();
  // The hold is lifted, but nobody is unmuted by it: each person turns their own microphone on.
  await expect(a.getByRole('button', { name: 'Unmute microphone' })).toBeEnabled();
  await a.getByRole('button', { name: 'Unmute microphone' }).click();
  await expectReceivingFrom(b, ['Mediator', 'Pia Park']);

  const types = await recordTypes(mediator, caseUrl);
  for (const t of ['breakdown.started', 'breakdown.grace-expired', 'session.paused', 'session.resumed']) expect(types).toContain(t);
  await mediator.goto(`${caseUrl}/record`);
  await mediator.getByLabel('Show').selectOption({ label: 'Breakdowns and pauses' });
  await expect(mediator.getByText(/Rui Rosa lost their connection/).first()).toBeVisible();
  await expect(mediator.getByText(/paused the joint session: Rui Rosa was not connected/).first()).toBeVisible();
  await expect(mediator.getByText(/resumed the joint session after a pause of/).first()).toBeVisible();
  await shot(mediator, 'breakdown-record-desktop');
  await close();
});

test('a weak network falls back to audio only, says why, and video comes back on request; the mediator can pause by hand', async ({ browser }) => {
  const { mediator, a, close } = await threeInSession(browser, 'Noisy neighbours', ['Sam Stone', 'Tia Tran']);

  await a.evaluate(() => (window as any).__parleyDebug.simulateNetwork({ rttMs: 900, loss: 0.3, availableKbps: 60 }));
  const video = a.getByRole('region', { name: 'Your video' });
  await expect(video.getByText('Your video is off: your connection is too weak for video.')).toBeVisible(LONG);
  await expect(video.getByText(/60 kbit\/s available, 30% of data lost, 900 ms delay/)).toBeVisible();
  await expect(mediator.getByText('Sam Stone is on audio only (weak connection)').first()).toBeVisible(LONG);
  await shot(a, 'breakdown-audio-only-party-desktop');

  await a.evaluate(() => (window as any).__parleyDebug.simulateNetwork({ rttMs: 30, loss: 0, availableKbps: 2500 }));
  await a.getByRole('button', { name: 'Try video again' }).click();
  await expect(mediator.getByText('Sam Stone is on audio only (weak connection)')).toHaveCount(0, LONG);
  await expectVideoFrom(mediator, 'Sam Stone');

  await mediator.getByRole('button', { name: 'Pause joint session' }).click();
  await expect(pausedBanner(a).getByText('The joint session is paused by Mediator.')).toBeVisible(LONG);
  await expect(a.getByText('Off while the joint session is paused', { exact: true })).toBeVisible();
  await mediator.getByRole('region', { name: 'Breakdown procedure' }).getByRole('button', { name: 'Resume joint session' }).click();
  await expect(pausedBanner(a)).toHaveCount(0, LONG);
  await expect(a.getByRole('region', { name: 'The joint session continues' }).getByText('Mediator resumed the joint session.')).toBeVisible();
  await close();
});

test('the first rung repairs the media path in place: after an ICE restart everyone still sees and hears each other, without a rejoin', async ({ browser }) => {
  const { mediator, a, b, caseUrl, close } = await threeInSession(browser, 'Orchard fence', ['Una Ueda', 'Vera Voss']);
  await a.evaluate(() => (window as any).__parleyDebug.restartIce());
  await expect(yourConnection(a).getByText(/Your audio and video are not getting through\. Repairing the connection…/)).toBeVisible();
  await expect(yourConnection(a).getByText('Back in the session')).toBeVisible(LONG);
  await expectReceivingFrom(b, ['Mediator', 'Una Ueda']);
  await expectReceivingFrom(a, ['Mediator', 'Vera Voss']);
  const types = await recordTypes(mediator, caseUrl);
  expect(types).toContain('breakdown.ice-restarted');
  expect(types).not.toContain('breakdown.started');
  await close();
});
