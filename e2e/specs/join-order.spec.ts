import { expect, test } from '@playwright/test';
import { expectAccessible } from '../support/axe.ts';
import { createCaseInUi, expectVideoFrom, joinFromPrejoin, mediatorContext, mediatorInSession, partyContext, passConsentGate } from '../support/flows.ts';
import { DESKTOP, PHONE, fitsTheScreen, screenshot } from '../support/screens.ts';

/** The first "parley:<step>" mark of the page (client/src/session/timeline.ts), or null. */
function markAt(page: import('@playwright/test').Page, step: string): Promise<number | null> {
  return page.evaluate((s) => performance.getEntriesByName(`parley:${s}`, 'mark')[0]?.startTime ?? null, step);
}

/**
 * Joining a session where someone is already sending: the whole session screen is drawn only once
 * the media offered with the join is built and acknowledged (SessionClient.showSessionAfterOffers),
 * so drawing it does not hold up the first pictures; until then the party sees a light view saying
 * what is happening.
 */
test('a party joining sees the whole session once the media offered with the join is built', async ({ browser }) => {
  const { mediatorCtx, links } = await mediatorInSession(browser, 'Tenancy deposit', ['Ada Achebe', 'Bo Berg']);

  const party = await (await partyContext(browser)).newPage();
  await passConsentGate(party, links['Ada Achebe']!);
  await joinFromPrejoin(party);
  // The positive signal first: the party sees the mediator in the whole session screen.
  await expectVideoFrom(party, 'Mediator');
  const [built, acked, shown] = await Promise.all(['consumer-built', 'offer-acked', 'session-shown'].map((s) => markAt(party, s)));
  expect(built).not.toBeNull();
  expect(acked).not.toBeNull();
  expect(shown).not.toBeNull();
  expect(shown!).toBeGreaterThanOrEqual(built!);
  expect(shown!).toBeGreaterThanOrEqual(acked!);

  await Promise.all([mediatorCtx.close(), party.context().close()]);
});

/** Every "parley:<step>" mark of the page, in order. */
function marksOf(page: import('@playwright/test').Page, step: string): Promise<number[]> {
  return page.evaluate((s) => performance.getEntriesByName(`parley:${s}`, 'mark').map((m) => m.startTime), step);
}

/**
 * The receive side connects while the party is still on the pre-join screen (a transport the
 * server prepared, connected through a data channel), and the join receives the others' media on
 * it: after the click there is no ICE or DTLS to wait for before the first picture.
 */
test('the receive side is connected on the pre-join screen, and the join receives on it', async ({ browser }) => {
  const { mediatorCtx, links } = await mediatorInSession(browser, 'Boundary hedge', ['Eli Eze', 'Fay Fox']);

  const party = await (await partyContext(browser)).newPage();
  await passConsentGate(party, links['Eli Eze']!);
  await expect(party.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  // Connected before Join is pressed.
  await expect.poll(() => marksOf(party, 'recv-transport-connected'), { timeout: 30_000 }).toHaveLength(1);
  await joinFromPrejoin(party);
  await expectVideoFrom(party, 'Mediator');
  // The picture came over that same transport: no second receive transport was connected after the click.
  const [click] = await marksOf(party, 'join-click');
  const connected = await marksOf(party, 'recv-transport-connected');
  expect(connected).toHaveLength(1);
  expect(connected[0]!).toBeLessThan(click!);

  await Promise.all([mediatorCtx.close(), party.context().close()]);
});

/**
 * While the join is under way (here: the server never answers it, as on a network that drops it),
 * the party sees the light joining view: what is happening, and a way out that works.
 */
test('while joining, a party sees that the session is being connected and can leave', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { links } = await createCaseInUi(mediator, 'Fence repair costs', [
    { name: 'Cem Cole', side: 'A' },
    { name: 'Dee Dunn', side: 'B' },
  ]);
  const party = await (await partyContext(browser)).newPage();
  // Everything passes through except the join request, which the "network" swallows.
  let joinsHeld = 0;
  await party.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (typeof m === 'string' && m.includes('"session:join"')) joinsHeld++;
      else server.send(m);
    });
  });
  await passConsentGate(party, links['Cem Cole']!);
  await expect(party.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await party.getByRole('button', { name: 'Join session' }).click();
  await expect(party.getByText('Connecting to the session…')).toBeVisible();
  await expect.poll(() => joinsHeld).toBeGreaterThan(0);
  // The whole session is not drawn yet: no controls for a microphone that is not sending.
  await expect(party.getByRole('heading', { name: 'Fence repair costs' })).toBeVisible();
  await expect(party.getByRole('button', { name: /microphone/i })).toHaveCount(0);
  for (const [size, name] of [[DESKTOP, 'joining-desktop'], [PHONE, 'joining-phone']] as const) {
    await party.setViewportSize(size);
    await fitsTheScreen(party, name);
    await screenshot(party, name);
  }
  await expectAccessible(party, 'joining view');

  await party.getByRole('button', { name: 'Leave session' }).click();
  await expect(party.getByRole('heading', { name: 'You left the session' })).toBeVisible();

  await Promise.all([mediatorCtx.close(), party.context().close()]);
});
