/** Request rate and latency of the HTTP API, by route pattern. */
import type { Request, RequestHandler } from 'express';
import { httpRequestDuration, httpRequests } from './metrics';

/** The route label of a request no route matched (an unknown path): its URL must not become a label. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route pattern below /v1 as express matched it (`/invoices/:invoiceId`), the same spelling as
 * route-access.ts. The key gate matches requests on the same patterns, so a request it refuses (401,
 * 403, 429) is still labelled with its route.
 */
export function routeLabel(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? path : UNMATCHED_ROUTE;
}

/** Counts and times every request once its answer is sent (`aborted` when the client left first). */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const labels = { method: req.method, route: routeLabel(req), status: res.writableFinished ? String(res.statusCode) : 'aborted' };
      httpRequests.inc(labels);
      httpRequestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
