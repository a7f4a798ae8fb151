/** Invoice registration in the ledger: customer upsert and invoice insert, idempotent by invoice id. */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { PolicyNotFoundError } from '../policies/policy-store';
import { invoiceWorkflowId, type CustomerDetails, type InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';

/** The outcome of saving: new, the same invoice again, or a different invoice under a known id. */
export type SaveOutcome = 'created' | 'existing' | 'conflict';

/**
 * A stable hash of what defines an invoice, to tell a harmless repeat from a conflicting one. Of the
 * customer only the id counts: a repeat with another name, email, segment, risk tier or VIP flag is a
 * repeat, and the workflow keeps the customer saved first (`customer_snapshot`).
 */
export function registrationHash(input: Pick<InvoiceCollectionInput, 'invoice' | 'customer'>): string {
  const { invoice, customer } = input;
  const essentials = [invoice.invoiceId, invoice.invoiceNumber, invoice.amount.amountMinor, invoice.amount.currency, invoice.dueDate, invoice.issueDate ?? '', customer.customerId];
  return createHash('sha256').update(JSON.stringify(essentials)).digest('hex');
}

/** What is saved: the invoice, its customer, and the policy it is collected under. */
export interface InvoiceToSave {
  invoice: InvoiceCollectionInput['invoice'];
  customer: CustomerDetails;
  /** A stored version of a policy, or (no version) the newest stored version of `policyId`. */
  policy: { policyId: string; version?: number };
}

/** How saving went, and what the invoice's workflow starts with. */
export interface SavedInvoice {
  outcome: SaveOutcome;
  /** The policy version the invoice is collected under: the one just saved, or for a repeat the one saved first. */
  policy: { policyId: string; version: number };
  /** For a repeat, the customer as first registered (the workflow keeps that one). */
  firstCustomer?: CustomerDetails;
}

interface SaveRow {
  newest: number | null;
  inserted_version: number | null;
  existing_hash: string | null;
  existing_policy_id: string | null;
  existing_version: number | null;
  existing_customer: CustomerDetails | null;
}

/**
 * Saves the invoice and its customer together; the invoice id makes it idempotent. The row
 * keeps the customer exactly as the workflow is started with it (`customer_snapshot`, the VIP flag
 * included), since the customers table holds only the latest details and not every field.
 *
 * One statement, so one round trip and atomic without BEGIN and COMMIT (registration is the API's
 * busiest write): it picks the policy version, writes nothing when the policy is not stored, and
 * reads back what a repeat needs. Throws PolicyNotFoundError when the policy (version) is not stored.
 */
export async function saveRegistration(db: Pool, { invoice, customer, policy }: InvoiceToSave): Promise<SavedInvoice> {
  const hash = registrationHash({ invoice, customer });
  const result = await db.query<SaveRow>(
    `WITH policy AS (
       SELECT version FROM policies WHERE policy_id = $9 AND ($10::integer IS NULL OR version = $10) ORDER BY version DESC LIMIT 1),
     existing AS (
       SELECT registration_hash, policy_id, policy_version, customer_snapshot FROM invoices WHERE invoice_id = $1),
     customer AS (
       INSERT INTO customers (customer_id, name, email, segment, risk_tier, time_zone, country) SELECT $2, $14, $15, $16, $17, $18, $19 FROM policy
       ON CONFLICT (customer_id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email,
         segment = EXCLUDED.segment, risk_tier = EXCLUDED.risk_tier,
         time_zone = COALESCE(EXCLUDED.time_zone, customers.time_zone), country = COALESCE(EXCLUDED.country, customers.country), updated_at = now()
       RETURNING customer_id),
     inserted AS (
       INSERT INTO invoices (invoice_id, customer_id, invoice_number, currency, amount_minor, issue_date, due_date, payment_link,
         policy_id, policy_version, workflow_id, registration_hash, balance_minor, customer_snapshot)
       SELECT $1, customer.customer_id, $3, $4, $5, $6, $7, $8, $9, policy.version, $11, $12, $5, $13 FROM customer, policy
       ON CONFLICT (invoice_id) DO NOTHING RETURNING policy_version)
     SELECT (SELECT version FROM policy) AS newest, (SELECT policy_version FROM inserted) AS inserted_version,
       existing.registration_hash AS existing_hash, existing.policy_id AS existing_policy_id,
       existing.policy_version AS existing_version, existing.customer_snapshot AS existing_customer
     FROM (SELECT 1) AS one LEFT JOIN existing ON true`,
    [invoice.invoiceId, customer.customerId, invoice.invoiceNumber, invoice.amount.currency, invoice.amount.amountMinor,
      invoice.issueDate ?? null, invoice.dueDate, invoice.paymentLink ?? null, policy.policyId, policy.version ?? null,
      invoiceWorkflowId(invoice.invoiceId), hash, JSON.stringify(customer),
      customer.name, customer.email ?? null, customer.segment, customer.riskTier, customer.timeZone ?? null, customer.country ?? null],
  );
  const row = result.rows[0];
  if (row.newest === null) {
    throw new PolicyNotFoundError(policy.version === undefined ? `no policy "${policy.policyId}" is stored` : `policy "${policy.policyId}" v${policy.version} is not stored`);
  }
  if (row.inserted_version !== null) return { outcome: 'created', policy: { policyId: policy.policyId, version: row.inserted_version } };
  // The statement's snapshot predates a registration of the same id committed while it waited: read it now.
  const existing = row.existing_hash !== null ? row : (await db.query<SaveRow>(
    `SELECT registration_hash AS existing_hash, policy_id AS existing_policy_id, policy_version AS existing_version, customer_snapshot AS existing_customer
     FROM invoices WHERE invoice_id = $1`, [invoice.invoiceId])).rows[0];
  if (existing.existing_hash !== hash) return { outcome: 'conflict', policy: { policyId: policy.policyId, version: row.newest } };
  return {
    outcome: 'existing',
    policy: { policyId: existing.existing_policy_id as string, version: existing.existing_version as number },
    ...(existing.existing_customer ? { firstCustomer: existing.existing_customer } : {}),
  };
}

/** Saves an invoice under the policy version its input carries (a stored one). */
export async function saveInvoice(db: Pool, input: InvoiceCollectionInput): Promise<SaveOutcome> {
  const { policyId, version } = input.policy;
  return (await saveRegistration(db, { invoice: input.invoice, customer: input.customer, policy: { policyId, version } })).outcome;
}
