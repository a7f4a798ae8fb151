/**
 * Moving running invoices to another policy version. A new version only applies to invoices
 * registered after it; an operator who wants it for running ones moves them explicitly, one or all.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { PolicyNotFoundError, policyVersion } from '../policies/policy-store';
import { InvalidFieldError, InvoiceClosedError, NotFoundError } from './invoice-errors';
import { invoiceWorkflowId, movePolicyUpdate, type InvoiceState } from '../../workflows/invoice-collection/definitions';

export interface PolicyMoveDependencies {
  db: Pool;
  client: Client;
}

export interface PolicyMoveRequest {
  policyId?: string;
  version: number;
  movedBy: string;
  reason?: string;
}

/** Moves one invoice; its workflow takes the version's snapshot and the read model records it. */
export async function moveInvoiceToPolicy(deps: PolicyMoveDependencies, invoiceId: string, request: PolicyMoveRequest): Promise<InvoiceState> {
  const invoice = await deps.db.query<{ policy_id: string; status: string }>('SELECT policy_id, status FROM invoices WHERE invoice_id = $1', [invoiceId]);
  if (invoice.rowCount === 0) throw new NotFoundError(`invoice ${invoiceId}`);
  const policyId = request.policyId ?? invoice.rows[0].policy_id;
  let policy;
  try {
    policy = await policyVersion(deps.db, policyId, request.version);
  } catch (error) {
    if (error instanceof PolicyNotFoundError) throw new InvalidFieldError('version', `policy "${policyId}" has no version ${request.version}`);
    throw error;
  }
  let state: InvoiceState;
  try {
    state = await deps.client.workflow.getHandle(invoiceWorkflowId(invoiceId))
      .executeUpdate(movePolicyUpdate, { args: [{ policy, movedBy: request.movedBy, reason: request.reason }] });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new InvoiceClosedError(invoiceId, invoice.rows[0].status);
    throw error;
  }
  await deps.db.query('UPDATE invoices SET policy_id = $2, policy_version = $3, updated_at = now() WHERE invoice_id = $1', [invoiceId, policyId, request.version]);
  return state;
}

/** Moves every open invoice on an older version of the policy (or the listed ones) to `version`. */
export async function moveInvoicesToVersion(deps: PolicyMoveDependencies, policyId: string, version: number,
  request: { movedBy: string; reason?: string; invoiceIds?: string[] }): Promise<{ moved: string[]; failed: { invoiceId: string; reason: string }[] }> {
  await policyVersion(deps.db, policyId, version).catch((error) => {
    throw error instanceof PolicyNotFoundError ? new NotFoundError(`policy ${policyId} version ${version}`) : error;
  });
  const open = await deps.db.query<{ invoice_id: string }>(
    `SELECT invoice_id FROM invoices WHERE policy_id = $1 AND policy_version < $2
       AND status NOT IN ('paid', 'settled', 'written_off', 'cancelled') AND ($3::text[] IS NULL OR invoice_id = ANY($3))
     ORDER BY invoice_id`, [policyId, version, request.invoiceIds ?? null]);
  const moved: string[] = [];
  const failed: { invoiceId: string; reason: string }[] = [];
  for (const { invoice_id: invoiceId } of open.rows) {
    try {
      await moveInvoiceToPolicy(deps, invoiceId, { policyId, version, movedBy: request.movedBy, reason: request.reason });
      moved.push(invoiceId);
    } catch (error) {
      failed.push({ invoiceId, reason: reasonOf(error) });
    }
  }
  return { moved, failed };
}

/** One invoice's failure in a batch move, in words: a workflow's refusal says it in its cause. */
function reasonOf(error: unknown): string {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
