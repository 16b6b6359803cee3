import fs from 'node:fs';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { createCaseInUi, server, tokenOf } from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { DESKTOP, fitsTheScreen, PHONE, screenPath, screenshot } from '../support/screens.ts';

test.setTimeout(180_000);

/**
 * Scheduling across time zones (issue 13; IMI Annex 2 item 2.8). Each browser runs in its own zone,
 * as each person's would: the mediator in Paris, Ana in London, Kenji in Tokyo. In January 2031 the
 * offsets are fixed: Paris UTC+1, London UTC+0, Tokyo UTC+9.
 */
const at = (zone: string, viewport = DESKTOP) => ({ timezoneId: zone, locale: 'en-GB', viewport, permissions: ['camera', 'microphone'] });
const mediatorIn = (browser: Browser, zone: string, viewport = DESKTOP) => browser.newContext({ ...at(zone, viewport), storageState: server().storageState });

/** The mediator fills the schedule form of the case page (the zone stays the browser's: Paris). */
async function schedule(page: Page, s: { what?: string; date: string; time: string; length?: string }): Promise<void> {
  const form = page.getByRole('form', { name: 'Schedule a session' });
  if (s.what) await form.getByLabel('What').selectOption({ label: s.what });
  await form.getByLabel('Date', { exact: true }).fill(s.date);
  await form.getByLabel('Start time').fill(s.time);
  if (s.length) await form.getByLabel('Length').selectOption({ label: s.length });
  await expect(form.getByLabel('Time zone of this date and time')).toHaveValue('Europe/Paris');
  await form.getByRole('button', { name: 'Schedule session' }).click();
}

const sessionCards = (page: Page): Locator => page.getByRole('region', { name: 'Sessions and deadlines' }).locator('.session-card');
const rowOf = (card: Locator, name: string): Locator => card.getByRole('row').filter({ has: card.page().getByRole('rowheader', { name: new RegExp(`^${name}`) }) });

/** The party's calendar file for the next session, as the browser saves it. */
async function downloadNext(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Add this to my calendar (.ics)' }).click()]);
  expect(download.suggestedFilename()).toBe('mediation-session.ics');
  return fs.readFileSync((await download.path())!, 'utf8');
}

test('a session set at 09:00 Paris time shows at 08:00 in London and 17:00 in Tokyo, side by side for the mediator, with a calendar file', async ({ browser }) => {
  const mediatorCtx = await mediatorIn(browser, 'Europe/Paris');
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Shipping contract', [{ name: 'Ana Alves', side: 'A' }, { name: 'Kenji Sato', side: 'B' }]);

  // Each party opens their link: the page tells the server the zone of their device.
  const anaCtx = await browser.newContext(at('Europe/London', PHONE));
  const ana = await anaCtx.newPage();
  await ana.goto(links['Ana Alves']!);
  const kenjiCtx = await browser.newContext(at('Asia/Tokyo'));
  const kenji = await kenjiCtx.newPage();
  await kenji.goto(links['Kenji Sato']!);
  for (const p of [ana, kenji]) await expect(p.getByText('No session is scheduled yet.')).toBeVisible();

  await mediator.reload();
  await schedule(mediator, { date: '2031-01-16', time: '09:00', length: '1 h 30 min' });
  const first = sessionCards(mediator).first();
  await expect(first.getByRole('heading', { name: 'Joint session · 1 hour 30 minutes' })).toBeVisible();
  // Side by side: the mediator's own time and each party's, the zone named.
  await expect(rowOf(first, 'You')).toContainText(/Paris time \(CET\).*16 January 2031.*09:00–10:30/);
  await expect(rowOf(first, 'Ana Alves')).toContainText(/London time \(GMT\).*16 January 2031.*08:00–09:30/);
  await expect(rowOf(first, 'Kenji Sato')).toContainText(/Tokyo time \(GMT\+9\).*16 January 2031.*17:00–18:30/);
  await expect(first.getByText(/At night for/)).toHaveCount(0);

  // The parties' pages: their own time, their zone named.
  for (const [page, time, zone] of [[ana, '08:00–09:30', 'London time (GMT)'], [kenji, '17:00–18:30', 'Tokyo time (GMT+9)']] as const) {
    await page.reload();
    const next = page.getByRole('region', { name: 'Your next session' });
    await expect(next.locator('.next-when')).toContainText(`16 January 2031, ${time}`);
    await expect(next.locator('.next-when')).toContainText(zone);
  }

  // The calendar file: an iCalendar event at 08:00 UTC, with neither the link nor the case's words.
  const ics = await downloadNext(ana);
  expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
  expect(ics).toContain('BEGIN:VEVENT');
  expect(ics).toContain('DTSTART:20310116T080000Z');
  expect(ics).toContain('SEQUENCE:0');
  for (const secret of [tokenOf(links['Ana Alves']!), 'Shipping contract', 'Ana Alves', 'Kenji Sato']) expect(ics).not.toContain(secret);
  const uid = /UID:(.*)\r\n/.exec(ics)![1];

  // 14:00 in Paris is 22:00 in Tokyo: the mediator is warned, for Kenji only.
  await schedule(mediator, { date: '2031-01-16', time: '14:00', length: '1 h' });
  const late = sessionCards(mediator).nth(1);
  await expect(late.getByText('At night for Kenji Sato')).toBeVisible();
  await expect(rowOf(late, 'Kenji Sato')).toContainText('22:00–23:00 · at night');
  await expect(rowOf(late, 'Ana Alves')).not.toContainText('at night');

  await mediator.getByRole('region', { name: 'Sessions and deadlines' }).scrollIntoViewIfNeeded();
  await mediator.getByRole('region', { name: 'Sessions and deadlines' }).screenshot({ path: screenPath('schedule-mediator-desktop') });
  await expectAccessible(mediator, 'mediator’s case page with the schedule');
  await screenshot(ana, 'schedule-party-london-phone');
  // What the phone shows around the next session, as the person sees it.
  await ana.getByRole('region', { name: 'Your next session' }).scrollIntoViewIfNeeded();
  await ana.screenshot({ path: screenPath('schedule-party-london-phone-view') });
  await fitsTheScreen(ana, 'party’s page with the next session, phone');
  await expectAccessible(ana, 'party’s page with the next session');
  await kenji.screenshot({ path: screenPath('schedule-party-tokyo-desktop') });

  // Moved to 10:00 Paris: the party sees 09:00 London, and the calendar file replaces the event.
  await first.getByRole('button', { name: 'Change time' }).click();
  const move = first.getByRole('form', { name: 'New time for this session' });
  await expect(move.getByLabel('Start time')).toHaveValue('09:00');
  await move.getByLabel('Start time').fill('10:00');
  await move.getByRole('button', { name: 'Save the new time' }).click();
  await expect(rowOf(first, 'Ana Alves')).toContainText('09:00–10:30');
  await ana.reload();
  await expect(ana.getByRole('region', { name: 'Your next session' }).locator('.next-when')).toContainText('16 January 2031, 09:00–10:30');
  const moved = await downloadNext(ana);
  expect(moved).toContain('DTSTART:20310116T090000Z');
  expect(moved).toContain('SEQUENCE:1');
  expect(moved).toContain(`UID:${uid}\r\n`);

  // The mediator's page on a phone.
  const phoneCtx = await mediatorIn(browser, 'Europe/Paris', PHONE);
  const phone = await phoneCtx.newPage();
  await phone.goto(caseUrl);
  await expect(sessionCards(phone).nth(1).getByText('At night for Kenji Sato')).toBeVisible();
  await phone.getByRole('region', { name: 'Sessions and deadlines' }).screenshot({ path: screenPath('schedule-mediator-phone') });
  await fitsTheScreen(phone, 'mediator’s schedule, phone');
  await expectAccessible(phone, 'mediator’s schedule on a phone');
  await Promise.all([mediatorCtx.close(), anaCtx.close(), kenjiCtx.close(), phoneCtx.close()]);
});
