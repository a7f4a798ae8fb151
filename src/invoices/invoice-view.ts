/** Reading an invoice: the workflow's live state, or the read model when the workflow is not reachable. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { agingBucket } from '../domain/aging';
import { daysPastDue } from '../domain/calendar';
import { notFound } from '../api/problem';
import { invoiceStateQuery, invoiceWorkflowId, type InvoiceState } from '../../workflows/invoice-collection/definitions';

interface InvoiceRow {
  invoice_id: string;
  customer_id: string;
  status: string;
  currency: string;
  amount_minor: number;
  balance_minor: number;
  paid_minor: number;
  credit_minor: number;
  interest_minor: number;
  late_fee_minor: number;
  due_date: string;
  escalation_level: string;
  policy_id: string;
  policy_version: number;
  next_action: string | null;
  next_action_at: Date | null;
}

/** The invoice's state; `source` tells whether it came from the workflow or the read model. */
export async function readInvoice(db: Pool, client: Client, invoiceId: string): Promise<InvoiceState & { source: 'workflow' | 'ledger' }> {
  const row = await db.query<InvoiceRow>('SELECT * FROM invoices WHERE invoice_id = $1', [invoiceId]);
  if (row.rowCount === 0) throw notFound(`invoice ${invoiceId}`);
  try {
    const state = await client.workflow.getHandle(invoiceWorkflowId(invoiceId)).query(invoiceStateQuery);
    return { ...state, source: 'workflow' };
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    return { ...fromReadModel(row.rows[0]), source: 'ledger' };
  }
}

function fromReadModel(row: InvoiceRow): InvoiceState {
  const money = (amountMinor: number) => ({ amountMinor, currency: row.currency });
  const dueDate = row.due_date;
  const age = daysPastDue(dueDate, Date.now());
  return {
    invoiceId: row.invoice_id,
    customerId: row.customer_id,
    status: row.status as InvoiceState['status'],
    amount: money(row.amount_minor),
    balance: money(row.balance_minor),
    paid: money(row.paid_minor),
    credit: money(row.credit_minor),
    dueDate,
    daysPastDue: age,
    agingBucket: agingBucket(age),
    escalationLevel: row.escalation_level as InvoiceState['escalationLevel'],
    nextAction: row.next_action && row.next_action_at ? { description: row.next_action, at: row.next_action_at.toISOString() } : null,
    policy: { policyId: row.policy_id, version: row.policy_version },
    skippedSteps: [],
    recentHistory: [],
    charges: { interest: money(row.interest_minor), lateFee: money(row.late_fee_minor) },
    collectible: money(row.balance_minor),
    disputes: [],
    promise: null,
    holds: [],
    settlement: null,
    pendingApprovals: [],
    paused: null,
  };
}
