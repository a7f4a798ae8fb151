/** Structured logs (pino): one JSON line per event in production, readable in a terminal. */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level = 'info'): Logger {
  // Synchronous writes, so the last lines before process.exit (shutdown) are not lost.
  return pino({ level, base: { service: 'collections' } }, pino.destination({ dest: 1, sync: true }));
}
