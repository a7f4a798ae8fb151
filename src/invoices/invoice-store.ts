/** Invoice registration in the ledger: customer upsert and invoice insert, idempotent by invoice id. */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';
import { invoiceWorkflowId } from '../../workflows/invoice-collection/definitions';

/** The outcome of saving: new, the same invoice again, or a different invoice under a known id. */
export type SaveOutcome = 'created' | 'existing' | 'conflict';

/**
 * A stable hash of what defines an invoice, to tell a harmless repeat from a conflicting one. Of the
 * customer only the id counts: a repeat with another name, email, segment, risk tier or VIP flag is a
 * repeat, and the workflow keeps the customer saved first (`customer_snapshot`).
 */
export function registrationHash(input: InvoiceCollectionInput): string {
  const { invoice, customer } = input;
  const essentials = [invoice.invoiceId, invoice.invoiceNumber, invoice.amount.amountMinor, invoice.amount.currency, invoice.dueDate, invoice.issueDate ?? '', customer.customerId];
  return createHash('sha256').update(JSON.stringify(essentials)).digest('hex');
}

/**
 * Saves the invoice and its customer together; the invoice id makes it idempotent. The row
 * keeps the customer exactly as the workflow is started with it (`customer_snapshot`, the VIP flag
 * included), since the customers table holds only the latest details and not every field.
 */
export async function saveInvoice(db: Pool, input: InvoiceCollectionInput): Promise<SaveOutcome> {
  const { invoice, customer, policy } = input;
  const hash = registrationHash(input);
  // One statement, so one round trip and atomic without BEGIN and COMMIT: registration is the API's busiest write.
  const inserted = await db.query(
    `WITH customer AS (
       INSERT INTO customers (customer_id, name, email, segment, risk_tier, time_zone, country) VALUES ($2, $14, $15, $16, $17, $18, $19)
       ON CONFLICT (customer_id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email,
         segment = EXCLUDED.segment, risk_tier = EXCLUDED.risk_tier,
         time_zone = COALESCE(EXCLUDED.time_zone, customers.time_zone), country = COALESCE(EXCLUDED.country, customers.country), updated_at = now()
       RETURNING customer_id)
     INSERT INTO invoices (invoice_id, customer_id, invoice_number, currency, amount_minor, issue_date, due_date, payment_link,
       policy_id, policy_version, workflow_id, registration_hash, balance_minor, customer_snapshot)
     VALUES ($1, (SELECT customer_id FROM customer), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $5, $13) ON CONFLICT (invoice_id) DO NOTHING`,
    [invoice.invoiceId, customer.customerId, invoice.invoiceNumber, invoice.amount.currency, invoice.amount.amountMinor,
      invoice.issueDate ?? null, invoice.dueDate, invoice.paymentLink ?? null, policy.policyId, policy.version,
      invoiceWorkflowId(invoice.invoiceId), hash, JSON.stringify(customer),
      customer.name, customer.email ?? null, customer.segment, customer.riskTier, customer.timeZone ?? null, customer.country ?? null],
  );
  if (inserted.rowCount === 1) return 'created';
  const existing = await db.query<{ registration_hash: string }>('SELECT registration_hash FROM invoices WHERE invoice_id = $1', [invoice.invoiceId]);
  return existing.rows[0].registration_hash === hash ? 'existing' : 'conflict';
}
