/**
 * Reading an invoice: the workflow's live state, or the read model when the workflow is not reachable.
 * The age (days past due, aging bucket) is worked out here, at the time of the request: a workflow's
 * query sees the time of its last wake-up, which for an invoice between two steps is days ago.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { agingBucket, STANDARD_AGING_BUCKETS, type AgingBucketBoundary } from '../domain/aging';
import { daysPastDue } from '../domain/calendar';
import { PolicyNotFoundError, policyVersion } from '../policies/policy-store';
import { NotFoundError } from './invoice-errors';
import { CLOSED_STATUSES, invoiceStateQuery, invoiceWorkflowId, type InvoiceState } from '../../workflows/invoice-collection/definitions';

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
  days_past_due: number | null;
  aging_bucket: string | null;
}

/** The invoice's state at `nowMs`; `source` tells whether it came from the workflow or the read model. */
export async function readInvoice(db: Pool, client: Client, invoiceId: string, nowMs = Date.now()): Promise<InvoiceState & { source: 'workflow' | 'ledger' }> {
  const row = await db.query<InvoiceRow>('SELECT * FROM invoices WHERE invoice_id = $1', [invoiceId]);
  if (row.rowCount === 0) throw new NotFoundError(`invoice ${invoiceId}`);
  let state: InvoiceState;
  let source: 'workflow' | 'ledger';
  try {
    state = await client.workflow.getHandle(invoiceWorkflowId(invoiceId)).query(invoiceStateQuery);
    source = 'workflow';
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    state = fromReadModel(row.rows[0]);
    source = 'ledger';
  }
  if (isClosed(state)) return { ...state, source };
  return { ...withAgeAt(state, await agingBucketsOf(db, state.policy), nowMs), source };
}

/**
 * An open invoice's age at `nowMs`, bucketed by its policy's aging buckets. A closed invoice's age
 * stops at its close, so it keeps the age the workflow (or the read model) recorded then.
 */
export function withAgeAt(state: InvoiceState, buckets: readonly AgingBucketBoundary[], nowMs: number): InvoiceState {
  if (isClosed(state)) return state;
  const age = daysPastDue(state.dueDate, nowMs);
  return { ...state, daysPastDue: age, agingBucket: agingBucket(age, buckets) };
}

function isClosed(state: InvoiceState): boolean {
  return CLOSED_STATUSES.includes(state.status);
}

// Policy versions never change once stored, so their buckets are read once per database.
const bucketCache = new WeakMap<Pool, Map<string, readonly AgingBucketBoundary[]>>();

/** The aging buckets of the policy version an invoice runs on (the standard ones if it is not stored). */
async function agingBucketsOf(db: Pool, policy: { policyId: string; version: number }): Promise<readonly AgingBucketBoundary[]> {
  const cache = bucketCache.get(db) ?? new Map<string, readonly AgingBucketBoundary[]>();
  bucketCache.set(db, cache);
  const key = `${policy.policyId}@${policy.version}`;
  if (!cache.has(key)) {
    try {
      cache.set(key, (await policyVersion(db, policy.policyId, policy.version)).agingBuckets);
    } catch (error) {
      if (!(error instanceof PolicyNotFoundError)) throw error;
      return STANDARD_AGING_BUCKETS;
    }
  }
  return cache.get(key)!;
}

/** The read model's row as a state. Its age is the one recorded with the last event; `withAgeAt` brings an open one to now. */
function fromReadModel(row: InvoiceRow): InvoiceState {
  const money = (amountMinor: number) => ({ amountMinor, currency: row.currency });
  const dueDate = row.due_date;
  const age = row.days_past_due ?? daysPastDue(dueDate, Date.now());
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
    agingBucket: row.aging_bucket ?? agingBucket(age),
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
    paymentPlan: null,
    paused: null,
  };
}
