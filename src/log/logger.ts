import { type Logger, pino } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear: tokens and secrets never reach a log line. */
export const REDACT_PATHS = [
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.client_secret',
  '*.clientSecret',
  '*.secret',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.code_verifier',
  '*.codeVerifier',
  '*.credentials',
  '*.api_key',
  '*.apiKey',
  '*.webhook_secret',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'latchkey' } },
    destination ?? process.stderr,
  );
}
