import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { Schedule } from '../schedule/Schedule.ts';
import { caseFixture } from '../test/services.ts';
import { startSmtp } from '../test/smtp.ts';
import { Mailer } from './Mailer.ts';
import { MailNotices } from './MailNotices.ts';
import { MailOutbox } from './MailOutbox.ts';
import { MailRecipients } from './MailRecipients.ts';
import { MailStore } from './MailStore.ts';

/** Reminders on a clock the test moves, against a real SMTP server. */
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp?.close();
});

const HOUR = 3600_000;

describe('MailNotices reminders', () => {
  it('remind once per session, a day before, also across a restart, and never of a cancelled session', async () => {
    const f = await caseFixture([
      { displayName: 'Ana', role: 'party', side: 'A' },
      { displayName: 'Ben', role: 'party', side: 'B' },
    ]);
    let clock = Date.parse('2031-01-10T08:00:00Z');
    const now = () => clock;
    const logger = createLogger('silent');
    const schedule = new Schedule(f.store, f.cases, f.bus, { consentCurrent: () => true, now });
    const recipients = new MailRecipients(f.store, f.cases, f.keys, logger, { available: true, baseUrl: () => 'http://x' });
    const mailer = await Mailer.create({ smtpUrl: smtp.url, from: 'mediation@parley.test' });
    const outbox = new MailOutbox(new MailStore(f.store.kysely), mailer, f.cases, logger, { now });
    const opts = { from: 'mediation@parley.test', digestMs: 60_000, reminderLeadMs: 24 * HOUR, now };
    const notices = new MailNotices(f.store, f.cases, recipients, outbox, logger, opts);
    const [ana, ben] = [f.detail.participants[1]!.id, f.detail.participants[2]!.id];
    await recipients.setAddress(f.detail.id, ana, 'ana@example.org');
    await recipients.setAddress(f.detail.id, ben, 'ben@example.org');
    const body = { date: '2031-01-13', time: '09:00', timeZone: 'Europe/Paris', purpose: 'joint' as const, side: null, durationMinutes: 60, note: '' };
    await schedule.add(f.mediatorId, f.detail.id, body);
    // Within the same reminder window, but cancelled.
    const dropped = (await schedule.add(f.mediatorId, f.detail.id, { ...body, time: '09:30' })).session;
    await schedule.cancel(f.mediatorId, f.detail.id, dropped.id);

    await notices.tick(); // three days ahead: not yet
    clock = Date.parse('2031-01-12T09:00:00Z'); // 23 hours before the first
    await notices.tick();
    const reminder = await smtp.waitFor((m) => m.to.includes('ben@example.org') && m.parsed.subject === 'Reminder: a joint mediation session');
    expect(reminder.parsed.text).toContain('When: Monday 13 January 2031, 09:00 to 10:00 (time in Europe/Paris, UTC+01:00)');
    await smtp.waitFor((m) => m.to.includes('ana@example.org') && m.parsed.subject === 'Reminder: a joint mediation session');

    await notices.tick();
    // A restart: a new instance over the same database.
    await new MailNotices(f.store, f.cases, recipients, outbox, logger, opts).tick();
    // Something else sent after those ticks has arrived: whatever they had sent would be in by now.
    await outbox.enqueue(f.detail.id, ben, { to: 'ben@example.org', subject: 'signal', text: 'signal', unsubscribeUrl: 'http://x' });
    await smtp.waitFor((m) => m.parsed.subject === 'signal');
    expect(smtp.mails.filter((m) => m.parsed.subject?.startsWith('Reminder')).map((m) => m.to)).toEqual(expect.arrayContaining([['ana@example.org'], ['ben@example.org']]));
    expect(smtp.mails.filter((m) => m.parsed.subject?.startsWith('Reminder'))).toHaveLength(2);
    await outbox.close();
    await mailer.close();
  });
});
