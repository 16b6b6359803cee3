import { expect, test } from '@playwright/test';
import {
  createCaseInUi, mediatorContext, openMessagesAsParty, openThread, partyContext, passConsentGate, sendMessage, server, tokenOf,
} from '../support/flows.ts';
import { rawRequest, rawSocket } from '../support/raw-socket.ts';

const ANA = 'Ana Arden';
const BRUNO = 'Bruno Baptiste';
const SECRET = 'Only for the mediator: I could accept 4,000 if pushed.';

test('threads between sessions: joint messages reach everyone, a private thread reaches the mediator only, unread counts clear, history survives a reload', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Threads: the rented flat deposit', [
    { name: ANA, side: 'A' },
    { name: BRUNO, side: 'B' },
  ]);

  const aCtx = await partyContext(browser, { width: 390, height: 844 }); // Ana is on a phone
  const a = await aCtx.newPage();
  const bCtx = await partyContext(browser);
  // Bruno's page records whether the private text ever reached his DOM, at any moment.
  await bCtx.addInitScript((secret: string) => {
    const w = window as unknown as { __sawSecret?: boolean };
    const check = () => {
      if (document.documentElement?.textContent?.includes(secret)) w.__sawSecret = true;
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  }, SECRET);
  const b = await bCtx.newPage();

  await passConsentGate(a, links[ANA]!);
  await passConsentGate(b, links[BRUNO]!);
  // Nobody joins the live session: the messages work without it.
  await openMessagesAsParty(a);
  await openMessagesAsParty(b);

  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Open messages' }).click();
  await expect(mediator).toHaveURL(/\/cases\/[A-Za-z0-9_-]+\/messages$/);
  const mRegion = mediator.getByRole('region', { name: 'Messages' });
  await openThread(mediator, 'Joint thread');
  await expect(mRegion.getByText('Everyone on the case can read this')).toBeVisible();
  await sendMessage(mediator, 'Joint thread', 'Welcome both. Please keep messages short and polite.');

  // Ana: the unread badge appears, and clears when she opens the thread.
  const aRegion = a.getByRole('region', { name: 'Messages' });
  const aThreads = aRegion.getByRole('navigation', { name: 'Threads' });
  await expect(aThreads.getByRole('button', { name: 'Joint thread, 1 unread' })).toBeVisible();
  await openThread(a, 'Joint thread');
  const aJoint = aRegion.getByRole('log', { name: 'Messages in Joint thread' });
  await expect(aJoint.getByText('Welcome both. Please keep messages short and polite.')).toBeVisible();
  await expect(aJoint.getByText('Mediator', { exact: true }).first()).toBeVisible();
  await sendMessage(a, 'Joint thread', 'Thank you. I would like the deposit back.');
  // On the phone the list is hidden while a thread is open; back to it, the badge is gone.
  await aRegion.getByRole('button', { name: 'All threads' }).click();
  await expect(aThreads.getByRole('button', { name: 'Joint thread', exact: true })).toBeVisible();

  // Bruno sees both and answers; the others see his answer live.
  await expect(b.getByRole('region', { name: 'Messages' }).getByRole('button', { name: 'Joint thread, 2 unread' })).toBeVisible();
  await openThread(b, 'Joint thread');
  const bJoint = b.getByRole('log', { name: 'Messages in Joint thread' });
  await expect(bJoint.getByText('Welcome both. Please keep messages short and polite.')).toBeVisible();
  await expect(bJoint.getByText('Thank you. I would like the deposit back.')).toBeVisible();
  await sendMessage(b, 'Joint thread', 'The carpet was damaged, so part of it stays.');
  await expect(mRegion.getByRole('log', { name: 'Messages in Joint thread' }).getByText('The carpet was damaged, so part of it stays.')).toBeVisible();
  await openThread(a, 'Joint thread');
  await expect(aJoint.getByText('The carpet was damaged, so part of it stays.')).toBeVisible();

  // Ana writes privately to the mediator; the thread says who can read it.
  await aRegion.getByRole('button', { name: 'All threads' }).click();
  await openThread(a, 'Private: you and Mediator');
  await expect(aRegion.getByText('Only you and Mediator can read this.')).toBeVisible();
  await sendMessage(a, 'Private: you and Mediator', SECRET);

  await expect(mRegion.getByRole('button', { name: `Private: ${ANA}, 1 unread` })).toBeVisible();
  await openThread(mediator, `Private: ${ANA}`);
  await expect(mRegion.getByText(`Only you and ${ANA} can read this.`)).toBeVisible();
  await expect(mRegion.getByRole('log', { name: `Messages in Private: ${ANA}` }).getByText(SECRET)).toBeVisible();
  await expect(mRegion.getByRole('button', { name: `Private: ${ANA}`, exact: true })).toBeVisible();

  // Bruno has no such thread, and the text never reached his page.
  const bThreads = b.getByRole('region', { name: 'Messages' }).getByRole('navigation', { name: 'Threads' });
  await expect(bThreads.getByRole('button', { name: /Private: you and Mediator/ })).toBeVisible();
  await expect(bThreads.getByRole('button', { name: new RegExp(ANA) })).toHaveCount(0);
  await openThread(b, 'Private: you and Mediator');
  await expect(b.getByRole('log', { name: 'Messages in Private: you and Mediator' }).getByText('No messages yet.')).toBeVisible();
  await expect(b.getByText(SECRET)).toHaveCount(0);

  // Even a modified client holding Bruno's link cannot read or write Ana's private thread.
  const rawA = await rawSocket(server().url, { token: tokenOf(links[ANA]!) });
  const rawB = await rawSocket(server().url, { token: tokenOf(links[BRUNO]!) });
  try {
    const list = (await rawRequest(rawA, 'thread:list', {})) as { ok: boolean; data?: { threads: Array<{ id: string; kind: string }> } };
    const anaPrivate = list.data!.threads.find((t) => t.kind === 'private')!.id;
    expect(await rawRequest(rawB, 'thread:history', { threadId: anaPrivate })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await rawRequest(rawB, 'message:send', { threadId: anaPrivate, body: 'let me in', clientId: crypto.randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  } finally {
    rawA.close();
    rawB.close();
  }

  await openThread(b, 'Joint thread');

  // Ana corrects and then deletes her joint message; Bruno sees the correction, then nothing;
  // the mediator sees a tombstone.
  await aRegion.getByRole('button', { name: 'All threads' }).click();
  await openThread(a, 'Joint thread');
  const ownMessage = aJoint.getByRole('listitem').filter({ hasText: 'Thank you. I would like the deposit back.' });
  await ownMessage.getByRole('button', { name: 'Edit' }).click();
  await aJoint.getByLabel('Edit your message').fill('Thank you. I would like the whole deposit back.');
  await aJoint.getByRole('button', { name: 'Save' }).click();
  await expect(bJoint.getByText('Thank you. I would like the whole deposit back.')).toBeVisible();
  await expect(bJoint.getByRole('listitem').filter({ hasText: 'whole deposit' }).getByText('edited')).toBeVisible();
  a.once('dialog', (d) => void d.accept());
  await aJoint.getByRole('listitem').filter({ hasText: 'whole deposit' }).getByRole('button', { name: 'Delete' }).click();
  await expect(bJoint.getByText('Thank you. I would like the whole deposit back.')).toHaveCount(0);
  await openThread(mediator, 'Joint thread');
  await expect(mRegion.getByRole('log', { name: 'Messages in Joint thread' }).getByText(/Message deleted/)).toBeVisible();

  // After a reload, the history is still there (stored on the server).
  await a.reload();
  await openMessagesAsParty(a);
  await openThread(a, 'Private: you and Mediator');
  await expect(a.getByRole('log', { name: 'Messages in Private: you and Mediator' }).getByText(SECRET)).toBeVisible();
  await a.getByRole('button', { name: 'All threads' }).click();
  await openThread(a, 'Joint thread');
  await expect(aJoint.getByText('The carpet was damaged, so part of it stays.')).toBeVisible();
  await expect(aJoint.getByText('Welcome both. Please keep messages short and polite.')).toBeVisible();

  await mediator.reload();
  await openThread(mediator, `Private: ${ANA}`);
  await expect(mRegion.getByRole('log', { name: `Messages in Private: ${ANA}` }).getByText(SECRET)).toBeVisible();

  await b.reload();
  await openMessagesAsParty(b);
  await openThread(b, 'Joint thread');
  await expect(bJoint.getByText('The carpet was damaged, so part of it stays.')).toBeVisible();
  expect(await b.evaluate(() => (window as unknown as { __sawSecret?: boolean }).__sawSecret ?? false)).toBe(false);

  await Promise.all([mediatorCtx.close(), aCtx.close(), bCtx.close()]);
});

test('in the live session the Messages button shows unread messages and opens the panel beside the stage', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Threads: during the session', [
    { name: ANA, side: 'A' },
    { name: BRUNO, side: 'B' },
  ]);
  const aCtx = await partyContext(browser);
  const a = await aCtx.newPage();
  await passConsentGate(a, links[ANA]!);
  await expect(a.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  await a.getByRole('button', { name: 'Join session' }).click();
  await expect(a.getByRole('button', { name: 'Leave session' })).toBeVisible();

  // The mediator writes from the case's message page, outside the session.
  await mediator.goto(`${caseUrl}/messages`);
  await openThread(mediator, `Private: ${ANA}`);
  await sendMessage(mediator, `Private: ${ANA}`, 'Ana, a word in private when you have a moment.');

  const toggle = a.getByRole('button', { name: 'Messages, 1 unread' });
  await expect(toggle).toBeVisible();
  await toggle.click();
  const panel = a.getByRole('region', { name: 'Messages' });
  await openThread(a, 'Private: you and Mediator');
  await expect(panel.getByText('Ana, a word in private when you have a moment.')).toBeVisible();
  await expect(a.getByRole('button', { name: 'Messages', exact: true })).toBeVisible();
  await sendMessage(a, 'Private: you and Mediator', 'Of course.');
  await expect(mediator.getByRole('log', { name: `Messages in Private: ${ANA}` }).getByText('Of course.')).toBeVisible();
  await panel.getByRole('button', { name: 'Close messages' }).click();
  await expect(a.getByRole('region', { name: 'Messages' })).toHaveCount(0);
  await expect(a.getByRole('button', { name: 'Messages', exact: true })).toBeFocused();

  await Promise.all([mediatorCtx.close(), aCtx.close()]);
});
