/**
 * What the mail provider reports after a message left (Resend's email.delivered, email.bounced,
 * email.complained): recorded on every communication the message carried. A bounce or a complaint
 * stops email to that address (it fails, or the customer objects): the email contact is marked
 * unusable, and the customer's outreach delivers the message again on their next channel, or, with
 * none left, tells each invoice it spoke for, so a collector calls about it.
 */
import type { Client } from '@temporalio/client';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../db/pool';
import { latestPolicy } from '../policies/policy-store';
import { customerOutreachWorkflowId, redeliverMessageSignal, type Redelivery } from '../../workflows/customer-outreach/definitions';

export const DELIVERY_EVENT_TYPES = ['email.delivered', 'email.bounced', 'email.complained'] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

/** A verified provider event about one message. */
export interface DeliveryEvent {
  eventId: string;
  type: string;
  emailId: string;
  /** The provider's words for a bounce (its type and message), if any. */
  detail?: string;
  payload: unknown;
}

export interface DeliveryOutcome {
  status: 'recorded' | 'duplicate' | 'ignored' | 'unknown_message';
  communications: number;
}

const DELIVERY_OF: Record<DeliveryEventType, string> = { 'email.delivered': 'delivered', 'email.bounced': 'bounced', 'email.complained': 'complained' };

/** Records a delivery event once; on a bounce or complaint stops email to that address and has each message delivered again. */
export async function receiveDeliveryEvent(deps: { db: Pool; client: Client; taskQueue: string }, event: DeliveryEvent): Promise<DeliveryOutcome> {
  if (!(DELIVERY_EVENT_TYPES as readonly string[]).includes(event.type)) return { status: 'ignored', communications: 0 };
  const delivery = DELIVERY_OF[event.type as DeliveryEventType];
  const recorded = await inTransaction(deps.db, async (client) => {
    const inserted = await client.query(
      'INSERT INTO delivery_events (event_id, type, email_id, payload) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING',
      [event.eventId, event.type, event.emailId, JSON.stringify(event.payload)]);
    if (inserted.rowCount === 0) return null;
    const updated = await client.query<{ idempotency_key: string; message_key: string | null; customer_id: string; recipient: string | null }>(
      `UPDATE communications SET delivery = $2, delivery_at = now() WHERE provider_message_id = $1
       RETURNING idempotency_key, message_key, customer_id, recipient`, [event.emailId, delivery]);
    const why = delivery === 'bounced' ? `email bounced${event.detail ? ` (${event.detail})` : ''}` : 'the customer marked our email as spam';
    if (delivery !== 'delivered') {
      for (const row of updated.rows) await markEmailUnusable(client, row.customer_id, row.recipient, why);
    }
    return { rows: updated.rows, why };
  });
  if (!recorded) return { status: 'duplicate', communications: 0 };
  if (recorded.rows.length === 0) return { status: 'unknown_message', communications: 0 };
  if (delivery !== 'delivered') {
    const messages = new Map(recorded.rows.map((row) => [row.message_key ?? row.idempotency_key, row.customer_id]));
    for (const [messageKey, customerId] of messages) await redeliver(deps, customerId, { messageKey, reason: recorded.why });
  }
  return { status: 'recorded', communications: recorded.rows.length };
}

/** The address failed: the email contact keeps it with the reason, so messages take the next channel until a new address is entered. */
async function markEmailUnusable(client: PoolClient, customerId: string, address: string | null, why: string): Promise<void> {
  if (!address) return;
  await client.query(
    `INSERT INTO customer_contacts (customer_id, channel, address, unusable_reason) VALUES ($1, 'email', $2, $3)
     ON CONFLICT (customer_id, channel) DO UPDATE SET unusable_reason = EXCLUDED.unusable_reason, updated_at = now()
     WHERE customer_contacts.address = EXCLUDED.address`,
    [customerId, address, why]);
}

/** Asks the customer's outreach to deliver the message again (signal-with-start: messages sent before outreach existed have none running). */
async function redeliver(deps: { db: Pool; client: Client; taskQueue: string }, customerId: string, redelivery: Redelivery): Promise<void> {
  const customer = await deps.db.query<{ name: string; email: string | null }>('SELECT name, email FROM customers WHERE customer_id = $1', [customerId]);
  const { contact } = await latestPolicy(deps.db);
  const row = customer.rows[0];
  await deps.client.workflow.signalWithStart('customerOutreach', {
    workflowId: customerOutreachWorkflowId(customerId),
    taskQueue: deps.taskQueue,
    args: [{ customer: { customerId, name: row?.name ?? customerId, ...(row?.email ? { email: row.email } : {}) }, contact }],
    signal: redeliverMessageSignal,
    signalArgs: [redelivery],
  });
}
