/**
 * Registration writes the invoice row, then starts its workflow. A process killed between the two
 * leaves a row nobody chases; reconciliation finds such rows and starts their workflows with the
 * input registration would have used. The workflow id comes from the invoice, so a start that races
 * a registration (or another worker's pass) is answered "already started" and changes nothing.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { policyVersion } from '../policies/policy-store';
import type { CollectionsPolicy, RiskTier, Segment } from '../domain/policy/schema';
import { invoiceWorkflowId, type CustomerDetails, type InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';
import { startInvoiceCollection } from './start-collection';

/** A row younger than this may belong to a registration still in flight: leave it to that request. */
export const RECONCILE_GRACE_MS = 60_000;
/** How often the worker looks for invoices without a workflow. */
export const RECONCILE_INTERVAL_MS = 5 * 60_000;
/** Rows read at a time; a pass reads every page. */
const PAGE = 500;

/** The timeline event recorded for an invoice whose workflow reconciliation started. */
export const RECONCILED_EVENT_TYPE = 'registration_reconciled';

export interface ReconcileDependencies {
  db: Pool;
  client: Client;
  taskQueue: string;
  log?: Logger;
}

interface UnstartedRow {
  invoice_id: string;
  invoice_number: string;
  currency: string;
  amount_minor: number;
  issue_date: string | null;
  due_date: string;
  payment_link: string | null;
  policy_id: string;
  policy_version: number;
  registered_at: Date;
  customer_id: string;
  name: string;
  email: string | null;
  segment: Segment;
  risk_tier: RiskTier;
  /** The customer as registration started the workflow with it; null for rows saved before it was kept. */
  customer_snapshot: CustomerDetails | null;
}

/**
 * Invoices no workflow has written to yet (status `registered`, no state written) and older than the
 * grace period, a page at a time after the invoice id `after`. A running workflow records its start
 * at once, so these are, apart from a worker outage, the ones whose start never happened.
 */
async function unstartedInvoices(db: Pool, page: { olderThanMs: number; size: number; after?: string }): Promise<UnstartedRow[]> {
  const result = await db.query<UnstartedRow>(
    `SELECT i.invoice_id, i.invoice_number, i.currency, i.amount_minor, i.issue_date, i.due_date, i.payment_link,
            i.policy_id, i.policy_version, i.registered_at, i.customer_snapshot, c.customer_id, c.name, c.email, c.segment, c.risk_tier
       FROM invoices i JOIN customers c ON c.customer_id = i.customer_id
      WHERE i.status = 'registered' AND i.state_seq = 0
        AND i.registered_at <= now() - make_interval(secs => $1)
        AND ($3::text IS NULL OR i.invoice_id > $3)
      ORDER BY i.invoice_id LIMIT $2`,
    [page.olderThanMs / 1000, page.size, page.after ?? null],
  );
  return result.rows;
}

/**
 * The workflow input registration builds, from the row it saved and the policy version it pinned; the
 * customer is the one it saved, or for rows from before that was kept, today's customer record.
 */
function collectionInput(row: UnstartedRow, policy: CollectionsPolicy): InvoiceCollectionInput {
  return {
    invoice: {
      invoiceId: row.invoice_id,
      invoiceNumber: row.invoice_number,
      amount: { amountMinor: row.amount_minor, currency: row.currency.trim() },
      ...(row.issue_date ? { issueDate: row.issue_date } : {}),
      dueDate: row.due_date,
      ...(row.payment_link ? { paymentLink: row.payment_link } : {}),
    },
    customer: row.customer_snapshot ?? {
      customerId: row.customer_id,
      name: row.name,
      ...(row.email ? { email: row.email } : {}),
      segment: row.segment,
      riskTier: row.risk_tier,
    },
    policy,
  };
}

async function recordReconciled(db: Pool, row: UnstartedRow, startedAt: Date): Promise<void> {
  const workflowId = invoiceWorkflowId(row.invoice_id);
  await db.query(
    `INSERT INTO collection_events (idempotency_key, invoice_id, workflow_id, type, summary, occurred_at, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
    [`${workflowId}/registration-reconciled`, row.invoice_id, workflowId, RECONCILED_EVENT_TYPE,
      'collection workflow started by reconciliation: the registration stopped before starting it',
      startedAt.toISOString(), JSON.stringify({ registeredAt: row.registered_at.toISOString() })],
  );
}

/**
 * One pass: starts the missing workflows and returns the invoice ids it started. An aborted pass
 * stops between invoices; the next one (at the next start-up, at the latest) takes the rest.
 */
export async function reconcileRegistrations(
  deps: ReconcileDependencies,
  options: { olderThanMs?: number; signal?: AbortSignal; pageSize?: number } = {},
): Promise<string[]> {
  const size = options.pageSize ?? PAGE;
  const policies = new Map<string, Promise<CollectionsPolicy>>();
  const started: string[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await unstartedInvoices(deps.db, { olderThanMs: options.olderThanMs ?? RECONCILE_GRACE_MS, size, after });
    for (const row of rows) {
      if (options.signal?.aborted) return started;
      const key = `${row.policy_id}@${row.policy_version}`;
      if (!policies.has(key)) policies.set(key, policyVersion(deps.db, row.policy_id, row.policy_version));
      const input = collectionInput(row, await policies.get(key)!);
      // Taken before the start, so the timeline shows this ahead of the workflow's own first event.
      const startedAt = new Date();
      if (!(await startInvoiceCollection(deps.client, deps.taskQueue, input))) continue;
      await recordReconciled(deps.db, row, startedAt);
      deps.log?.warn({ invoiceId: row.invoice_id, registeredAt: row.registered_at }, 'started the collection workflow of an invoice registered without one');
      started.push(row.invoice_id);
    }
    if (rows.length < size) return started;
    after = rows[rows.length - 1].invoice_id;
  }
}

export interface RunningReconciler {
  /** Ends the schedule; a pass under way stops after the invoice it is on. */
  stop(): Promise<void>;
}

/** Runs a pass now and then `intervalMs` after each; a failed pass is logged and the next one tries again. */
export function startRegistrationReconciler(
  deps: ReconcileDependencies,
  options: { intervalMs?: number; olderThanMs?: number } = {},
): RunningReconciler {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const run = (): void => {
    pass = reconcileRegistrations(deps, { olderThanMs: options.olderThanMs, signal: stopping.signal })
      .then(() => undefined, (error: unknown) => {
        deps.log?.error({ err: error }, 'registration reconciliation failed; the next pass tries again');
      })
      .then(() => {
        if (!stopping.signal.aborted) timer = setTimeout(run, options.intervalMs ?? RECONCILE_INTERVAL_MS);
      });
  };
  run();
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await pass;
    },
  };
}
