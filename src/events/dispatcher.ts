/**
 * The outbox's sending side: runs beside the worker, claims due deliveries, POSTs each signed event
 * to its subscriber and records the outcome. A 2xx is delivered; anything else (another status, a
 * redirect, a refused connection, no answer within the timeout) is tried again on the retry schedule
 * until the give-up point, then marked failed. Delivery is at least once: an answer lost on the way
 * back means the receiver sees the event again, with the same `webhook-id` to deduplicate on.
 *
 * Several dispatchers (one per worker process) share the table: a claim takes rows with
 * `FOR UPDATE SKIP LOCKED` and moves their `next_attempt_at` past the attempt's timeout (a lease),
 * so no two dispatchers send the same attempt, and a dispatcher that dies mid-attempt leaves the row
 * due again once the lease has run out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import type { OutboundEventBody, OutboundEventType } from './outbound-events';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptDelayMs, type RetrySchedule } from './retry-schedule';
import { signedHeaders } from './signing';

/** How the dispatcher paces itself; tests shorten these, production keeps the defaults. */
export interface DispatcherOptions {
  /** How often to look for due deliveries when the last look found fewer than a batch. */
  pollIntervalMs?: number;
  /** Deliveries claimed (and sent side by side) at a time. */
  batchSize?: number;
  /** How long a receiver has to answer. */
  timeoutMs?: number;
  retry?: RetrySchedule;
  /** The jitter's source, [0, 1). */
  random?: () => number;
}

export interface DispatcherDependencies {
  db: Pool;
  log?: Logger;
}

const DEFAULTS = { pollIntervalMs: 1_000, batchSize: 20, timeoutMs: 10_000 };
/** Beyond the timeout, time to record the outcome before another dispatcher may take the row. */
const LEASE_MARGIN_MS = 30_000;
/** Enough of a receiver's answer to say why it refused, not so much that a big error page fills the table. */
const ERROR_TEXT_LENGTH = 300;

interface ClaimedDelivery {
  subscription_id: string;
  event_id: string;
  attempts: number;
  /** Since the event was queued, by the database's clock. */
  elapsed_ms: number;
  url: string;
  signing_secret: string;
  type: OutboundEventType;
  occurred_at: Date;
  invoice_id: string;
  customer_id: string;
  data: Record<string, unknown>;
}

/** What one attempt came to. */
type AttemptOutcome = { delivered: true; statusCode: number } | { delivered: false; statusCode: number | null; error: string };

/** Claims up to `limit` due deliveries of active subscriptions, counting the attempt and leasing each row. */
async function claimDue(db: Pool, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const claimed = await db.query<ClaimedDelivery>(
    `UPDATE event_deliveries d
        SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
       FROM (SELECT dd.subscription_id, dd.event_id
               FROM event_deliveries dd JOIN event_subscriptions s USING (subscription_id)
              WHERE dd.status = 'pending' AND dd.next_attempt_at <= now() AND s.active
              ORDER BY dd.next_attempt_at
              LIMIT $1
                FOR UPDATE OF dd SKIP LOCKED) due,
            event_subscriptions s, outbound_events e
      WHERE d.subscription_id = due.subscription_id AND d.event_id = due.event_id
        AND s.subscription_id = d.subscription_id AND e.event_id = d.event_id
      RETURNING d.subscription_id, d.event_id, d.attempts, (extract(epoch FROM now() - d.created_at) * 1000)::bigint AS elapsed_ms,
                s.url, s.signing_secret, e.type, e.occurred_at, e.invoice_id, e.customer_id, e.data`,
    [limit, leaseMs],
  );
  return claimed.rows;
}

/** The body every attempt of an event sends: the same bytes each time, so only the timestamp and signature change. */
export function eventBody(delivery: Pick<ClaimedDelivery, 'event_id' | 'type' | 'occurred_at' | 'invoice_id' | 'customer_id' | 'data'>): string {
  const body: OutboundEventBody = {
    id: delivery.event_id,
    type: delivery.type,
    occurredAt: delivery.occurred_at.toISOString(),
    invoiceId: delivery.invoice_id,
    customerId: delivery.customer_id,
    data: delivery.data,
  };
  return JSON.stringify(body);
}

/** One signed POST; never throws. */
async function attempt(delivery: ClaimedDelivery, timeoutMs: number, stopping: AbortSignal): Promise<AttemptOutcome> {
  const body = eventBody(delivery);
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'collections-engine-events/1', ...signedHeaders(delivery.signing_secret, delivery.event_id, body, new Date()) },
      body,
      // The signature is for this URL's receiver: a redirect elsewhere is not followed, it is a failure.
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping]),
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel();
      return { delivered: true, statusCode: response.status };
    }
    const text = (await response.text().catch(() => '')).slice(0, ERROR_TEXT_LENGTH);
    return { delivered: false, statusCode: response.status, error: `answered ${response.status}${text ? `: ${text}` : ''}` };
  } catch (error) {
    const reason = stopping.aborted ? 'the dispatcher stopped before the receiver answered'
      : error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms`
        : `could not reach the receiver: ${describe(error)}`;
    return { delivered: false, statusCode: null, error: reason };
  }
}

/** fetch's errors say little themselves ("fetch failed"); the cause says what (ECONNREFUSED, a certificate). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: string } | undefined)?.code;
  return cause ? `${code ? `${code} ` : ''}${cause.message}` : error.message;
}

/**
 * Records an attempt's outcome, unless the row moved on meanwhile (its lease ran out and another
 * dispatcher counted a later attempt, or the subscription was deactivated).
 */
async function record(db: Pool, delivery: ClaimedDelivery, outcome: AttemptOutcome, options: Required<Pick<DispatcherOptions, 'retry' | 'random'>>): Promise<void> {
  const key = [delivery.subscription_id, delivery.event_id, delivery.attempts];
  const mine = "subscription_id = $1 AND event_id = $2 AND attempts = $3 AND status = 'pending'";
  if (outcome.delivered) {
    await db.query(`UPDATE event_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = $4, last_error = NULL WHERE ${mine}`,
      [...key, outcome.statusCode]);
    return;
  }
  const delay = nextAttemptDelayMs(delivery.attempts, Number(delivery.elapsed_ms), options.retry, options.random);
  if (delay === null) {
    await db.query(`UPDATE event_deliveries SET status = 'failed', last_status_code = $4, last_error = $5 WHERE ${mine}`,
      [...key, outcome.statusCode, outcome.error]);
    return;
  }
  await db.query(
    `UPDATE event_deliveries SET next_attempt_at = now() + make_interval(secs => $6::double precision / 1000), last_status_code = $4, last_error = $5 WHERE ${mine}`,
    [...key, outcome.statusCode, outcome.error, delay]);
}

/** One pass: claims a batch of due deliveries, sends them side by side, records each outcome; returns how many it claimed. */
export async function dispatchDue(deps: DispatcherDependencies, options: DispatcherOptions = {}, stopping: AbortSignal = new AbortController().signal): Promise<number> {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const settings = { retry: options.retry ?? DEFAULT_RETRY_SCHEDULE, random: options.random ?? Math.random };
  const claimed = await claimDue(deps.db, options.batchSize ?? DEFAULTS.batchSize, timeoutMs + LEASE_MARGIN_MS);
  await Promise.all(claimed.map(async (delivery) => {
    const outcome = await attempt(delivery, timeoutMs, stopping);
    if (!outcome.delivered) deps.log?.warn({ eventId: delivery.event_id, subscriptionId: delivery.subscription_id, attempt: delivery.attempts, error: outcome.error }, 'outbound event not delivered');
    await record(deps.db, delivery, outcome, settings);
  }));
  return claimed.length;
}

export interface RunningDispatcher {
  /** Stops looking for work; attempts in flight are cut short and recorded as failed attempts, to be tried again. */
  stop(): Promise<void>;
}

/** Runs passes until stopped: straight on while there is a full batch of work, otherwise every poll interval. A failed pass is logged and the next one tries again. */
export function startEventDispatcher(deps: DispatcherDependencies, options: DispatcherOptions = {}): RunningDispatcher {
  const stopping = new AbortController();
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  // Cut short by stop(); the timer's own listener goes with it, so none pile up on the signal.
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await dispatchDue(deps, options, stopping.signal);
      } catch (error) {
        deps.log?.error({ err: error }, 'outbound event dispatch failed; the next pass tries again');
      }
      if (claimed < batchSize) await pause(options.pollIntervalMs ?? DEFAULTS.pollIntervalMs);
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
