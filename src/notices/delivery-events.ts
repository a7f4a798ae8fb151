/**
 * What the mail provider reports after a message left (Resend's email.delivered, email.bounced,
 * email.complained): recorded on every communication the message carried. A bounce or a complaint
 * stops email to the customer (their address fails, or they object): the customer is marked
 * do-not-contact, so their outreach opens call tasks instead, and each invoice the message spoke for
 * is told, so a collector calls about it now.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { inTransaction } from '../db/pool';
import { deliveryProblemSignal, invoiceWorkflowId } from '../../workflows/invoice-collection/definitions';

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

/** Records a delivery event once; on a bounce or complaint stops email to the customer and tells each invoice. */
export async function receiveDeliveryEvent(deps: { db: Pool; client: Client }, event: DeliveryEvent): Promise<DeliveryOutcome> {
  if (!(DELIVERY_EVENT_TYPES as readonly string[]).includes(event.type)) return { status: 'ignored', communications: 0 };
  const delivery = DELIVERY_OF[event.type as DeliveryEventType];
  const recorded = await inTransaction(deps.db, async (client) => {
    const inserted = await client.query(
      'INSERT INTO delivery_events (event_id, type, email_id, payload) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING',
      [event.eventId, event.type, event.emailId, JSON.stringify(event.payload)]);
    if (inserted.rowCount === 0) return null;
    const updated = await client.query<{ idempotency_key: string; invoice_id: string; customer_id: string }>(
      `UPDATE communications SET delivery = $2, delivery_at = now() WHERE provider_message_id = $1
       RETURNING idempotency_key, invoice_id, customer_id`, [event.emailId, delivery]);
    const why = delivery === 'bounced' ? `email bounced${event.detail ? ` (${event.detail})` : ''}` : 'the customer marked our email as spam';
    if (delivery !== 'delivered') {
      for (const customerId of new Set(updated.rows.map((row) => row.customer_id))) {
        await client.query('UPDATE customers SET do_not_contact = true, do_not_contact_reason = $2 WHERE customer_id = $1', [customerId, why]);
      }
    }
    return { rows: updated.rows, why };
  });
  if (!recorded) return { status: 'duplicate', communications: 0 };
  if (recorded.rows.length === 0) return { status: 'unknown_message', communications: 0 };
  if (delivery !== 'delivered') {
    for (const row of recorded.rows) {
      // An invoice whose workflow has ended needs no call: nothing more is asked of the customer for it.
      await deps.client.workflow.getHandle(invoiceWorkflowId(row.invoice_id))
        .signal(deliveryProblemSignal, { key: row.idempotency_key, problem: recorded.why })
        .catch((error: unknown) => { if ((error as Error).name !== 'WorkflowNotFoundError') throw error; });
    }
  }
  return { status: 'recorded', communications: recorded.rows.length };
}
