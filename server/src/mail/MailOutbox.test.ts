import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { caseFixture } from '../test/services.ts';
import { captureLogs } from '../test/harness.ts';
import { startSmtp } from '../test/smtp.ts';
import { Mailer } from './Mailer.ts';
import { MailOutbox } from './MailOutbox.ts';
import { MailStore } from './MailStore.ts';
import type { Store } from '../store/Store.ts';

/** The outbox against a real SMTP server that refuses some mails, as a busy server does. */
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp?.close();
});

async function outbox(opts: { retryBaseMs: number; maxAttempts?: number }) {
  const f = await caseFixture([{ displayName: 'Ana', role: 'party', side: 'A' }]);
  const { logger, lines } = captureLogs();
  const mailer = await Mailer.create({ smtpUrl: smtp.url, from: 'Parley <mediation@parley.test>' });
  const box = new MailOutbox(new MailStore(f.store.kysely), mailer, f.cases, logger, opts);
  const pid = f.detail.participants[1]!.id;
  return { f, box, lines, pid, mailer };
}

/** The mails still in the outbox. */
const waitingMails = (store: Store) => store.kysely.selectFrom('mail_outbox').selectAll().execute();

const mail = (to: string) => ({ to, subject: 'Your invitation to an online mediation', text: 'http://x/join#t=SECRET-LINK', unsubscribeUrl: 'http://x/unsubscribe#t=u' });

describe('MailOutbox', () => {
  it('keeps a waiting mail sealed, and tries a refused one again later until the server takes it', async () => {
    const { f, box, lines, pid, mailer } = await outbox({ retryBaseMs: 50 });
    smtp.refuse(1);
    await box.enqueue(f.detail.id, pid, mail('retry@example.org'));
    const waiting = JSON.stringify(await f.store.kysely.selectFrom('mail_outbox').selectAll().execute());
    expect(waiting).toContain(f.detail.id);
    for (const plain of ['retry@example.org', 'SECRET-LINK', 'invitation']) expect(waiting).not.toContain(plain);
    await smtp.waitFor((m) => m.to.includes('retry@example.org'));
    expect(lines.find((l) => l.msg === 'mail not accepted; will try again')).toMatchObject({ level: 40, attempts: 1, retryInMs: 50 });
    expect(JSON.stringify(lines)).not.toContain('retry@example.org');
    await vi.waitFor(async () => expect(await waitingMails(f.store)).toEqual([]));
    await box.close();
    await mailer.close();
    await mailer.close();
  });

  it('gives a mail up after its last attempt, with an error in the log, and goes on', async () => {
    const { f, box, lines, pid, mailer } = await outbox({ retryBaseMs: 20, maxAttempts: 3 });
    smtp.refuse(3);
    await box.enqueue(f.detail.id, pid, mail('never@example.org'));
    await vi.waitFor(() => expect(lines.find((l) => l.msg === 'mail given up after its last attempt')).toMatchObject({ level: 50, attempts: 3 }), { timeout: 20_000 });
    expect(await waitingMails(f.store)).toEqual([]);
    await box.enqueue(f.detail.id, pid, mail('next@example.org'));
    await smtp.waitFor((m) => m.to.includes('next@example.org'));
    await box.close();
    await mailer.close();
  });

  it('hands each due mail to the SMTP server once when two nodes send from the same outbox', async () => {
    const { f, box, pid, mailer } = await outbox({ retryBaseMs: 60_000 });
    // A second node: its own outbox and mailer over the same database.
    const otherMailer = await Mailer.create({ smtpUrl: smtp.url, from: 'Parley <mediation@parley.test>' });
    const other = new MailOutbox(new MailStore(f.store.kysely), otherMailer, f.cases, captureLogs().logger, { retryBaseMs: 60_000 });
    const store = new MailStore(f.store.kysely);
    const to = Array.from({ length: 12 }, (_, i) => `twice-${i}@example.org`);
    // Stored without a kick, as a node that died before sending would have left them.
    for (const t of to) await store.enqueue(await box.seal(f.detail.id, pid, mail(t)));
    await Promise.all([box.kick(), other.kick(), box.kick(), other.kick()]);
    await vi.waitFor(async () => expect(await waitingMails(f.store)).toEqual([]));
    const sent = smtp.mails.flatMap((m) => m.to).filter((t) => t.startsWith('twice-'));
    expect(sent.sort()).toEqual([...to].sort());
    for (const b of [box, other]) await b.close();
    for (const m of [mailer, otherMailer]) await m.close();
  });
});
