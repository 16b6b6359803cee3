import { expect, test } from '@playwright/test';
import { expectAccessible } from '../support/axe.ts';
import { createCaseInUi, expectVideoFrom, joinFromPrejoin, mediatorContext, mediatorInSession, partyContext, passConsentGate } from '../support/flows.ts';
import { DESKTOP, PHONE, fitsTheScreen, screenshot } from '../support/screens.ts';

/** The first "parley:<step>" mark of the page (client/src/session/timeline.ts), or null. */
function markAt(page: import('@playwright/test').Page, step: string): Promise<number | null> {
  return page.evaluate((s) => performance.getEntriesByName(`parley:${s}`, 'mark')[0]?.startTime ?? null, step);
}

/**
 * Watches a page from before its code runs: when each remote video element ("Video of …") and
 * each h1 is inserted or removed, and how many times the page's peer connections had a remote
 * description set when each consumer was built (client/src/session/timeline.ts marks).
 */
function watchElements(): void {
  type Watch = { added: Array<{ what: string; at: number }>; removed: string[]; negotiations: number; builtAfter: number[] };
  const watch: Watch = { added: [], removed: [], negotiations: 0, builtAfter: [] };
  (window as unknown as { __watch: Watch }).__watch = watch;
  const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, ...args: Parameters<typeof setRemote>) {
    watch.negotiations++;
    return setRemote.apply(this, args);
  } as typeof setRemote;
  const mark = performance.mark.bind(performance);
  performance.mark = ((name: string, options?: PerformanceMarkOptions) => {
    if (name === 'parley:consumer-built') watch.builtAfter.push(watch.negotiations);
    return mark(name, options);
  }) as typeof performance.mark;
  const describe = (n: Node): string | null => {
    if (!(n instanceof Element)) return null;
    if (n.tagName === 'H1') return 'h1';
    const label = n.getAttribute('aria-label') ?? '';
    return n.tagName === 'VIDEO' && label.startsWith('Video of ') ? label : null;
  };
  const each = (n: Node, f: (what: string) => void) => {
    const d = describe(n);
    if (d) f(d);
    if (n instanceof Element) for (const c of n.querySelectorAll('h1, video')) { const e = describe(c); if (e) f(e); }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) each(n, (what) => watch.added.push({ what, at: performance.now() }));
      for (const n of r.removedNodes) each(n, (what) => watch.removed.push(what));
    }
  }).observe(document, { childList: true, subtree: true });
}

/**
 * Joining a session where someone is already sending: the media offered with the join is built in
 * one negotiation, its pictures appear in the light joining view as they arrive, and the whole
 * session screen is drawn only after that (SessionClient.showSessionAfterPictures), around the
 * same video element and heading: nothing restarts, focus does not jump.
 */
test('a party joining sees the others’ pictures in the joining view, and the whole screen keeps them', async ({ browser }) => {
  const { mediatorCtx, links } = await mediatorInSession(browser, 'Tenancy deposit', ['Ada Achebe', 'Bo Berg']);

  const partyCtx = await partyContext(browser);
  await partyCtx.addInitScript(watchElements);
  const party = await partyCtx.newPage();
  await passConsentGate(party, links['Ada Achebe']!);
  await joinFromPrejoin(party);
  // The positive signal first: the party sees the mediator in the whole session screen.
  await expectVideoFrom(party, 'Mediator');
  await expect(party.getByRole('button', { name: /microphone/i }).first()).toBeVisible();
  const [built, acked, shown] = await Promise.all(['consumer-built', 'offer-acked', 'session-shown'].map((s) => markAt(party, s)));
  expect(built).not.toBeNull();
  expect(acked).not.toBeNull();
  expect(shown).not.toBeNull();
  expect(shown!).toBeGreaterThanOrEqual(acked!);

  const watched = await party.evaluate(() => (window as unknown as { __watch: { added: Array<{ what: string; at: number }>; removed: string[]; builtAfter: number[] } }).__watch);
  // The mediator's sound and picture were built by one and the same negotiation.
  expect(watched.builtAfter).toHaveLength(2);
  expect(new Set(watched.builtAfter).size).toBe(1);
  // Their picture was put on the screen before the whole session was drawn, once, and stayed.
  const mediatorVideos = watched.added.filter((a) => a.what === 'Video of Mediator');
  expect(mediatorVideos).toHaveLength(1);
  expect(mediatorVideos[0]!.at).toBeLessThan(shown!);
  expect(watched.removed).not.toContain('Video of Mediator');
  // The session's heading was put up once at the click (replacing the pre-join screen's) and kept.
  const click = (await markAt(party, 'join-click'))!;
  const headingsAfterClick = watched.added.filter((a) => a.what === 'h1' && a.at > click);
  expect(headingsAfterClick).toHaveLength(1);

  await Promise.all([mediatorCtx.close(), partyCtx.close()]);
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
