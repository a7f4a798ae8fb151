/** Posts money movements other than payments: late charges, waivers, credit memos, discounts, write-offs, reversals. */
import type { Pool } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { appendCollectionEvent, type CollectionEvent } from '../collection-log/collection-event';
import { closeOpenTasksOf } from '../tasks/activities';

export type LedgerEntryKind = 'interest' | 'late_fee' | 'charge_waiver' | 'credit_memo' | 'settlement_discount' | 'write_off' | 'payment_reversal';

export interface LedgerPosting {
  kind: LedgerEntryKind;
  currency: string;
  /** Positive when the customer owes more, negative when less. */
  amountMinor: number;
  /** For a reversal: the payment it undoes. */
  paymentId?: string;
  /** The timeline entry; its key keeps the entry to one row. */
  event: CollectionEvent;
  /** Timeline entries written in the same transaction, before the posting's own (the decision it carries out). */
  recordedBefore?: CollectionEvent[];
  /** The status this posting closes the invoice with: its open tasks are closed in the same transaction. */
  closesInvoice?: string;
}

export function createLedgerActivities(db: Pool) {
  return {
    /** Writes the entry and its timeline line together, once per key. */
    async postLedgerEntry(posting: LedgerPosting): Promise<void> {
      await inTransaction(db, async (client) => {
        const { event } = posting;
        for (const before of posting.recordedBefore ?? []) await appendCollectionEvent(client, before);
        const inserted = await client.query(
          `INSERT INTO ledger_entries (idempotency_key, invoice_id, kind, currency, amount_minor, data, occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
          [event.idempotencyKey, event.invoiceId, posting.kind, posting.currency, posting.amountMinor, JSON.stringify(event.data ?? {}), event.occurredAt]);
        if (inserted.rowCount === 1 && posting.kind === 'payment_reversal' && posting.paymentId) {
          await client.query('UPDATE payments SET reversed_at = $2 WHERE payment_id = $1 AND reversed_at IS NULL', [posting.paymentId, event.occurredAt]);
        }
        await appendCollectionEvent(client, event);
        if (posting.closesInvoice) await closeOpenTasksOf(client, event.invoiceId, posting.closesInvoice);
      });
    },
  };
}
