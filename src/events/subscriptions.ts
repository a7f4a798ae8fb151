/**
 * Subscriptions to outbound events: a URL, the event types it wants, and the secret its deliveries
 * are signed with. The secret is answered once, at creation; listings never carry it.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { z } from 'zod';
import { inTransaction } from '../db/pool';
import { CONTROL_IN_LINE, singleLine } from '../domain/invoice-messages';
import { OUTBOUND_EVENT_TYPES, type OutboundEventType } from './outbound-events';
import { newSigningSecret } from './signing';

/** Hosts a plain-http URL may point at: this machine, for trying a receiver out. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

const HTTPS_ONLY = 'must be an https URL (plain http only to localhost or 127.0.0.1, for testing)';

/** Why an http(s) URL is refused as a receiver, or undefined when it is fine (zod's check names any other kind of URL). */
function urlProblem(value: string): string | undefined {
  // zod runs this even after its own URL check failed: leave such a value to that check's message.
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.username || url.password) return 'must not carry a user name or password: receivers check the signature instead';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.includes(url.hostname)) return HTTPS_ONLY;
  return undefined;
}

/** A receiver URL: https, or http to this machine. */
export const receiverUrl = z.url({ protocol: /^https?$/, error: HTTPS_ONLY }).max(2000)
  .refine((value) => !CONTROL_IN_LINE.test(value), 'must not contain control characters')
  .superRefine((value, context) => {
    const problem = urlProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  })
  .describe('where deliveries are POSTed: https, or plain http only to localhost or 127.0.0.1 for testing');

/** One outbound event type. */
export const outboundEventTypeSchema = z.enum(OUTBOUND_EVENT_TYPES, { error: `must be one of ${OUTBOUND_EVENT_TYPES.join(', ')}` });

/** A new subscription; without `eventTypes` it receives every type, including types added later. */
export const newSubscriptionSchema = z.object({
  url: receiverUrl,
  eventTypes: z.array(outboundEventTypeSchema).min(1, 'must list at least one type, or be left out for every type')
    .refine((types) => new Set(types).size === types.length, 'must not list a type twice').meta({ uniqueItems: true }).optional(),
  description: singleLine(200).optional(),
}).strict();

export type NewSubscription = z.infer<typeof newSubscriptionSchema>;

/** A subscription as listed: never its secret. */
export interface Subscription {
  subscriptionId: string;
  url: string;
  /** The types it receives; null for every type. */
  eventTypes: OutboundEventType[] | null;
  description: string | null;
  active: boolean;
  createdBy: string;
  createdAt: Date;
  deactivatedBy: string | null;
  deactivatedAt: Date | null;
}

const COLUMNS = `subscription_id AS "subscriptionId", url, CASE WHEN cardinality(event_types) = 0 THEN NULL ELSE event_types END AS "eventTypes",
  description, active, created_by AS "createdBy", created_at AS "createdAt", deactivated_by AS "deactivatedBy", deactivated_at AS "deactivatedAt"`;

/** Creates a subscription for `createdBy` (the API key's holder); the answer is the only time its secret is shown. */
export async function createSubscription(db: Pool, request: NewSubscription, createdBy: string): Promise<Subscription & { signingSecret: string }> {
  const signingSecret = newSigningSecret();
  const created = await db.query<Subscription>(
    `INSERT INTO event_subscriptions (subscription_id, url, event_types, description, signing_secret, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [`sub_${randomBytes(8).toString('hex')}`, request.url, request.eventTypes ?? [], request.description ?? null, signingSecret, createdBy],
  );
  return { ...created.rows[0], signingSecret };
}

/** Every subscription, active ones first, newest first. */
export async function listSubscriptions(db: Pool): Promise<Subscription[]> {
  return (await db.query<Subscription>(`SELECT ${COLUMNS} FROM event_subscriptions ORDER BY active DESC, created_at DESC, subscription_id`)).rows;
}

/** One subscription, or undefined. */
export async function findSubscription(db: Pool, subscriptionId: string): Promise<Subscription | undefined> {
  return (await db.query<Subscription>(`SELECT ${COLUMNS} FROM event_subscriptions WHERE subscription_id = $1`, [subscriptionId])).rows[0];
}

/**
 * Stops a subscription: nothing more is queued for it and what is still waiting is cancelled (an
 * attempt in flight finishes). Deactivating it again changes nothing; undefined when there is none.
 */
export async function deactivateSubscription(db: Pool, subscriptionId: string, by: string): Promise<Subscription | undefined> {
  return inTransaction(db, async (client) => {
    const found = await client.query<Subscription>(
      `UPDATE event_subscriptions SET active = false, deactivated_by = COALESCE(deactivated_by, $2), deactivated_at = COALESCE(deactivated_at, now())
        WHERE subscription_id = $1 RETURNING ${COLUMNS}`,
      [subscriptionId, by]);
    if (!found.rows[0]) return undefined;
    await client.query(
      "UPDATE event_deliveries SET status = 'cancelled', last_error = COALESCE(last_error, 'subscription deactivated') WHERE subscription_id = $1 AND status = 'pending'",
      [subscriptionId]);
    return found.rows[0];
  });
}

/** The statuses of a delivery. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;

/** A delivery as listed: its event, where it stands, and what went wrong last. */
export interface DeliveryRecord {
  eventId: string;
  type: OutboundEventType;
  invoiceId: string;
  occurredAt: Date;
  status: (typeof DELIVERY_STATUSES)[number];
  attempts: number;
  lastAttemptAt: Date | null;
  /** When the next attempt is due (pending deliveries only). */
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** A subscription's most recent deliveries, newest first, optionally of one status. */
export async function listDeliveries(db: Pool, subscriptionId: string, options: { status?: DeliveryRecord['status']; limit: number }): Promise<DeliveryRecord[]> {
  const rows = await db.query<DeliveryRecord>(
    `SELECT d.event_id AS "eventId", e.type, e.invoice_id AS "invoiceId", e.occurred_at AS "occurredAt", d.status, d.attempts,
            d.last_attempt_at AS "lastAttemptAt", CASE WHEN d.status = 'pending' THEN d.next_attempt_at END AS "nextAttemptAt",
            d.last_status_code AS "lastStatusCode", d.last_error AS "lastError", d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"
       FROM event_deliveries d JOIN outbound_events e USING (event_id)
      WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2)
      ORDER BY d.created_at DESC, d.event_id LIMIT $3`,
    [subscriptionId, options.status ?? null, options.limit]);
  return rows.rows;
}
