import pino, { type Logger } from 'pino';

/** Paths never written to logs: credentials in headers, bodies and config. */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'apiKey',
  '*.apiKey',
  'adminKey',
  '*.adminKey',
  'secret',
  '*.secret',
  'webhookSecret',
  'botToken',
  '*.botToken',
  '*.webhookSecret',
];

/** The gateway logger: JSON lines (pino) with secrets redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { service: 'switchyard' },
    },
    destination,
  );
}

export type { Logger };
