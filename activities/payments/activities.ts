/** Posts payments to the ledger. */
import type { Pool } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { appendCollectionEvent, type CollectionEvent } from '../collection-log/collection-event';
import { closeOpenTasksOf } from '../tasks/activities';

export interface PaymentPosting {
  paymentId: string;
  invoiceId: string;
  currency: string;
  amountMinor: number;
  appliedMinor: number;
  creditMinor: number;
  balanceAfterMinor: number;
  method?: string;
  receivedAt: string;
  /** A payment after a write-off is a recovery. */
  kind?: 'payment' | 'recovery';
  event: CollectionEvent;
  /** Set when this payment pays the invoice off ('paid'): its open tasks are closed in the same transaction. */
  closesInvoice?: string;
}

export function createPaymentActivities(db: Pool) {
  return {
    /** Records the payment and its timeline entry together; the payment id keeps it to one row. */
    async postPayment(posting: PaymentPosting): Promise<void> {
      await inTransaction(db, async (client) => {
        await client.query(
          `INSERT INTO payments (payment_id, invoice_id, currency, amount_minor, applied_minor, credit_minor, balance_after_minor, method, received_at, kind)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (payment_id) DO NOTHING`,
          [posting.paymentId, posting.invoiceId, posting.currency, posting.amountMinor, posting.appliedMinor, posting.creditMinor, posting.balanceAfterMinor,
            posting.method ?? null, posting.receivedAt, posting.kind ?? 'payment'],
        );
        await appendCollectionEvent(client, posting.event);
        if (posting.closesInvoice) await closeOpenTasksOf(client, posting.invoiceId, posting.closesInvoice);
      });
    },
  };
}
