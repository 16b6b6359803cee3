import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Tokens and cookies are redacted wherever they appear. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'parley' },
      redact: { paths: ['token', '*.token', 'auth.token', 'req.headers.cookie', 'req.headers.authorization'], censor: '[redacted]' },
    },
    destination ?? process.stdout,
  );
}
