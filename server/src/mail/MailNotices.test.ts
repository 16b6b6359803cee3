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

/** A case of Ana and Ben, both with an address, reminders a day ahead on a clock the test moves. */
async function remindersFixture() {
  const f = await caseFixture([
    { displayName: 'Ana', role: 'party', side: 'A' },
    { displayName: 'Ben', role: 'party', side: 'B' },
  ]);
  const clock = { now: Date.parse('2031-01-10T08:00:00Z') };
  const now = () => clock.now;
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
  /** Sends a mail of its own and waits for it: whatever the ticks before it sent is in by then. */
  const settled = async (subject: string) => {
    await outbox.enqueue(f.detail.id, ben, { to: 'ben@example.org', subject, text: subject, unsubscribeUrl: 'http://x' });
    await smtp.waitFor((m) => m.parsed.subject === subject);
  };
  const close = async () => {
    await outbox.close();
    await mailer.close();
  };
  return { f, clock, logger, schedule, recipients, outbox, opts, notices, body, settled, close };
}

const reminders = () => smtp.mails.filter((m) => m.parsed.subject?.startsWith('Reminder'));

describe('MailNotices reminders', () => {
  it('remind once per session, a day before, also across a restart, and never of a cancelled session', async () => {
    const { f, clock, logger, schedule, recipients, outbox, opts, notices, body, settled, close } = await remindersFixture();
    await schedule.add(f.mediatorId, f.detail.id, body);
    // Within the same reminder window, but cancelled.
    const dropped = (await schedule.add(f.mediatorId, f.detail.id, { ...body, time: '09:30' })).session;
    await schedule.cancel(f.mediatorId, f.detail.id, dropped.id);

    await notices.tick(); // three days ahead: not yet
    clock.now = Date.parse('2031-01-12T09:00:00Z'); // 23 hours before the first
    await notices.tick();
    const reminder = await smtp.waitFor((m) => m.to.includes('ben@example.org') && m.parsed.subject === 'Reminder: a joint mediation session');
    expect(reminder.parsed.text).toContain('When: Monday 13 January 2031, 09:00 to 10:00 (time in Europe/Paris, UTC+01:00)');
    await smtp.waitFor((m) => m.to.includes('ana@example.org') && m.parsed.subject === 'Reminder: a joint mediation session');

    await notices.tick();
    // A restart: a new instance over the same database.
    await new MailNotices(f.store, f.cases, recipients, outbox, logger, opts).tick();
    await settled('signal');
    expect(reminders().map((m) => m.to)).toEqual(expect.arrayContaining([['ana@example.org'], ['ben@example.org']]));
    expect(reminders()).toHaveLength(2);
    await close();
  });

  it('never of a session of a concluded case, even one nobody cancelled', async () => {
    const { f, clock, schedule, notices, body, settled, close } = await remindersFixture();
    await schedule.add(f.mediatorId, f.detail.id, body);
    const before = reminders().length;
    // Concluded without the lifecycle's own cancellation (e.g. a case concluded by an older version).
    await f.store.setCaseLifecycle(f.detail.id, 'open', { state: 'concluded', concluded_at: '2031-01-11T00:00:00Z', outcome: 'no-agreement', reason_sealed: null, party_access_until: '2031-02-01T00:00:00Z', archived_at: null });
    clock.now = Date.parse('2031-01-12T09:00:00Z');
    await notices.tick();
    await settled('signal after the concluded case');
    expect(reminders().length).toBe(before);
    await close();
  });
});
