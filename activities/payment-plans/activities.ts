/**
 * A payment plan's side effects: reading what a proposal is checked against, the plan's messages to
 * its invoices' workflows (a workflow cannot send an update to another, so these activities do, with
 * the worker's own client), and the plan's read model. Each is idempotent: the invoice side answers a
 * repeated join, leave or payment part again, and the read model keeps the newest snapshot by sequence.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Pool } from 'pg';
import { inTransaction } from '../../src/db/pool';
import type { Money } from '../../src/domain/money';
import type { CustomerPaymentHistory } from '../../src/domain/payment-plan-recommendation';
import { policyVersion } from '../../src/policies/policy-store';
import {
  CLOSED_STATUSES, invoiceStateQuery, invoiceWorkflowId, joinPlanUpdate, leavePlanUpdate, recordPaymentUpdate,
  type InvoiceState, type LeavePlanInput, type PaymentResult,
} from '../../workflows/invoice-collection/definitions';
import { planWorkflowId, type PlanBasis, type PlanInvoice, type PlanPaymentRecord, type PlanState } from '../../workflows/payment-plan/definitions';

/** The type of failure when an invoice's workflow refuses the plan's message. */
export const PLAN_INVOICE_REFUSED = 'PlanInvoiceRefused';

/** Why an update to an invoice failed for good, or undefined for a failure worth retrying. */
function refusalOf(error: unknown, invoiceId: string): string | undefined {
  if (error instanceof WorkflowNotFoundError) return `the collection of invoice ${invoiceId} has ended`;
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    return `invoice ${invoiceId} refused: ${cause}`;
  }
  return undefined;
}

async function toInvoice<T>(invoiceId: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const refusal = refusalOf(error, invoiceId);
    if (refusal) throw ApplicationFailure.nonRetryable(refusal, PLAN_INVOICE_REFUSED);
    throw error;
  }
}

interface InvoiceRow {
  invoice_id: string;
  invoice_number: string;
  customer_id: string;
  currency: string;
  due_date: string;
  payment_link: string | null;
  policy_id: string;
  policy_version: number;
  name: string;
  email: string | null;
}

/** An earlier plan of the customer that was breached and still has an invoice owed. */
async function openBreach(db: Pool, customerId: string, exceptPlanId: string): Promise<string | null> {
  const found = await db.query<{ plan_id: string }>(
    `SELECT p.plan_id FROM payment_plans p
       JOIN plan_invoices pi USING (plan_id) JOIN invoices i ON i.invoice_id = pi.invoice_id
      WHERE p.customer_id = $1 AND p.status = 'breached' AND p.plan_id <> $2
        AND i.status NOT IN ('paid', 'settled', 'written_off', 'cancelled')
      ORDER BY p.updated_at DESC LIMIT 1`, [customerId, exceptPlanId]);
  return found.rows[0]?.plan_id ?? null;
}

export function createPaymentPlanActivities(db: Pool) {
  const client = () => Context.current().client;

  return {
    /**
     * What a proposal is checked against: each invoice's balance and state from its own workflow (the
     * read model may lag), its customer, the policy the oldest was registered under, and whether the
     * customer is in breach of an earlier plan. Invoices that cannot be in the plan are listed by field.
     */
    async preparePlan(input: { planId: string; invoiceIds: string[] }): Promise<PlanBasis> {
      const rows = (await db.query<InvoiceRow>(
        `SELECT i.invoice_id, i.invoice_number, i.customer_id, i.currency, i.due_date::text AS due_date, i.payment_link,
                i.policy_id, i.policy_version, c.name, c.email
           FROM invoices i JOIN customers c USING (customer_id) WHERE i.invoice_id = ANY($1)`, [input.invoiceIds])).rows;
      const problems: PlanBasis['problems'] = [];
      const invoices: (PlanInvoice & { row: InvoiceRow })[] = [];
      const first = rows.find((r) => r.invoice_id === input.invoiceIds[0]) ?? rows[0];
      for (const [index, invoiceId] of input.invoiceIds.entries()) {
        const field = `invoiceIds.${index}`;
        const row = rows.find((r) => r.invoice_id === invoiceId);
        if (!row) {
          problems.push({ field, reason: `no invoice ${invoiceId} is registered` });
          continue;
        }
        if (row.customer_id !== first.customer_id) problems.push({ field, reason: `invoice ${invoiceId} belongs to customer ${row.customer_id}, not ${first.customer_id}` });
        else if (row.currency !== first.currency) problems.push({ field, reason: `invoice ${invoiceId} is in ${row.currency}, the plan in ${first.currency}` });
        else {
          const state = await client().workflow.getHandle(invoiceWorkflowId(invoiceId)).query(invoiceStateQuery).catch((error: unknown) => {
            if (error instanceof WorkflowNotFoundError) return null;
            throw error;
          });
          const reason = !state ? `the collection of invoice ${invoiceId} has ended`
            : CLOSED_STATUSES.includes(state.status) ? `invoice ${invoiceId} is ${state.status.replace('_', ' ')}`
              : state.paymentPlan && state.paymentPlan.planId !== input.planId ? `invoice ${invoiceId} is already in payment plan ${state.paymentPlan.planId}`
                : state.balance.amountMinor <= 0 ? `invoice ${invoiceId} has nothing left to pay` : null;
          if (reason || !state) problems.push({ field, reason: reason ?? 'unknown' });
          else invoices.push({ invoiceId, invoiceNumber: row.invoice_number, dueDate: row.due_date, amountMinor: state.balance.amountMinor, paymentLink: row.payment_link ?? undefined, row });
        }
      }
      if (!first) return { customer: null, currency: 'XXX', invoices: [], policy: null, breachedPlanId: null, problems };
      const oldest = [...invoices].sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0]?.row ?? first;
      return {
        customer: { customerId: first.customer_id, name: first.name, ...(first.email ? { email: first.email } : {}) },
        currency: first.currency,
        invoices: invoices.map(({ row: _row, ...invoice }) => invoice),
        policy: await policyVersion(db, oldest.policy_id, oldest.policy_version),
        breachedPlanId: await openBreach(db, first.customer_id, input.planId),
        problems,
      };
    },

    /** The invoice joins the plan (its dunning waits); a refusal fails for good with the invoice's reason. */
    async joinInvoicePlan(input: { invoiceId: string; planId: string }): Promise<InvoiceState> {
      return toInvoice(input.invoiceId, () => client().workflow.getHandle(invoiceWorkflowId(input.invoiceId))
        .executeUpdate(joinPlanUpdate, { args: [{ planId: input.planId }] }));
    },

    /** The invoice leaves the plan with its outcome (a breach re-escalates it). */
    async leaveInvoicePlan(input: { invoiceId: string } & LeavePlanInput): Promise<InvoiceState> {
      const { invoiceId, ...leave } = input;
      return toInvoice(invoiceId, () => client().workflow.getHandle(invoiceWorkflowId(invoiceId)).executeUpdate(leavePlanUpdate, { args: [leave] }));
    },

    /** One part of a plan payment, paid to its invoice under the part's own id (so a retry applies it once). */
    async applyPlanPaymentPart(input: { invoiceId: string; partId: string; amount: Money; receivedAt: string; method?: string }): Promise<PaymentResult> {
      const payment = { paymentId: input.partId, amount: input.amount, receivedAt: input.receivedAt, ...(input.method ? { method: input.method } : {}) };
      return toInvoice(input.invoiceId, () => client().workflow.getHandle(invoiceWorkflowId(input.invoiceId))
        .executeUpdate(recordPaymentUpdate, { args: [payment] }));
    },

    /** Writes the plan's read model: the plan, its invoices and installments (newest sequence wins), and its allocations (each part once). */
    async recordPaymentPlan(input: { seq: number; state: PlanState }): Promise<void> {
      const { state } = input;
      const { customerId, total, terms, proposedBy } = state;
      if (!customerId || !total || !terms || !proposedBy) return; // a proposal that named no known invoice
      await inTransaction(db, async (tx) => {
        const written = await tx.query(
          `INSERT INTO payment_plans (plan_id, customer_id, workflow_id, status, kind, currency, total_minor, paid_minor, term_days, installment_count,
             agreement_date, proposed_by, approved_by, reason, state_seq)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (plan_id) DO UPDATE SET status = $4, kind = $5, total_minor = $7, paid_minor = $8, term_days = $9, installment_count = $10,
             agreement_date = $11, approved_by = $13, reason = $14, state_seq = $15, updated_at = now()
           WHERE payment_plans.state_seq < $15`,
          [state.planId, customerId, planWorkflowId(state.planId), state.status, state.kind, total.currency, total.amountMinor,
            state.paid?.amountMinor ?? 0, terms.termDays, terms.installmentCount, state.agreementDate, proposedBy,
            state.approval?.approved ? state.approval.decidedBy : null, state.reason, input.seq]);
        if (written.rowCount === 0) return; // a newer snapshot is already there
        for (const invoice of state.invoices) {
          await tx.query(
            `INSERT INTO plan_invoices (plan_id, invoice_id, amount_minor, paid_minor) VALUES ($1, $2, $3, $4)
             ON CONFLICT (plan_id, invoice_id) DO UPDATE SET amount_minor = $3, paid_minor = $4`,
            [state.planId, invoice.invoiceId, invoice.amount.amountMinor, invoice.paid.amountMinor]);
        }
        await tx.query('DELETE FROM plan_installments WHERE plan_id = $1', [state.planId]);
        for (const installment of state.installments) {
          await tx.query(
            'INSERT INTO plan_installments (plan_id, number, due_date, amount_minor, paid_minor, status) VALUES ($1, $2, $3, $4, $5, $6)',
            [state.planId, installment.number, installment.dueDate, installment.amount.amountMinor, installment.paid.amountMinor, installment.status]);
        }
        for (const payment of state.payments) await recordAllocation(tx, state.planId, payment);
      });
    },

    /** How the customer has paid: invoices paid in full and how late, and their earlier plans. */
    async customerPaymentHistory(input: { customerId: string }): Promise<CustomerPaymentHistory> {
      return customerPaymentHistory(db, input.customerId);
    },
  };
}

async function recordAllocation(tx: { query: Pool['query'] }, planId: string, payment: PlanPaymentRecord): Promise<void> {
  for (const part of payment.parts) {
    if (part.refused) continue;
    await tx.query(
      `INSERT INTO plan_allocations (part_id, plan_id, payment_id, installment, invoice_id, currency, amount_minor, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (part_id) DO NOTHING`,
      [part.partId, planId, payment.paymentId, part.installment, part.invoiceId, payment.amount.currency, part.amountMinor, payment.receivedAt]);
  }
}

/** The customer's history from the ledger and the plans' read model. */
export async function customerPaymentHistory(db: Pool, customerId: string): Promise<CustomerPaymentHistory> {
  const paid = await db.query<{ invoices: string; days_late: string | null }>(
    `SELECT count(*) AS invoices, avg(GREATEST(0, last_paid::date - i.due_date)) AS days_late
       FROM invoices i
       JOIN (SELECT invoice_id, max(received_at) AS last_paid FROM payments GROUP BY invoice_id) p USING (invoice_id)
      WHERE i.customer_id = $1 AND i.status IN ('paid', 'settled')`, [customerId]);
  const plans = await db.query<{ completed: string; breached: string }>(
    `SELECT count(*) FILTER (WHERE status = 'completed') AS completed, count(*) FILTER (WHERE status = 'breached') AS breached
       FROM payment_plans WHERE customer_id = $1`, [customerId]);
  return {
    invoicesPaid: Number(paid.rows[0]?.invoices ?? 0),
    averageDaysLate: Number(paid.rows[0]?.days_late ?? 0),
    plansCompleted: Number(plans.rows[0]?.completed ?? 0),
    plansBreached: Number(plans.rows[0]?.breached ?? 0),
    openBreachPlanId: await openBreach(db, customerId, ''),
  };
}
