import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';

/** The mail settings as an operator sets them: off unless both are given, each mistake named, the password never echoed. */
const base = { PARLEY_DATA_DIR: '/tmp/parley-mail-config' };

describe('mail settings', () => {
  it('are off without an SMTP server', () => {
    expect(loadConfig(base).mail).toBeUndefined();
  });

  it('read the server, the sender and the windows', () => {
    const c = loadConfig({ ...base, PARLEY_SMTP_URL: 'smtps://u:p@mail.example.org:465', PARLEY_MAIL_FROM: 'Parley <mediation@example.org>', PARLEY_MAIL_DIGEST_MINUTES: '0.5' });
    expect(c.mail).toEqual({ smtpUrl: 'smtps://u:p@mail.example.org:465', from: 'Parley <mediation@example.org>', digestMs: 30_000, reminderLeadMs: 24 * 3600_000 });
  });

  it.each([
    [{ PARLEY_SMTP_URL: 'smtp://mail.example.org' }, 'PARLEY_MAIL_FROM: set the sender'],
    [{ PARLEY_SMTP_URL: 'http://user:s3cret-pass@mail.example.org', PARLEY_MAIL_FROM: 'a@example.org' }, 'PARLEY_SMTP_URL: must be an smtp:// or smtps:// URL'],
    [{ PARLEY_MAIL_FROM: 'a@example.org' }, 'PARLEY_SMTP_URL: PARLEY_MAIL_FROM is set but no SMTP server'],
    [{ PARLEY_SMTP_URL: 'smtp://mail.example.org', PARLEY_MAIL_FROM: 'Parley <not an address>' }, 'PARLEY_MAIL_FROM: set the sender'],
  ])('refuse %j, naming the variable', (env, message) => {
    let err: unknown;
    try {
      loadConfig({ ...base, ...env });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).not.toContain('s3cret-pass');
  });
});
