import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectAccessible } from '../support/axe.ts';
import { createCaseInUi, mediatorContext, onPhone, partyContext, signInMediator } from '../support/flows.ts';
import { DESKTOP, PHONE, screenshot } from '../support/screens.ts';
import { startPlatform, stopPlatform } from '../support/server.ts';
import { startSmtp, type ReceivedMail } from '../../server/src/test/smtp.ts';

test.setTimeout(240_000);

/**
 * E-mail (issue 13): a platform of its own, sending to a real SMTP server run by this test. The
 * mediator adds a party with an address and schedules a session; the party's invitation and the
 * session's mail arrive, carrying nothing of the case; the party manages their mails from their
 * page and stops them with the link in a mail.
 */
test('a party added with an e-mail address receives their link and the session time, and can stop the mails', async ({ browser }) => {
  const smtp = await startSmtp();
  const { info, child } = await startPlatform({ name: 'email', env: { PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: 'Parley <mediation@parley.test>' } });
  try {
    const platform = await signInMediator(browser, info.signinUrl, path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-email-')), 'state.json'));
    const mCtx = await mediatorContext(browser, DESKTOP, platform);
    const m = await mCtx.newPage();
    const title = 'Orchard lease between Quill and Rook';
    // The new-case form asks for addresses where Parley sends mail.
    await m.goto(platform.url);
    await m.getByLabel('E-mail address (optional)').first().fill('ana@example.org');
    await expect(m.getByText(/^With an address, Parley e-mails the person their link when you create the case/)).toBeVisible();
    await screenshot(m, 'mediator-new-case-email-desktop');
    await expectAccessible(m, 'new case form with e-mail addresses');
    await onPhone(browser, platform, platform.url, (p) => expect(p.getByLabel('E-mail address (optional)').first()).toBeVisible(), 'mediator-new-case-email');
    const { caseUrl, links } = await createCaseInUi(m, title, [{ name: 'Ana Quill', side: 'A' }, { name: 'Ben Rook', side: 'B' }], { platform, emails: { 'Ben Rook': 'ben@example.org' } });
    const toBen = await smtp.waitFor((mail) => mail.to.includes('ben@example.org'));
    expect(toBen.parsed.subject).toBe('Your invitation to an online mediation');
    expect(toBen.parsed.text).toContain(links['Ben Rook']);

    const add = m.getByRole('region', { name: 'Add someone to the case' });
    await add.getByLabel('Side').selectOption('B');
    await add.getByLabel('Name').fill('Cleo Rook');
    await add.getByLabel('E-mail address (optional)').fill('cleo@example.org');
    await screenshot(m, 'mediator-add-person-email-desktop');
    await expectAccessible(m, 'case page, adding someone with an e-mail address');
    await add.getByRole('button', { name: 'Add to the case' }).click();
    await expect(m.getByText('Cleo Rook was added as party, side B. Parley is sending their invitation link to cleo@example.org; if it does not arrive, copy it from the list of participants.')).toBeAttached();
    const card = m.getByRole('article', { name: 'Cleo Rook' });
    await expect(card.getByText('E-mail: cleo@example.org')).toBeVisible();
    const link = await card.getByLabel('Invitation link for Cleo Rook').inputValue();

    const invitation = await smtp.waitFor((mail) => mail.to.includes('cleo@example.org'));
    expect(invitation.parsed.subject).toBe('Your invitation to an online mediation');
    expect(invitation.parsed.text).toContain(link);

    // A session, scheduled on the case page (the mediator's browser is in the default zone of the test).
    const form = m.getByRole('form', { name: 'Schedule a session' });
    await form.getByLabel('Date', { exact: true }).fill('2031-01-16');
    await form.getByLabel('Start time').fill('09:00');
    const zone = await form.getByLabel('Time zone of this date and time').inputValue();
    await form.getByRole('button', { name: 'Schedule session' }).click();
    const planned = await smtp.waitFor((mail) => mail.to.includes('cleo@example.org') && mail.parsed.subject === 'Planned: a joint mediation session');
    expect(planned.parsed.text).toContain(`16 January 2031, 09:00`);
    expect(planned.parsed.text).toContain(`time in ${zone}`);
    expect(planned.parsed.attachments.some((a) => a.contentType.startsWith('text/calendar') && a.content.toString('utf8').includes('METHOD:REQUEST'))).toBe(true);
    const all = (mails: ReceivedMail[]) => mails.map((x) => x.raw).join('\n');
    for (const secret of [title, 'Quill', 'Ana']) expect(all(smtp.mails)).not.toContain(secret);

    // The case page on a phone, with the address on the card.
    const phone = await mCtx.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(caseUrl);
    await phone.getByRole('article', { name: 'Cleo Rook' }).scrollIntoViewIfNeeded();
    await screenshot(phone, 'mediator-case-person-email-phone');

    // Cleo opens the link from the mail on her phone: her own e-mail settings.
    const cCtx = await partyContext(browser, PHONE);
    const cleo = await cCtx.newPage();
    await cleo.goto(/https?:\S+\/join#t=\S+/.exec(invitation.parsed.text ?? '')![0]);
    await cleo.getByText('E-mails from Parley').click();
    await expect(cleo.getByLabel('Your e-mail address')).toHaveValue('cleo@example.org');
    await expect(cleo.getByLabel('Send me e-mails about this mediation')).toBeChecked();
    await screenshot(cleo, 'party-email-settings-phone');
    await expectAccessible(cleo, 'link page, e-mail settings');

    // The link at the foot of the mail: opening it changes nothing; the button does.
    const unsubscribe = /https?:\S+\/unsubscribe#t=\S+/.exec(planned.parsed.text ?? '')![0];
    const stop = await cCtx.newPage();
    await stop.goto(unsubscribe);
    await expect(stop.getByRole('heading', { name: 'Stop e-mails from Parley' })).toBeVisible();
    await screenshot(stop, 'party-unsubscribe-phone');
    await expectAccessible(stop, 'unsubscribe page');
    await stop.getByRole('button', { name: 'Stop e-mails' }).click();
    await expect(stop.getByText(/Done\. Parley will not e-mail you about this mediation any more\./)).toBeVisible();
    await screenshot(stop, 'party-unsubscribed-phone');
    await m.reload();
    await expect(m.getByRole('article', { name: 'Cleo Rook' }).getByText('Cleo Rook turned e-mails from Parley off. Only they can turn them on again.')).toBeVisible();
    await Promise.all([mCtx.close(), cCtx.close()]);
  } finally {
    await stopPlatform(child.pid!);
    await smtp.close();
  }
});

/**
 * The e-mail fallback to a passkey (issue 13): the mediator puts an address on their profile,
 * signs out, asks for a link on the sign-in page, and the link in the mail signs them in.
 */
test('a mediator without a passkey signs in with a link mailed to the address on their profile', async ({ browser }) => {
  const smtp = await startSmtp();
  const { info, child } = await startPlatform({ name: 'email-signin', env: { PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: 'Parley <mediation@parley.test>' } });
  try {
    const platform = await signInMediator(browser, info.signinUrl, path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-email-signin-')), 'state.json'));
    const ctx = await mediatorContext(browser, PHONE, platform);
    const m = await ctx.newPage();
    await m.goto(`${platform.url}/account`);
    await m.getByLabel('Your e-mail address (optional)').fill('mediator@example.org');
    await m.getByRole('button', { name: 'Save profile' }).click();
    await expect(m.getByText(/^Saved\./)).toBeVisible();
    await m.getByRole('button', { name: 'Sign out' }).click();
    await expect(m.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();

    const form = m.getByRole('form', { name: 'No passkey here? Get a sign-in link by e-mail' });
    await form.getByLabel('The e-mail address on your mediator account').fill('mediator@example.org');
    await form.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
    await expect(form.getByRole('status')).toContainText('If a mediator account here has the address mediator@example.org, a sign-in link is on its way');
    await screenshot(m, 'signin-email-link-phone');
    await expectAccessible(m, 'sign-in page, link asked for by e-mail');

    const mail = await smtp.waitFor((x: ReceivedMail) => x.to.includes('mediator@example.org'));
    expect(mail.parsed.subject).toBe('Your sign-in link for Parley');
    await m.goto(/https?:\S+\/signin#token=\S+/.exec(mail.parsed.text ?? '')![0]);
    await expect(m.getByRole('heading', { name: 'Your cases' })).toBeVisible();
    await ctx.close();
  } finally {
    await stopPlatform(child.pid!);
    await smtp.close();
  }
});
