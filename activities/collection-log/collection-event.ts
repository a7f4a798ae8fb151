/** The append-only collection timeline and the invoice read model it keeps current. */
import type { PoolClient } from 'pg';
import { enqueueOutboundEvent } from '../../src/events/outbox';

/** The workflow's state as the read model stores it; `seq` orders snapshots so a late retry never wins. */
export interface InvoiceSnapshot {
  seq: number;
  status: string;
  balanceMinor: number;
  paidMinor: number;
  creditMinor: number;
  /** Late charges owed (absent in events written before charges existed). */
  interestMinor?: number;
  lateFeeMinor?: number;
  escalationLevel: string;
  daysPastDue: number;
  agingBucket: string;
  nextAction: string | null;
  nextActionAt: string | null;
  /** Why customer contact is held, if it is (absent in events written before the contact guard). */
  contactHold?: string | null;
  /** Why dunning waits, if it does. */
  dunningPaused?: string | null;
}

/** One entry of an account's timeline, keyed by the workflow step or signal that caused it. */
export interface CollectionEvent {
  idempotencyKey: string;
  workflowId: string;
  invoiceId: string;
  type: string;
  summary: string;
  /** Workflow time, so the timeline matches the history even when an activity retries later. */
  occurredAt: string;
  data?: Record<string, unknown>;
  snapshot: InvoiceSnapshot;
}

/**
 * Appends the event (once per key), queues its outbound event for subscribers if it is one (in the
 * same transaction, so a retried activity never queues it twice) and moves the read model forward;
 * returns false for a repeat.
 */
export async function appendCollectionEvent(client: PoolClient, event: CollectionEvent): Promise<boolean> {
  const inserted = await client.query(
    `INSERT INTO collection_events (idempotency_key, invoice_id, workflow_id, type, summary, occurred_at, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
    [event.idempotencyKey, event.invoiceId, event.workflowId, event.type, event.summary, event.occurredAt, JSON.stringify(event.data ?? {})],
  );
  if (inserted.rowCount === 1) await enqueueOutboundEvent(client, event);
  const s = event.snapshot;
  await client.query(
    `UPDATE invoices SET status = $2, balance_minor = $3, paid_minor = $4, credit_minor = $5, escalation_level = $6,
       days_past_due = $7, aging_bucket = $8, next_action = $9, next_action_at = $10, state_seq = $11,
       interest_minor = $12, late_fee_minor = $13, contact_hold = $14, dunning_paused = $15, updated_at = now()
     WHERE invoice_id = $1 AND state_seq < $11`,
    [event.invoiceId, s.status, s.balanceMinor, s.paidMinor, s.creditMinor, s.escalationLevel, s.daysPastDue, s.agingBucket, s.nextAction, s.nextActionAt, s.seq,
      s.interestMinor ?? 0, s.lateFeeMinor ?? 0, s.contactHold ?? null, s.dunningPaused ?? null],
  );
  return inserted.rowCount === 1;
}
