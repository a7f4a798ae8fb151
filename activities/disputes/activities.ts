/** Keeps the disputes table, which the owning departments work from, in step with the workflow. */
import type { Pool } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { appendCollectionEvent, type CollectionEvent } from '../collection-log/collection-event';

export interface DisputeRecord {
  disputeId: string;
  category: string;
  currency: string;
  amountMinor: number;
  department: string;
  reason?: string;
  status: 'open' | 'resolved_for_customer' | 'resolved_for_company';
  slaDue: string;
  slaBreached: boolean;
  creditMemoMinor?: number;
  openedAt: string;
  event: CollectionEvent;
}

export function createDisputeActivities(db: Pool) {
  return {
    /** Inserts or updates the dispute and logs the change; repeating it changes nothing. */
    async saveDispute(record: DisputeRecord): Promise<void> {
      await inTransaction(db, async (client) => {
        await client.query(
          `INSERT INTO disputes (invoice_id, dispute_id, category, currency, amount_minor, department, reason, status, sla_due, sla_breached, credit_memo_minor, opened_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (invoice_id, dispute_id) DO UPDATE SET status = EXCLUDED.status, sla_breached = EXCLUDED.sla_breached,
             credit_memo_minor = EXCLUDED.credit_memo_minor, updated_at = now()`,
          [record.event.invoiceId, record.disputeId, record.category, record.currency, record.amountMinor, record.department, record.reason ?? null,
            record.status, record.slaDue, record.slaBreached, record.creditMemoMinor ?? null, record.openedAt]);
        await appendCollectionEvent(client, record.event);
      });
    },
  };
}
