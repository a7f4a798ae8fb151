/** Recording a payment: the workflow applies it once per payment id and answers with the new balance. */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Pool } from 'pg';
import type { PaymentInput } from '../domain/invoice-messages';
import { ConflictError, InvalidFieldError, NotFoundError } from './invoice-errors';
import { invoiceWorkflowId, recordPaymentUpdate, type PaymentResult } from '../../workflows/invoice-collection/definitions';

export interface PaymentDependencies {
  db: Pool;
  client: Client;
}

interface InvoiceRow {
  currency: string;
  status: string;
}

interface PaymentRow {
  invoice_id: string;
  amount_minor: number;
  currency: string;
  balance_after_minor: number;
  credit_minor: number;
}

/** Applies a payment and returns the new balance; a repeated payment id returns the same answer, applied once. */
export async function recordPayment(deps: PaymentDependencies, invoiceId: string, request: PaymentInput): Promise<PaymentResult> {
  // The invoice and any payment already posted under this id, in one read: it sits in front of every payment's answer.
  const found = await deps.db.query<InvoiceRow & { posted_invoice_id: string | null; posted_amount_minor: number | null }>(
    `SELECT i.currency, i.status, p.invoice_id AS posted_invoice_id, p.amount_minor AS posted_amount_minor
     FROM invoices i LEFT JOIN payments p ON p.payment_id = $2 WHERE i.invoice_id = $1`, [invoiceId, request.paymentId]);
  if (found.rowCount === 0) throw new NotFoundError(`invoice ${invoiceId}`);
  const [invoice] = found.rows;
  if (invoice.currency !== request.amount.currency) {
    throw new InvalidFieldError('amount.currency', `must be the invoice's currency ${invoice.currency}`);
  }
  if (invoice.posted_invoice_id !== null && invoice.posted_invoice_id !== invoiceId) {
    throw new ConflictError('Conflict', `paymentId: payment ${request.paymentId} was already applied to another invoice`,
      { field: 'paymentId', reason: 'was already applied to another invoice' });
  }
  if (invoice.posted_amount_minor !== null && invoice.posted_amount_minor !== request.amount.amountMinor) {
    throw new ConflictError('Conflict', `paymentId: payment ${request.paymentId} was already recorded with a different amount`,
      { field: 'paymentId', reason: 'was already recorded with a different amount' });
  }
  const handle = deps.client.workflow.getHandle(invoiceWorkflowId(invoiceId));
  try {
    // The workflow dedupes by payment id and says so (`duplicate: true`) on a repeat; its refusal
    // (a WorkflowUpdateFailedError carrying the typed failure) goes to the caller as it is.
    return await handle.executeUpdate(recordPaymentUpdate, { args: [request] });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return closedInvoiceAnswer(deps.db, invoiceId, request, invoice);
    throw error;
  }
}

async function postedPayment(db: Pool, paymentId: string): Promise<PaymentRow | undefined> {
  const result = await db.query<PaymentRow>(
    'SELECT invoice_id, amount_minor, currency, balance_after_minor, credit_minor FROM payments WHERE payment_id = $1', [paymentId]);
  return result.rows[0];
}

/** The workflow has ended: a repeat of a posted payment gets its answer again; a new one is refused, not dropped. */
async function closedInvoiceAnswer(db: Pool, invoiceId: string, request: PaymentInput, invoice: InvoiceRow): Promise<PaymentResult> {
  const posted = await postedPayment(db, request.paymentId);
  const current = await db.query<{ status: string; balance_minor: number; credit_minor: number }>(
    'SELECT status, balance_minor, credit_minor FROM invoices WHERE invoice_id = $1', [invoiceId]);
  const state = current.rows[0];
  if (posted) {
    return {
      paymentId: request.paymentId,
      duplicate: true,
      status: state.status as PaymentResult['status'],
      balance: { amountMinor: state.balance_minor, currency: invoice.currency },
      credit: { amountMinor: state.credit_minor, currency: invoice.currency },
    };
  }
  throw new ConflictError('Payment not applied', `invoice ${invoiceId} is ${state.status}; the payment was not applied`);
}
