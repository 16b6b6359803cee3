import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseMail, CaseSchedule, InvitationView, MyMail } from '@parley/shared';
import { api, connect, consent, must, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';
import { parseCalendar } from '../test/calendar.ts';
import { startSmtp, type ReceivedMail } from '../test/smtp.ts';

/**
 * E-mail against a real server and a real SMTP server: what arrives is what a person would see.
 * No mail may carry the case title, the other side's names or anything written in the case.
 */
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
const sockets: ClientSocket[] = [];

const TITLE = 'Orchard boundary between Quill and Rook';
const ANA = 'ana@example.org';
const BEN = 'ben@example.org';
const joint = { date: '2031-01-16', time: '09:00', timeZone: 'Europe/Paris', purpose: 'joint', durationMinutes: 90, note: 'Bring the surveyor report' };
const to = (address: string) => (m: ReceivedMail) => m.to.includes(address);
const person = (d: CaseDetail, name: string) => d.participants.find((p) => p.displayName === name)!;
/** Everything any mail said, headers and attachments included. */
const everything = () => smtp.mails.map((m) => m.raw).join('\n');

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({ PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: 'Parley <mediation@parley.test>', PARLEY_MAIL_DIGEST_MINUTES: '0.02' });
  cookie = await signIn(server);
  const created = await api<CaseDetail>(server, 'POST', '/api/cases', {
    cookie,
    body: {
      title: TITLE,
      waitingRoom: false,
      participants: [
        { displayName: 'Ana Quill', role: 'party', side: 'A', email: ANA },
        { displayName: 'Ben Rook', role: 'party', side: 'B', email: BEN },
      ],
    },
  });
  detail = created.body;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
  await smtp?.close();
});

describe('e-mail notifications', () => {
  it('mails each person their own invitation link, and nothing of the case', async () => {
    const mail = await smtp.waitFor(to(ANA));
    expect(mail.parsed.subject).toBe('Your invitation to an online mediation');
    expect(mail.parsed.text).toContain(person(detail, 'Ana Quill').invitation!.url);
    expect(mail.parsed.text).toContain('Mediator invites you');
    const inv = await api<InvitationView>(server, 'GET', '/api/invitation', { bearer: tokenOf(person(detail, 'Ana Quill').invitation!.url) });
    expect(inv.status).toBe(200);
    await smtp.waitFor(to(BEN));
    for (const secret of [TITLE, 'Quill', 'Rook']) expect(everything()).not.toContain(secret);
  });

  it('mails the new link when the mediator adds someone with an address or reissues a link', async () => {
    const added = await api<CaseDetail>(server, 'POST', `/api/cases/${detail.id}/participants`, { cookie, body: { displayName: 'Cleo Counsel', role: 'advisor', side: 'A', email: 'cleo@example.org' } });
    expect(added.status).toBe(201);
    const first = await smtp.waitFor(to('cleo@example.org'));
    expect(first.parsed.text).toContain(person(added.body, 'Cleo Counsel').invitation!.url);
    const again = await api<CaseDetail>(server, 'POST', `/api/cases/${detail.id}/participants/${person(added.body, 'Cleo Counsel').id}/reissue`, { cookie });
    const newUrl = person(again.body, 'Cleo Counsel').invitation!.url;
    expect(newUrl).not.toBe(person(added.body, 'Cleo Counsel').invitation!.url);
    await smtp.waitFor((m) => to('cleo@example.org')(m) && (m.parsed.text ?? '').includes(newUrl));
  });

  it('mails a session in each person’s own time zone, named, with a calendar invitation that later moves and cancels it', async () => {
    await consent(server, tokenOf(person(detail, 'Ben Rook').invitation!.url), detail);
    await api(server, 'PUT', `/api/cases/${detail.id}/participants/${person(detail, 'Ben Rook').id}/time-zone`, { cookie, body: { timeZone: 'Asia/Tokyo' } });
    const planned = await api<CaseSchedule>(server, 'POST', `/api/cases/${detail.id}/schedule`, { cookie, body: joint });
    const sessionId = planned.body.sessions[0]!.id;
    const ben = await smtp.waitFor((m) => to(BEN)(m) && m.parsed.subject === 'Planned: a joint mediation session');
    expect(ben.parsed.text).toContain('When: Thursday 16 January 2031, 17:00 to 18:30 (time in Asia/Tokyo, UTC+09:00)');
    const ana = await smtp.waitFor((m) => to(ANA)(m) && m.parsed.subject === 'Planned: a joint mediation session');
    // No zone known for Ana: the zone the mediator set it in, named.
    expect(ana.parsed.text).toContain('09:00 to 10:30 (time in Europe/Paris, UTC+01:00)');
    const ics = (m: ReceivedMail) => {
      const att = m.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      expect(att, 'a calendar entry is attached').toBeDefined();
      return parseCalendar(att!.content.toString('utf8'));
    };
    const invite = ics(ben);
    expect(invite.lines).toContain('METHOD:REQUEST');
    expect(invite.events[0]).toMatchObject({ UID: `${sessionId}@parley`, SEQUENCE: '0', DTSTART: '20310116T080000Z' });

    await api(server, 'PUT', `/api/cases/${detail.id}/schedule/${sessionId}`, { cookie, body: { ...joint, time: '10:00' } });
    const moved = await smtp.waitFor((m) => to(BEN)(m) && m.parsed.subject === 'New time: a joint mediation session');
    expect(moved.parsed.text).toContain('When: Thursday 16 January 2031, 18:00 to 19:30 (time in Asia/Tokyo, UTC+09:00)');
    expect(moved.parsed.text).toContain('Before: Thursday 16 January 2031, 17:00');
    expect(ics(moved).events[0]).toMatchObject({ UID: `${sessionId}@parley`, SEQUENCE: '1', DTSTART: '20310116T090000Z' });

    await api(server, 'POST', `/api/cases/${detail.id}/schedule/${sessionId}/cancel`, { cookie });
    const cancelled = await smtp.waitFor((m) => to(BEN)(m) && m.parsed.subject === 'Cancelled: a joint mediation session');
    const cancel = ics(cancelled);
    expect(cancel.lines).toContain('METHOD:CANCEL');
    expect(cancel.events[0]).toMatchObject({ UID: `${sessionId}@parley`, SEQUENCE: '2', STATUS: 'CANCELLED' });
    // The mediator's note is case content: in no mail.
    expect(everything()).not.toContain('surveyor');
  });

  it('mails a private meeting only to its side', async () => {
    await api(server, 'POST', `/api/cases/${detail.id}/schedule`, { cookie, body: { ...joint, purpose: 'caucus', side: 'A', date: '2031-02-03' } });
    await api(server, 'POST', `/api/cases/${detail.id}/schedule`, { cookie, body: { ...joint, date: '2031-02-04' } });
    await smtp.waitFor((m) => to(ANA)(m) && m.parsed.subject === 'Planned: a private meeting with your mediator');
    // Ben's mail of the later joint session has arrived: the caucus mail went before it, or never.
    await smtp.waitFor((m) => to(BEN)(m) && (m.parsed.text ?? '').includes('4 February 2031'));
    expect(smtp.mails.filter((m) => to(BEN)(m) && m.parsed.subject === 'Planned: a private meeting with your mediator')).toEqual([]);
  });

  it('sends a digest that counts new messages and never holds their text, their author or the case', async () => {
    const marker = `MARKER-${crypto.randomUUID()}`;
    const tA = tokenOf(person(detail, 'Ana Quill').invitation!.url);
    await consent(server, tA, detail);
    const a = await connect(server, { token: tA });
    sockets.push(a);
    const joint = (await must(a, 'thread:list', {})).threads.find((t) => t.kind === 'joint')!.id;
    await must(a, 'message:send', { threadId: joint, body: `First ${marker}`, clientId: crypto.randomUUID() });
    await must(a, 'message:send', { threadId: joint, body: `Second ${marker}`, clientId: crypto.randomUUID() });
    const digest = await smtp.waitFor((m) => to(BEN)(m) && /new message/.test(m.parsed.subject ?? ''));
    expect(digest.parsed.subject).toBe('You have 2 new messages in your mediation');
    // The author is not told of their own messages; the other side's digest came, and nothing in any mail quotes them.
    expect(smtp.mails.filter((m) => to(ANA)(m) && /new message/.test(m.parsed.subject ?? ''))).toEqual([]);
    for (const secret of [marker, 'First', 'Ana Quill', 'Quill', TITLE]) expect(everything()).not.toContain(secret);
  });

  it('every mail’s unsubscribe link turns that person’s mails off; other people still get theirs', async () => {
    const last = smtp.mails.filter(to(BEN)).at(-1)!;
    const token = /\/unsubscribe#t=([A-Za-z0-9_-]{43})/.exec(last.parsed.text ?? '')?.[1];
    expect(token, 'an unsubscribe link in the mail').toBeDefined();
    expect(String(last.parsed.headers.get('list-unsubscribe') ?? JSON.stringify(last.parsed.headers.get('list')))).toContain('/unsubscribe#t=');
    expect(await api(server, 'POST', '/api/mail/unsubscribe', { body: { token } })).toMatchObject({ status: 204 });
    const mine = await api<MyMail>(server, 'GET', '/api/invitation/mail', { bearer: tokenOf(person(detail, 'Ben Rook').invitation!.url) });
    expect(mine.body).toEqual({ available: true, email: BEN, mailsOn: false });
    const before = smtp.mails.filter(to(BEN)).length;
    await api(server, 'POST', `/api/cases/${detail.id}/schedule`, { cookie, body: { ...joint, date: '2031-03-05' } });
    await smtp.waitFor((m) => to(ANA)(m) && (m.parsed.text ?? '').includes('5 March 2031'));
    expect(smtp.mails.filter(to(BEN)).length).toBe(before);
  });

  it('a person turns mails off and on from their own page', async () => {
    const tA = tokenOf(person(detail, 'Ana Quill').invitation!.url);
    expect((await api<MyMail>(server, 'PUT', '/api/invitation/mail', { bearer: tA, body: { mailsOn: false } })).body).toEqual({ available: true, email: ANA, mailsOn: false });
    const seen = await api<CaseMail>(server, 'GET', `/api/cases/${detail.id}/mail`, { cookie });
    expect(seen.body.people.find((p) => p.participantId === person(detail, 'Ana Quill').id)).toEqual({ participantId: person(detail, 'Ana Quill').id, email: ANA, mailsOn: false });
    expect((await api<MyMail>(server, 'PUT', '/api/invitation/mail', { bearer: tA, body: { mailsOn: true } })).body.mailsOn).toBe(true);
  });

  it('only the case’s mediator reads and sets addresses; a bad address or link changes nothing', async () => {
    const tA = tokenOf(person(detail, 'Ana Quill').invitation!.url);
    const ben = person(detail, 'Ben Rook').id;
    expect(await api(server, 'GET', `/api/cases/${detail.id}/mail`, { bearer: tA })).toMatchObject({ status: 401 });
    expect(await api(server, 'PUT', `/api/cases/${detail.id}/participants/${ben}/email`, { bearer: tA, body: { email: 'x@example.org' } })).toMatchObject({ status: 401 });
    expect(await api(server, 'PUT', `/api/cases/${detail.id}/participants/${ben}/email`, { cookie, body: { email: 'not an address' } })).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(await api(server, 'POST', '/api/mail/unsubscribe', { body: { token: 'A'.repeat(43) } })).toMatchObject({ status: 401, body: { error: { code: 'link_invalid' } } });
    const after = await api<CaseMail>(server, 'GET', `/api/cases/${detail.id}/mail`, { cookie });
    expect(after.body.people.find((p) => p.participantId === ben)?.email).toBe(BEN);
  });

  it('keeps addresses and waiting mails sealed at rest', async () => {
    const rows = await server.store.kysely.selectFrom('mail_recipients').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('@example.org');
  });
});

describe('without an SMTP server', () => {
  it('says so, and keeps the address for later', async () => {
    const plain = await startTestServer();
    try {
      const c = await signIn(plain);
      const d = await api<CaseDetail>(plain, 'POST', '/api/cases', { cookie: c, body: { title: 'T', participants: [{ displayName: 'Dee', role: 'party', side: 'A', email: 'dee@example.org' }] } });
      const seen = await api<CaseMail>(plain, 'GET', `/api/cases/${d.body.id}/mail`, { cookie: c });
      expect(seen.body).toEqual({ available: false, people: [{ participantId: d.body.participants[1]!.id, email: 'dee@example.org', mailsOn: true }] });
    } finally {
      await plain.close();
    }
  });
});
