/**
 * The invoice view works out the age at the time of the request: a workflow's state query answers
 * with the age at the workflow's last wake-up, days ago for an invoice between two steps.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { addDays, startOfDateUtc } from '../../src/domain/calendar';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { readInvoice, withAgeAt } from '../../src/invoices/invoice-view';
import type { InvoiceState } from '../../workflows/invoice-collection/definitions';

const DUE = '2026-03-02';
const money = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
/** The instant `days` after the due date, mid-morning. */
const dayAfterDue = (days: number) => startOfDateUtc(addDays(DUE, days)) + 10 * 3_600_000;

/** What the workflow answered when it last woke up, on day 8. */
function stateAtDay8(status: InvoiceState['status'] = 'in_collection'): InvoiceState {
  return {
    invoiceId: 'INV-AGE', customerId: 'C-AGE', status, amount: money(10_000), balance: money(10_000), paid: money(0), credit: money(0),
    dueDate: DUE, daysPastDue: 8, agingBucket: '1-30', escalationLevel: 'none', nextAction: null,
    policy: { policyId: 'weekly', version: 1 }, skippedSteps: [], recentHistory: [],
    charges: { interest: money(0), lateFee: money(0) }, collectible: money(10_000), disputes: [], promise: null, holds: [],
    settlement: null, pendingApprovals: [], paymentPlan: null, paused: null,
  };
}

/** A policy whose buckets are weeks, so a bucket read from the standard list would show. */
const WEEKLY_BUCKETS = [
  { label: 'current', fromDays: null, toDays: 0 },
  { label: 'week 1', fromDays: 1, toDays: 7 },
  { label: 'weeks 2-3', fromDays: 8, toDays: 21 },
  { label: 'week 4+', fromDays: 22, toDays: null },
];

function database(row: Record<string, unknown>): Pool {
  return {
    query: async (sql: string) => {
      if (sql.includes('FROM invoices')) return { rowCount: 1, rows: [row] };
      if (sql.includes('FROM policies')) return { rowCount: 1, rows: [{ document: { ...DEFAULT_POLICY, policyId: 'weekly', agingBuckets: WEEKLY_BUCKETS } }] };
      throw new Error(`unexpected query ${sql}`);
    },
  } as unknown as Pool;
}

const invoiceRow = (status: string) => ({
  invoice_id: 'INV-AGE', customer_id: 'C-AGE', status, currency: 'USD', amount_minor: 10_000, balance_minor: status === 'paid' ? 0 : 10_000,
  paid_minor: 0, credit_minor: 0, interest_minor: 0, late_fee_minor: 0, due_date: DUE, escalation_level: 'none',
  policy_id: 'weekly', policy_version: 1, next_action: null, next_action_at: null, days_past_due: 8, aging_bucket: 'weeks 2-3',
});

function temporal(answer: () => InvoiceState): Client {
  return { workflow: { getHandle: () => ({ query: async () => answer() }) } } as unknown as Client;
}
const ended = temporal(() => { throw new WorkflowNotFoundError('workflow not found', 'invoice-INV-AGE', undefined); });

test('an open invoice read on day 22 is 22 days past due in its policy bucket, though its workflow last woke on day 8', async () => {
  const state = await readInvoice(database(invoiceRow('in_collection')), temporal(stateAtDay8), 'INV-AGE', dayAfterDue(22));
  expect(state).toMatchObject({ source: 'workflow', daysPastDue: 22, agingBucket: 'week 4+' });
});

test('a closed invoice keeps the age at its close', async () => {
  const paid = await readInvoice(database(invoiceRow('paid')), temporal(() => ({ ...stateAtDay8('paid'), agingBucket: 'weeks 2-3' })), 'INV-AGE', dayAfterDue(40));
  expect(paid).toMatchObject({ daysPastDue: 8, agingBucket: 'weeks 2-3' });
});

test('from the read model: an open invoice is aged now, a closed one keeps the age recorded with its last event', async () => {
  const open = await readInvoice(database(invoiceRow('in_collection')), ended, 'INV-AGE', dayAfterDue(22));
  expect(open).toMatchObject({ source: 'ledger', daysPastDue: 22, agingBucket: 'week 4+' });
  const paid = await readInvoice(database(invoiceRow('paid')), ended, 'INV-AGE', dayAfterDue(400));
  expect(paid).toMatchObject({ source: 'ledger', daysPastDue: 8, agingBucket: 'weeks 2-3' });
});

test('not yet due is current, with negative days', () => {
  expect(withAgeAt(stateAtDay8(), WEEKLY_BUCKETS, dayAfterDue(-3))).toMatchObject({ daysPastDue: -3, agingBucket: 'current' });
});
