import { expect, test, type Page } from '@playwright/test';
import {
  agreementEditor, createCaseInUi, createCaseWithAssessorInUi, createCaucusInUi, joinFromPrejoin, mediatorContext, moveSelectedInUi, openDraftAsParty, partyContext,
  passConsentGate, server,
} from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { PHONE, screenshot } from '../support/screens.ts';

/**
 * Every screen at desktop and phone width, as its users see it: screenshots land in
 * .cache/screens/ for people to look at, and the assertions check that the controls each user
 * needs are on screen without a manual (phone: reachable without horizontal scrolling), and that
 * axe-core finds no serious or critical accessibility problem on any of them.
 */
const phone = PHONE;
async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await expectAccessible(page, name);
}

async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
}

test('every screen, mediator and party, desktop and phone', async ({ browser }) => {
  test.setTimeout(240_000); // axe-core on each of some twenty screens, on a small machine
  const mCtx = await mediatorContext(browser);
  const m = await mCtx.newPage();
  await m.goto(server().url);
  await expect(m.getByRole('button', { name: 'Create case' })).toBeVisible();
  await shot(m, 'mediator-home-desktop');
  const { caseUrl, links } = await createCaseInUi(m, 'Family business succession', [
    { name: 'Grace Green', side: 'A' },
    { name: 'Hamid Haddad', side: 'B' },
  ]);
  await expect(m.getByRole('link', { name: 'Open session' })).toBeVisible();
  // The case page keeps the account header of the case list: who is signed in, and a way out.
  await expect(m.getByText('Signed in as')).toBeVisible();
  await expect(m.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await shot(m, 'mediator-case-desktop');

  const mPhoneCtx = await mediatorContext(browser, phone);
  const mp = await mPhoneCtx.newPage();
  await mp.goto(server().url);
  await noHorizontalScroll(mp);
  await shot(mp, 'mediator-home-phone');
  await mp.goto(caseUrl);
  await expect(mp.getByRole('link', { name: 'Open session' })).toBeVisible();
  await noHorizontalScroll(mp);
  await shot(mp, 'mediator-case-phone');
  await mPhoneCtx.close();

  // Signed-out visitor.
  const anonCtx = await partyContext(browser, phone);
  const anon = await anonCtx.newPage();
  await anon.goto(server().url);
  await expect(anon.getByText(/one-time link/i).first()).toBeVisible();
  await shot(anon, 'signed-out-phone');
  await anon.goto(`${server().url}/join#t=not-a-real-token`);
  await expect(anon.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await shot(anon, 'link-invalid-phone');
  await anonCtx.close();

  // A party on a phone: link → gate → pre-join → session, with no horizontal scrolling.
  const pCtx = await partyContext(browser, phone);
  const p = await pCtx.newPage();
  await p.goto(links['Grace Green']!);
  await expect(p.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  await noHorizontalScroll(p);
  await shot(p, 'party-gate-phone');
  await passConsentGate(p, links['Grace Green']!);
  // Settled: the browser answered, the devices are listed and the preview runs.
  await expect(p.getByRole('button', { name: 'Join session' })).toBeEnabled();
  await expectPreviewPicture(p);
  await noHorizontalScroll(p);
  await shot(p, 'party-prejoin-phone');

  await m.goto(caseUrl);
  await m.getByRole('link', { name: 'Open session' }).click();
  await expect(m.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await expect(m.getByRole('button', { name: 'Join session' })).toBeEnabled();
  await expectPreviewPicture(m);
  await shot(m, 'mediator-prejoin-desktop');
  await joinFromPrejoin(m);
  await joinFromPrejoin(p);
  await expect(m.getByRole('region', { name: 'Participants' }).getByText('Grace Green')).toBeVisible();
  await m.waitForTimeout(1500); // let video tiles start
  await shot(m, 'mediator-session-desktop');
  for (const name of ['Mute microphone', 'Turn camera off', 'Leave session']) {
    await expect(p.getByRole('button', { name })).toBeInViewport();
  }
  await noHorizontalScroll(p);
  await shot(p, 'party-session-phone');

  // The case list, opened in a second tab while the session runs, says the case is live.
  const home = await mCtx.newPage();
  await home.goto(server().url);
  const row = home.getByRole('listitem').filter({ has: home.getByRole('link', { name: 'Family business succession' }) });
  await expect(row.getByText('Live now · 2 in the session')).toBeVisible();
  await shot(home, 'mediator-home-live-desktop');
  await home.close();

  // The agreement draft inside the dark session, with text in it, for the mediator and the party:
  // it must read like the draft's own page (its text was once light grey on white).
  await m.getByRole('button', { name: 'Agreement draft', exact: true }).click();
  await expect(m.getByRole('region', { name: 'Agreement draft' }).getByText('Saved on the server')).toBeVisible();
  await agreementEditor(m).click();
  await m.keyboard.type('Grace and Hamid keep running the shop together until the valuation is done.');
  await p.getByRole('button', { name: 'Agreement draft', exact: true }).click();
  await expect(agreementEditor(p)).toContainText('until the valuation is done.');
  await expect(m.getByRole('region', { name: 'Agreement draft' }).getByText('Saved on the server')).toBeVisible();
  await shot(m, 'mediator-session-draft-desktop');
  await noHorizontalScroll(p);
  await shot(p, 'party-session-draft-phone');
  await m.getByRole('button', { name: 'Agreement draft', exact: true }).click();
  await p.getByRole('button', { name: 'Agreement draft', exact: true }).click();
  await expect(m.getByRole('region', { name: 'Agreement draft' })).toHaveCount(0);
  await expect(p.getByRole('region', { name: 'Agreement draft' })).toHaveCount(0);

  // A caucus: the mediator's rooms panel with two rooms, the party's view from inside it.
  await createCaucusInUi(m, 'Caucus with Grace');
  await moveSelectedInUi(m, ['Grace Green', 'Mediator'], 'Caucus with Grace');
  await expect(p.getByText(/You are in the caucus “Caucus with Grace”/)).toBeVisible();
  await m.getByLabel('Minutes for Caucus with Grace').fill('10');
  await m.getByRole('button', { name: 'Start timer for Caucus with Grace' }).click();
  await expect(p.getByText(/Time left in this room/)).toBeVisible();
  await m.waitForTimeout(800);
  await shot(m, 'mediator-caucus-desktop');
  await noHorizontalScroll(p);
  await shot(p, 'party-caucus-phone');
  await moveSelectedInUi(m, ['Grace Green', 'Mediator'], 'Joint room');
  await expect(p.getByText(/You are in the joint room/)).toBeVisible();

  // The party on a desktop, after consent (goes straight to pre-join).
  const pdCtx = await partyContext(browser);
  const pd = await pdCtx.newPage();
  await pd.goto(links['Hamid Haddad']!);
  await expect(pd.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  await shot(pd, 'party-gate-desktop');

  await m.getByRole('button', { name: 'Leave session' }).click();
  await shot(m, 'mediator-left-desktop');

  // The session record of what just happened: intact, with the caucus move in plain words.
  await m.goto(`${caseUrl}/record`);
  await expect(m.getByRole('heading', { name: 'Session record' })).toBeVisible();
  await expect(m.getByText(/The record is intact/)).toBeVisible();
  await expect(m.getByText(/moved .*Grace Green.* to “Caucus with Grace”/).first()).toBeVisible();
  await shot(m, 'mediator-record-desktop');
  await Promise.all([mCtx.close(), pCtx.close(), pdCtx.close()]);
});

/**
 * Loading the mediator's case page and a party's pages leaves the browser's console and network log
 * clean: no error or warning (a missing CSP directive, an uncaught exception) and no 4xx answer
 * (the normal state of a page, e.g. "no assessment shared yet", is not an error).
 */
test('the case page and the party pages load without console errors, warnings or 4xx answers', async ({ browser }) => {
  const problems: string[] = [];
  const watch = (page: Page, who: string) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${who}: console ${msg.type()}: ${msg.text()} (${page.url()})`);
    });
    page.on('pageerror', (e) => problems.push(`${who}: uncaught ${e.message} (${page.url()})`));
    page.on('response', (r) => {
      if (r.status() >= 400 && r.status() < 500) problems.push(`${who}: ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
  };
  const mCtx = await mediatorContext(browser);
  const m = await mCtx.newPage();
  watch(m, 'mediator');
  // With an assessor: the case page then asks for a shared assessment, of which there is none yet.
  const { caseUrl, links } = await createCaseWithAssessorInUi(m, 'Quiet console', [{ name: 'Ida Ibsen', side: 'A' }, { name: 'Jon Jansen', side: 'B' }], 'Kai Kato');
  await m.goto(caseUrl);
  await expect(m.getByText('The assessor has not shared an assessment with you yet.')).toBeVisible();

  const pCtx = await partyContext(browser, phone);
  const p = await pCtx.newPage();
  watch(p, 'party');
  await passConsentGate(p, links['Ida Ibsen']!);
  await openDraftAsParty(p);
  await p.getByRole('button', { name: 'Back to joining the session' }).click();
  await m.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(m);
  await joinFromPrejoin(p);
  await expect(m.getByRole('region', { name: 'Participants' }).getByText('Ida Ibsen')).toBeVisible();
  await expect(p.getByRole('region', { name: 'Participants' }).getByText('Mediator', { exact: true }).first()).toBeVisible();
  expect(problems, problems.join('\n')).toEqual([]);
  await Promise.all([mCtx.close(), pCtx.close()]);
});

/** The pre-join preview shows a picture (a frame was decoded), not an empty box. */
async function expectPreviewPicture(page: Page): Promise<void> {
  const video = page.getByLabel('Preview of your camera');
  await expect(video).toBeVisible();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
}
