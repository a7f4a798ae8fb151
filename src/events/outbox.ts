/**
 * The outbox's writing side: called in the transaction that appends a timeline entry, it stores the
 * outbound event and one delivery per active subscriber that wants it. Both land with the state
 * change or not at all; the dispatcher (dispatcher.ts) sends them later.
 */
import type { PoolClient } from 'pg';
import type { CollectionEvent } from '../../activities/collection-log/collection-event';
import { outboundEventData, outboundEventId, outboundTypeOf } from './outbound-events';

/**
 * Stores the outbound event of a newly appended timeline entry, if it is one, and queues its
 * deliveries; returns the event id, or null when the entry is no outbound event.
 */
export async function enqueueOutboundEvent(client: PoolClient, event: CollectionEvent): Promise<string | null> {
  const type = outboundTypeOf(event);
  if (!type) return null;
  const invoice = await client.query<{ customer_id: string; currency: string }>(
    'SELECT customer_id, currency FROM invoices WHERE invoice_id = $1', [event.invoiceId]);
  const { customer_id: customerId, currency } = invoice.rows[0];
  const eventId = outboundEventId(event.idempotencyKey, type);
  const data = outboundEventData(type, event, currency.trim());
  await client.query(
    `INSERT INTO outbound_events (event_id, type, collection_event_key, invoice_id, customer_id, occurred_at, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
    [eventId, type, event.idempotencyKey, event.invoiceId, customerId, event.occurredAt, JSON.stringify(data)],
  );
  // Subscribers as of now: one created later does not receive what happened before it existed.
  await client.query(
    `INSERT INTO event_deliveries (subscription_id, event_id)
     SELECT subscription_id, $1 FROM event_subscriptions
      WHERE active AND (cardinality(event_types) = 0 OR $2 = ANY (event_types))
     ON CONFLICT DO NOTHING`,
    [eventId, type],
  );
  return eventId;
}
