/** Structured logs (pino): one JSON line per event in production, readable in a terminal. */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { service: 'collections' } });
}
