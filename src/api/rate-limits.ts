/**
 * Rate limits per API key: each key may make `limit` requests in a window of `windowMs`; beyond it
 * the request is answered 429 problem+json with Retry-After (seconds until the window resets) and the
 * standard RateLimit headers. Counted after the access gate, by the key's id, so one busy system
 * cannot starve the others; requests without a key (health, the signed webhooks) are not counted here.
 * Counts are held in this process's memory: behind several API processes, each counts on its own.
 */
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { loadConfig } from '../config';
import type { ApiDependencies } from './app';
import { ProblemError, sendProblem } from './problem';

/** How many requests a key may make in a window. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

declare module './app' {
  interface ApiDependencies {
    /** Requests per API key and window; taken from the configuration (src/config.ts) when not given. */
    rateLimit?: RateLimit;
  }
}

/** The limiter to mount at /v1 right after the access gate. */
export function rateLimits(deps: ApiDependencies): RateLimitRequestHandler {
  const { limit, windowMs } = deps.rateLimit ?? loadConfig().rateLimit;
  const seconds = Math.ceil(windowMs / 1000);
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'per-key',
    skip: (_req, res) => res.locals.caller === undefined,
    keyGenerator: (_req, res) => `key:${res.locals.caller?.keyId}`,
    handler: (req, res) => {
      const reason = `this API key has made more than ${limit} requests in ${seconds} s; retry after the seconds in Retry-After`;
      sendProblem(res, new ProblemError(429, 'Too many requests', `header.authorization: ${reason}`,
        [{ field: 'header.authorization', reason }]), req.originalUrl);
    },
    // Keyed by API key, never by address: proxies in front do not matter to the count.
    validate: { xForwardedForHeader: false, forwardedHeader: false, trustProxy: false },
    logger: { error: (error, message) => deps.log.error({ err: error }, message), warn: (warning, message) => deps.log.warn({ err: warning }, message) },
  });
}
