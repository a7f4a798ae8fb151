/**
 * The engine's Prometheus metrics, on prom-client's default registry: one set per process, whatever
 * roles it runs (`start` runs the API and the worker together, and one scrape then shows both). Label
 * values come from short fixed lists (route patterns, channels, outcomes, activity types), never from
 * ids or customer data, so the number of series stays small.
 */
import { Counter, Histogram, collectDefaultMetrics, register } from 'prom-client';

/** The registry `/metrics` serves. */
export const metricsRegistry = register;

/** API requests by method, route pattern (`/invoices/:invoiceId`) and status code. */
export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP API requests answered, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
});

/** How long the API took to answer, by route pattern. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from a request arriving to its answer being sent, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** How each notice ended: sent, outbox, suppressed, withheld, expired or not_sent, by channel (`none` when none was chosen). */
export const noticesTotal = new Counter({
  name: 'collections_notices_total',
  help: 'Notices settled, by channel and outcome (sent, outbox, suppressed, withheld, expired, not_sent); counted once per notice, never per retry',
  labelNames: ['channel', 'outcome'] as const,
});

/** Activity attempts that failed (each attempt, so retries show), by activity type. */
export const activityFailures = new Counter({
  name: 'collections_activity_failures_total',
  help: 'Activity attempts that ended in an error (cancellations excluded), by activity type',
  labelNames: ['activity'] as const,
});

let processMetricsOn = false;

/** Adds the process's own figures (CPU, memory, event-loop lag, open handles); once, when something serves them. */
export function collectProcessMetrics(): void {
  if (processMetricsOn) return;
  processMetricsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}
