import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** One mail as the SMTP server received it: the raw source (every byte that went over the wire) and the parsed mail. */
export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  to: string[];
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps every mail it accepts,
 * for tests of what Parley mails. `refuse(n)` makes it answer the next n mails with a temporary
 * failure (451), as a busy or broken server would.
 */
export async function startSmtp(): Promise<{
  url: string;
  mails: ReceivedMail[];
  refuse(n: number): void;
  waitFor(pred: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate for the test server to offer.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const err = Object.assign(new Error('Try again later'), { responseCode: 451 });
          done(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((parsed) => {
          mails.push({ raw, parsed, to: session.envelope.rcptTo.map((r) => r.address) });
          for (const w of [...waiters]) w();
          done();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse(n) {
      refusals = n;
    },
    waitFor(pred, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = mails.find(pred);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such mail within ${timeoutMs} ms; received: ${mails.map((m) => `${m.to.join(',')}: ${m.parsed.subject}`).join(' | ') || 'none'}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
