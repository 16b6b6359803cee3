import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { readServerInfo, type ServerInfo } from './server.ts';
import { fitsTheScreen, PHONE, screenshot } from './screens.ts';
import { expectAccessible } from './axe.ts';

export interface InboundStat {
  consumerId: string;
  participantId: string;
  displayName: string;
  kind: 'audio' | 'video';
  source: string;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
}

export const server = () => readServerInfo();

/**
 * Which platform a flow runs against: the shared one from global setup by default, or one a spec
 * started itself (startPlatform) with its mediator signed in by `signInMediator`.
 */
export interface PlatformRef {
  url: string;
  /** A Playwright storage state file holding the mediator's session cookie. */
  storageState: string;
}
const shared = (): PlatformRef => server();

/** Opens the platform's one-time sign-in link and keeps the mediator's session in `stateFile`. */
export async function signInMediator(browser: Browser, signinUrl: string, stateFile: string): Promise<PlatformRef> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(signinUrl);
    await page.getByRole('heading', { name: 'Your cases' }).waitFor({ timeout: 30_000 });
    await context.storageState({ path: stateFile });
  } finally {
    await context.close();
  }
  return { url: new URL(signinUrl).origin, storageState: stateFile };
}

export async function mediatorContext(browser: Browser, viewport = { width: 1280, height: 800 }, platform: PlatformRef = shared()): Promise<BrowserContext> {
  return browser.newContext({ storageState: platform.storageState, viewport, permissions: ['camera', 'microphone'] });
}

export async function partyContext(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  return browser.newContext({ viewport, permissions: ['camera', 'microphone'] });
}

/**
 * A page again on a phone, in a context of its own (signed in to `platform`, or signed out with
 * null): once `ready` (a level-1 heading's name, or a check of its own) it must fit the screen,
 * is photographed as `<name>-phone` and checked with axe.
 */
export async function onPhone(browser: Browser, platform: PlatformRef | null, url: string, ready: string | ((p: Page) => Promise<void>), name: string): Promise<void> {
  const ctx = platform ? await mediatorContext(browser, PHONE, platform) : await partyContext(browser, PHONE);
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    if (typeof ready === 'string') await expect(page.getByRole('heading', { name: ready, level: 1 })).toBeVisible();
    else await ready(page);
    await fitsTheScreen(page, `${name} on a phone`);
    await screenshot(page, `${name}-phone`);
    await expectAccessible(page, `${name} on a phone`);
  } finally {
    await ctx.close();
  }
}

/** The mediator creates a case through the UI and returns the invitation link of each party. */
export async function createCaseInUi(
  page: Page,
  title: string,
  parties: Array<{ name: string; side: string }>,
  opts: {
    assessor?: string;
    platform?: PlatformRef;
    waitingRoom?: boolean;
    /** The protocol agreement template's option, e.g. "Family, version 2". */
    template?: string;
    /** Addresses to give on the form, by name (on a platform that sends mail). */
    emails?: Record<string, string>;
  } = {},
): Promise<{ caseUrl: string; links: Record<string, string> }> {
  await page.goto((opts.platform ?? shared()).url);
  await expect(page.getByRole('heading', { name: 'Your cases' })).toBeVisible();
  await page.getByLabel('Case title').fill(title);
  if (opts.template) await page.getByLabel('Protocol agreement', { exact: true }).selectOption({ label: opts.template });
  // The form starts with two party rows; add more when needed.
  for (let i = 2; i < parties.length; i++) await page.getByRole('button', { name: 'Add participant' }).click();
  const names = page.getByLabel('Name', { exact: true });
  const sides = page.getByLabel('Side', { exact: true });
  for (const [i, p] of parties.entries()) {
    await names.nth(i).fill(p.name);
    await sides.nth(i).selectOption(p.side);
    const email = opts.emails?.[p.name];
    if (email) await page.getByLabel('E-mail address (optional)').nth(i).fill(email);
  }
  if (opts.assessor) {
    await page.getByRole('button', { name: 'Add an assessor' }).click();
    await expect(page.getByLabel('Role', { exact: true }).nth(parties.length)).toHaveValue('assessor');
    await names.nth(parties.length).fill(opts.assessor);
  }
  // Specs about other things start with everyone going straight into the joint room, as a
  // mediator who turned the waiting room off; the waiting room's own specs keep it on (the default).
  const waiting = page.getByRole('checkbox', { name: /^Waiting room:/ });
  await expect(waiting).toBeChecked();
  if (!(opts.waitingRoom ?? false)) await waiting.uncheck();
  await page.getByRole('button', { name: 'Create case' }).click();
  await expect(page).toHaveURL(/\/cases\/[A-Za-z0-9_-]+$/);
  const links: Record<string, string> = {};
  for (const n of [...parties.map((p) => p.name), ...(opts.assessor ? [opts.assessor] : [])]) {
    links[n] = await page.getByLabel(`Invitation link for ${n}`).inputValue();
    expect(links[n]).toContain('/join#t=');
  }
  return { caseUrl: page.url(), links };
}

/**
 * A party opens their link, ticks every required clause of the protocol agreement and confirms.
 * The optional assessor clause stays unticked (its default) unless `allowAssessorInCaucus`.
 */
export async function passConsentGate(page: Page, link: string, opts: { allowAssessorInCaucus?: boolean } = {}): Promise<void> {
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  if (opts.allowAssessorInCaucus) await page.getByRole('checkbox', { name: 'Allow the assessor to follow the mediator into my private meetings' }).check();
  const confirm = page.getByRole('button', { name: 'I agree and continue' });
  await expect(confirm).toBeDisabled();
  const boxes = page.getByRole('checkbox', { name: /^I agree:/ });
  const n = await boxes.count();
  expect(n).toBeGreaterThanOrEqual(7);
  for (let i = 0; i < n; i++) await boxes.nth(i).check();
  await expect(confirm).toBeEnabled();
  await confirm.click();
}

/** Pre-join screen → Join session, then wait until the session screen is up. */
export async function joinFromPrejoin(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await page.getByRole('button', { name: 'Join session' }).click();
  await expect(page.getByRole('button', { name: 'Leave session' })).toBeVisible();
  await expect(page.getByText(/You are in the joint room/)).toBeVisible();
}

/** Pre-join screen → Join session, for someone the waiting room holds: the session screen is up, in the waiting room. */
export async function joinFromPrejoinToWaiting(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await page.getByRole('button', { name: 'Join session' }).click();
  await expect(page.getByRole('button', { name: 'Leave session' })).toBeVisible();
  await expect(page.locator('.room-line')).toContainText('You are in the waiting room');
}

/** The mediator creates a case with these two parties, opens its session and joins it. */
export async function mediatorInSession(browser: Browser, title: string, parties: [string, string]) {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, title, [
    { name: parties[0], side: 'A' },
    { name: parties[1], side: 'B' },
  ]);
  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mediator);
  return { mediatorCtx, mediator, caseUrl, links };
}

export async function inboundStats(page: Page): Promise<InboundStat[]> {
  return page.evaluate(async () => {
    const dbg = (window as unknown as { __parleyDebug?: { inboundStats(): Promise<unknown[]> } }).__parleyDebug;
    return dbg ? ((await dbg.inboundStats()) as never) : [];
  });
}

/**
 * What a user would notice: from each named person, a video whose decoded frame count keeps
 * rising and audio packets that keep arriving. Sampled twice, a couple of seconds apart.
 */
export async function expectReceivingFrom(page: Page, names: string[]): Promise<void> {
  const pick = (stats: InboundStat[], name: string, kind: 'audio' | 'video') => stats.find((s) => s.displayName === name && s.kind === kind);
  await expect
    .poll(async () => {
      const s = await inboundStats(page);
      return names.every((n) => (pick(s, n, 'video')?.framesDecoded ?? 0) > 0 && (pick(s, n, 'audio')?.packetsReceived ?? 0) > 0);
    }, { timeout: 30_000, intervals: [500] })
    .toBe(true);
  const first = await inboundStats(page);
  expect(first.filter((s) => s.kind === 'video' && s.source === 'camera').length).toBe(names.length);
  // …and keeps flowing: each count rises past its first reading. Polled, not one fixed window: on a
  // loaded machine (or over TCP) a sender's encoder can pause for a couple of seconds.
  for (const n of names) {
    const frames = pick(first, n, 'video')!.framesDecoded;
    const packets = pick(first, n, 'audio')!.packetsReceived;
    await expect.poll(async () => pick(await inboundStats(page), n, 'video')?.framesDecoded ?? 0, { message: `video frames from ${n}`, timeout: 30_000, intervals: [500] }).toBeGreaterThan(frames);
    await expect.poll(async () => pick(await inboundStats(page), n, 'audio')?.packetsReceived ?? 0, { message: `audio packets from ${n}`, timeout: 30_000, intervals: [500] }).toBeGreaterThan(packets);
  }
}

export const tokenOf = (link: string): string => new URL(link).hash.replace('#t=', '');


/** Performs a typed request as the person on this page (what a modified client could send). */
export async function pageRequest(page: Page, name: string, payload: unknown): Promise<{ ok: boolean; data?: any; error?: { code: string } }> {
  return page.evaluate(
    ([n, p]) => (window as unknown as { __parleyDebug: { request(n: string, p: unknown): Promise<never> } }).__parleyDebug.request(n as string, p),
    [name, payload] as const,
  );
}

export async function outboundStats(page: Page): Promise<Array<{ producerId: string; source: string; label: string | null; packetsSent: number }>> {
  return page.evaluate(async () => (window as unknown as { __parleyDebug: { outboundStats(): Promise<never> } }).__parleyDebug.outboundStats());
}

/** Audio packets from `name` as seen on `page` (0 when no such consumer exists). */
export async function audioPacketsFrom(page: Page, name: string): Promise<number> {
  return (await inboundStats(page)).filter((s) => s.displayName === name && s.kind === 'audio').reduce((n, s) => n + s.packetsReceived, 0);
}

/** Asserts that no media at all from `names` reaches `page` (consumers closed). */
export async function expectNothingFrom(page: Page, names: string[]): Promise<void> {
  await expect.poll(async () => (await inboundStats(page)).filter((s) => names.includes(s.displayName)).length, { timeout: 10_000 }).toBe(0);
}

export async function createCaucusInUi(mediator: Page, name: string): Promise<void> {
  await mediator.getByRole('button', { name: 'New caucus' }).click();
  await mediator.getByLabel('Caucus name').fill(name);
  await mediator.getByRole('button', { name: 'Create caucus' }).click();
  await expect(mediator.getByRole('region', { name: 'Rooms' }).getByRole('group', { name })).toBeVisible();
}

export async function moveSelectedInUi(mediator: Page, names: string[], roomName: string): Promise<void> {
  for (const n of names) await mediator.getByLabel(`Select ${n}`).check();
  await mediator.getByLabel('Move selected to').selectOption({ label: roomName });
  await mediator.getByRole('button', { name: 'Move selected' }).click();
}

/** The agreement draft's text box on a page (the region is labelled "Agreement draft"). */
export function agreementEditor(page: Page) {
  return page.getByRole('region', { name: 'Agreement draft' }).getByRole('textbox', { name: 'Agreement draft' });
}

/** A consented party on the pre-join screen opens the agreement draft and waits until it is live. */
export async function openDraftAsParty(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await page.getByRole('button', { name: 'Open the agreement draft' }).click();
  await expect(page.getByRole('region', { name: 'Agreement draft' }).getByText('Saved on the server')).toBeVisible();
}

/** A consented party, on the pre-join screen, opens their messages without joining the session. */
export async function openMessagesAsParty(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await page.getByRole('button', { name: 'Open messages' }).click();
  await expect(page.getByRole('region', { name: 'Messages' }).getByRole('navigation', { name: 'Threads' })).toBeVisible();
}

/** Opens a thread by its title in the Messages region (its unread count may be part of its name). */
export async function openThread(page: Page, title: string): Promise<void> {
  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.getByRole('navigation', { name: 'Threads' }).getByRole('button', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(, \\d+ unread)?$`) }).click();
  await expect(messages.getByRole('heading', { name: title, level: 3 })).toBeVisible();
}

/** Writes in the open thread and waits until the server has stored it (no longer "Sending…"). */
export async function sendMessage(page: Page, threadTitle: string, text: string): Promise<void> {
  const messages = page.getByRole('region', { name: 'Messages' });
  await messages.getByLabel(`Message to ${threadTitle}`).fill(text);
  await messages.getByLabel(`Message to ${threadTitle}`).press('Enter');
  const log = messages.getByRole('log', { name: `Messages in ${threadTitle}` });
  await expect(log.getByText(text, { exact: true })).toBeVisible();
  await expect(log.getByText('Sending…')).toHaveCount(0);
}

/**
 * In the live session: `page` writes `message` in the joint thread (waiting for the server's
 * acknowledgement) and types `line` into the agreement draft (opening both beside the stage).
 */
export async function writeInSession(page: Page, message: string, line: string): Promise<void> {
  await page.getByRole('button', { name: 'Messages' }).click();
  await openThread(page, 'Joint thread');
  await sendMessage(page, 'Joint thread', message);
  await page.getByRole('button', { name: 'Agreement draft' }).click();
  await expect(page.getByRole('region', { name: 'Agreement draft' }).getByText('Saved on the server')).toBeVisible();
  await agreementEditor(page).click();
  await page.keyboard.type(line);
}

/** The mediator, on the draft page, freezes the agreement for signature (accepting the confirm dialog). */
export async function freezeAgreementInUi(mediator: Page): Promise<void> {
  const signoff = mediator.getByRole('region', { name: 'Sign-off' });
  mediator.once('dialog', (d) => {
    expect(d.type()).toBe('confirm');
    void d.accept();
  });
  await signoff.getByRole('button', { name: 'Freeze this version for signature' }).click();
  await expect(signoff.getByRole('status').filter({ hasText: /frozen at .* waiting for:/ })).toBeVisible();
}

/** A party on the review page ticks the confirmation, signs, and sees the confirmation of version `n`. */
export async function signAgreementAsParty(page: Page, n: number): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Review the agreement' })).toBeVisible();
  const sign = page.getByRole('button', { name: 'Sign the agreement' });
  await expect(sign).toBeDisabled();
  await page.getByRole('checkbox', { name: 'I have read this exact text and I agree to it' }).check();
  await sign.click();
  await expect(page.getByText(new RegExp(`^You signed version ${n} at `))).toBeVisible();
}

// --- breakdown procedure (e2e/specs/breakdown.spec.ts) -------------------------------------------

type Viewport = { width: number; height: number };

/**
 * A session of the mediator and two parties, everyone joined and receiving. Optionally each party's
 * screen size, something the mediator does on the case page before anyone consents (e.g. set
 * the breakdown procedure, which changes the agreement they consent to), another platform, and
 * another browser for the first party (one running in a network namespace, say). Unless
 * `checkMedia` is false, it returns once the second party decodes the others' video.
 */
export async function threeInSession(
  browser: Browser,
  title: string,
  names: [string, string],
  opts: { viewports?: [Viewport?, Viewport?]; beforeConsent?: (mediator: Page) => Promise<void>; platform?: PlatformRef; firstPartyBrowser?: Browser; checkMedia?: boolean } = {},
) {
  const mediatorCtx = await mediatorContext(browser, undefined, opts.platform);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, title, [
    { name: names[0], side: 'A' },
    { name: names[1], side: 'B' },
  ], opts.platform ? { platform: opts.platform } : {});
  if (opts.beforeConsent) await opts.beforeConsent(mediator);
  const aCtx = await partyContext(opts.firstPartyBrowser ?? browser, opts.viewports?.[0]);
  const a = await aCtx.newPage();
  await passConsentGate(a, links[names[0]]!);
  const bCtx = await partyContext(browser, opts.viewports?.[1]);
  const b = await bCtx.newPage();
  await passConsentGate(b, links[names[1]]!);
  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open session' }).click();
  // Each page's network readings are pinned to a good network as soon as it is in (the quality
  // rung judges after a 6 s warm-up): a loaded 2-core CI machine can make real readings poor for
  // anyone and put them on audio only, which specs about other things would then wait out in vain.
  // The rung itself is tested with readings of its own (breakdown, network-reality, media-health).
  for (const page of [mediator, a, b]) {
    await joinFromPrejoin(page);
    await pinGoodNetwork(page);
  }
  if (opts.checkMedia !== false) await expectReceivingFrom(b, ['Mediator', names[0]]);
  const close = () => Promise.all([mediatorCtx.close(), aCtx.close(), bCtx.close()]);
  return { mediator, a, b, aCtx, bCtx, links, caseUrl, close };
}

/** Pins the page's network-quality readings to a good network (test build hook). */
export async function pinGoodNetwork(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __parleyDebug: { simulateNetwork(x: unknown): void } }).__parleyDebug.simulateNetwork({ rttMs: 30, loss: 0, availableKbps: 2500 }));
}

/** Video frames from `name` keep being decoded on `page` (for someone whose microphone is off). */
export async function expectVideoFrom(page: Page, name: string): Promise<void> {
  const frames = async () => (await inboundStats(page)).filter((s) => s.displayName === name && s.kind === 'video').reduce((n, s) => n + s.framesDecoded, 0);
  await expect.poll(frames, { timeout: 30_000, intervals: [500] }).toBeGreaterThan(0);
  const first = await frames();
  await expect.poll(frames, { timeout: 15_000, intervals: [500] }).toBeGreaterThan(first);
}

/** The mediator sets the case's breakdown procedure on the case page (accepting the confirm dialog). */
export async function setBreakdownInUi(mediator: Page, settings: { grace?: string; pause?: boolean; audioOnly?: boolean }): Promise<void> {
  const section = mediator.getByRole('region', { name: 'Breakdown procedure' });
  if (settings.grace) await section.getByLabel('How long to wait for someone who dropped').selectOption({ label: settings.grace });
  if (settings.pause !== undefined) await section.getByLabel(/Pause the joint session/).setChecked(settings.pause);
  if (settings.audioOnly !== undefined) await section.getByLabel(/Switch to audio only by itself/).setChecked(settings.audioOnly);
  mediator.once('dialog', (d) => void d.accept());
  await section.getByRole('button', { name: 'Save breakdown procedure' }).click();
  await expect(section.getByRole('button', { name: 'Undo changes' })).toHaveCount(0);
}

/** The case's session record entries, as the mediator's browser reads them from the API. */
export async function recordEntries(mediator: Page, caseUrl: string): Promise<Array<{ type: string; actor: { displayName: string } | null; data: unknown }>> {
  const caseId = new URL(caseUrl).pathname.split('/').at(-1)!;
  return (await mediator.evaluate(async (id) => (await fetch(`/api/cases/${id}/record`)).json(), caseId)).entries;
}

/** Entry types of the case's session record. */
export async function recordTypes(mediator: Page, caseUrl: string): Promise<string[]> {
  return (await recordEntries(mediator, caseUrl)).map((e) => e.type);
}

// --- assessor (ODR-QAP observer) ---------------------------------------------------------------

/** The same with an assessor (ODR-QAP observer), added with the form's "Add an assessor" button. */
export function createCaseWithAssessorInUi(page: Page, title: string, parties: Array<{ name: string; side: string }>, assessor: string) {
  return createCaseInUi(page, title, parties, { assessor });
}

/** An assessor, past the consent gate, joins without a camera check and waits for the session screen. */
export async function joinAsObserver(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Join as observer' })).toBeVisible();
  await page.getByRole('button', { name: 'Join session' }).click();
  await expect(page.getByRole('button', { name: 'Leave session' })).toBeVisible();
  await expect(page.getByText(/You are in the joint room/)).toBeVisible();
}
