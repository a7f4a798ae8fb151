/**
 * Structured logs (pino): one JSON line per event in production, readable in a terminal. No secret
 * and no customer data reaches them: credentials, bodies and contact fields are redacted wherever a
 * caller puts them, and an error is logged as its type, message, code and stack only (a database
 * error's detail quotes the row it refused; a parser's error carries the body it could not read).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths censored in every log line, one level of nesting deep. */
export const REDACTED_PATHS: readonly string[] = [
  'authorization', 'cookie', 'headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie',
  'apiKey', 'secret', 'password', 'token', '*.apiKey', '*.secret', '*.password', '*.token',
  'body', 'req.body', 'payload', '*.body', '*.payload',
  'customer', 'email', 'phone', 'address', '*.customer', '*.email', '*.phone', '*.address',
];

/** What of an error is logged: never its other properties (a pg error's `detail` and `where`, a parser's `body`). */
export function errorForLog(error: unknown, depth = 0): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const { name, message, stack, code } = error as Record<string, unknown>;
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: typeof name === 'string' ? name : (error.constructor?.name ?? 'object'),
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof stack === 'string' ? { stack } : {}),
    ...(cause !== undefined && depth < 5 ? { cause: errorForLog(cause, depth + 1) } : {}),
  };
}

/** The engine's logger; `destination` is standard output, written synchronously, unless given. */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  // Synchronous writes, so the last lines before process.exit (shutdown) are not lost.
  return pino({
    level,
    base: { service: 'collections' },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: { err: errorForLog, error: errorForLog },
  }, destination ?? pino.destination({ dest: 1, sync: true }));
}
