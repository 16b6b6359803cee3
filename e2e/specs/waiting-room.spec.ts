import { expect, test } from '@playwright/test';
import { createCaseInUi, expectReceivingFrom, inboundStats, joinFromPrejoin, joinFromPrejoinToWaiting, mediatorContext, partyContext, passConsentGate, recordEntries, threeInSession } from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { PHONE, screenshot } from '../support/screens.ts';

test.setTimeout(180_000);

/**
 * The waiting room (issue 13): a party who arrives waits alone, sees and hears nobody and is seen
 * by nobody, and the mediator lets them in. The waiting room is on by default for a new case.
 */
test('a party who joins waits alone, receives nothing, and is in the session once the mediator lets them in', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  // Which notes the page plays: the mediator's chime is two tones, 660 then 880 Hz.
  await mediator.addInitScript(() => {
    const tones: number[] = [];
    (window as unknown as { tones: number[] }).tones = tones;
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<OscillatorNode['start']>) {
      tones.push(this.frequency.value);
      return start.apply(this, args);
    };
  });
  const tones = () => mediator.evaluate(() => (window as unknown as { tones: number[] }).tones);
  const { caseUrl, links } = await createCaseInUi(mediator, 'Waiting first', [{ name: 'Ana Alves', side: 'A' }, { name: 'Ben Brown', side: 'B' }], { waitingRoom: true });
  await expect(mediator.getByRole('checkbox', { name: 'Parties and advisors wait until I let them in' })).toBeChecked();
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await mediator.getByRole('button', { name: 'Join session' }).click();
  await expect(mediator.getByRole('button', { name: 'Leave session' })).toBeVisible();

  const aCtx = await partyContext(browser, PHONE);
  const ana = await aCtx.newPage();
  await passConsentGate(ana, links['Ana Alves']!);
  await joinFromPrejoinToWaiting(ana);
  await expect(ana.locator('.room-line')).toHaveText('You are in the waiting room · Nobody can see or hear you. Mediator will let you in.');
  await expect(ana.getByText('You are in the waiting room. The mediator will let you in.')).toBeVisible();

  // The mediator sees Ana waiting (the positive signal), and neither receives the other.
  const waiting = mediator.getByRole('region', { name: 'Waiting to be let in' });
  await expect(waiting.getByText('Ana Alves', { exact: true })).toBeVisible();
  // …with a chime, so that a mediator looking elsewhere notices.
  await expect.poll(tones).toEqual([660, 880]);
  expect((await inboundStats(ana)).length).toBe(0);
  expect((await inboundStats(mediator)).filter((s) => s.displayName === 'Ana Alves')).toEqual([]);
  await screenshot(ana, 'party-waiting-phone');
  await screenshot(mediator, 'mediator-waiting-desktop');
  await expectAccessible(ana, 'party in the waiting room');
  await expectAccessible(mediator, 'mediator with someone waiting');

  // Asking for the mediator from the waiting room: the mediator's answer is to let her in.
  await ana.getByRole('button', { name: 'Ask for the mediator' }).click();
  await expect(ana.getByText('The mediator has been told you are asking for them.')).toBeVisible();
  const asks = mediator.getByRole('alert').filter({ hasText: 'Ana Alves asks for the mediator in the waiting room' });
  await asks.getByRole('button', { name: 'Let Ana Alves in' }).click();
  await expect(asks).toHaveCount(0);
  await expectReceivingFrom(ana, ['Mediator']);
  await expectReceivingFrom(mediator, ['Ana Alves']);
  await expect(ana.locator('.room-line')).toContainText('You are in the joint room');
  await expect(mediator.getByRole('region', { name: 'Waiting to be let in' })).toHaveCount(0);

  // The case page's switch: turned off, the next party goes straight into the joint room.
  const casePage = await mediatorCtx.newPage();
  await casePage.goto(caseUrl);
  const box = casePage.getByRole('checkbox', { name: 'Parties and advisors wait until I let them in' });
  // A click, not uncheck(): the box shows the server's answer, so it changes only once that arrives.
  await box.click();
  await expect(casePage.getByText(/^Off: parties and advisors go straight into the joint room/)).toBeVisible();
  await expect(box).not.toBeChecked();
  const bCtx = await partyContext(browser);
  const ben = await bCtx.newPage();
  await passConsentGate(ben, links['Ben Brown']!);
  await joinFromPrejoin(ben);
  await expectReceivingFrom(ben, ['Mediator', 'Ana Alves']);
  await Promise.all([mediatorCtx.close(), aCtx.close(), bCtx.close()]);
});

/**
 * "End the session for everyone" (issue 13): back to the waiting room, where each waits apart
 * and the media stops, then let in again; then out, with the reason on everyone's screen.
 */
test('the mediator ends the session for everyone: back to the waiting room with the reason, then out', async ({ browser }) => {
  const s = await threeInSession(browser, 'Ending for everyone', ['Ana Alves', 'Ben Brown'], { viewports: [undefined, PHONE] });
  try {
    await expectReceivingFrom(s.a, ['Mediator', 'Ben Brown']);
    const rooms = s.mediator.getByRole('region', { name: 'Rooms' });
    await rooms.getByRole('button', { name: 'End the session for everyone…' }).click();
    const dialog = s.mediator.getByRole('dialog', { name: 'End the session for everyone?' });
    await expect(dialog.getByRole('radio', { name: /^Back to the waiting room/ })).toBeChecked();
    await dialog.getByLabel(/^Reason, shown to everyone/).fill('We continue one by one after a short break');
    await screenshot(s.mediator, 'mediator-end-session-dialog-desktop');
    await expectAccessible(s.mediator, 'mediator ending the session');
    await dialog.getByRole('button', { name: 'Send everyone to the waiting room' }).click();
    await expect(dialog).toHaveCount(0);

    // The positive signal: the mediator sees both waiting; then nobody's media reaches anyone.
    const waiting = s.mediator.getByRole('region', { name: 'Waiting to be let in' });
    await expect(waiting.getByText('Ana Alves', { exact: true })).toBeVisible();
    await expect(waiting.getByText('Ben Brown', { exact: true })).toBeVisible();
    for (const party of [s.a, s.b]) {
      await expect(party.locator('.room-line')).toContainText('You are in the waiting room');
      await expect(party.getByText('Mediator ended the joint session: “We continue one by one after a short break”. You are back in the waiting room.')).toBeVisible();
      await expect.poll(async () => (await inboundStats(party)).length).toBe(0);
    }
    await expect.poll(async () => (await inboundStats(s.mediator)).length).toBe(0);
    await screenshot(s.b, 'party-sent-back-phone');
    await expectAccessible(s.b, 'party sent back to the waiting room');

    await waiting.getByRole('button', { name: 'Let everyone in, and whoever comes later' }).click();
    await expectReceivingFrom(s.a, ['Mediator', 'Ben Brown']);

    await rooms.getByRole('button', { name: 'End the session for everyone…' }).click();
    await dialog.getByRole('radio', { name: /^Disconnect everyone, you too/ }).check();
    await dialog.getByLabel(/^Reason, shown to everyone/).fill('Time is up for today; we meet again on Thursday');
    await dialog.getByRole('button', { name: 'Disconnect everyone' }).click();
    for (const party of [s.a, s.b]) {
      await expect(party.getByRole('heading', { name: 'The session has ended' })).toBeVisible();
      await expect(party.getByText('Mediator ended the session: “Time is up for today; we meet again on Thursday”')).toBeVisible();
      await expect(party.getByRole('button', { name: 'Join again' })).toBeVisible();
    }
    await expect(s.mediator.getByText('You ended the session for everyone: “Time is up for today; we meet again on Thursday”')).toBeVisible();
    await screenshot(s.b, 'party-session-ended-phone');
    await expectAccessible(s.b, 'party after the session ended');
    const ended = (await recordEntries(s.mediator, s.caseUrl)).filter((e) => e.type === 'session.ended').map((e) => e.data);
    expect(ended).toEqual([
      { outcome: 'back-to-waiting-room', participants: ['Ana Alves', 'Ben Brown'], reason: 'We continue one by one after a short break' },
      { outcome: 'disconnected', participants: ['Ana Alves', 'Ben Brown'], reason: 'Time is up for today; we meet again on Thursday' },
    ]);
  } finally {
    await s.close();
  }
});
