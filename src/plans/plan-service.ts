/**
 * Payment plans from the outside, for the API and the command line alike: propose (update-with-start
 * on `plan-<planId>`, so the proposal and the start are one request and a repeat answers the same
 * decision), approve, pay, cancel, read (the workflow while it runs, the read model after), recommend.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Pool } from 'pg';
import { customerPaymentHistory } from '../../activities/payment-plans/activities';
import { recommendPlan, type CustomerPaymentHistory, type PlanRecommendation } from '../domain/payment-plan-recommendation';
import { ConflictError, NotFoundError } from '../invoices/invoice-errors';
import { policyVersion } from '../policies/policy-store';
import {
  approvePlanUpdate, cancelPlanUpdate, planStateQuery, planWorkflowId, proposePlanUpdate, recordPlanPaymentUpdate,
  type PlanApproval, type PlanCancel, type PlanDecision, type PlanPayment, type PlanPaymentResult, type PlanProposal, type PlanState,
} from '../../workflows/payment-plan/definitions';
import { paymentPlan } from '../../workflows/payment-plan/workflow';

export interface PlanServiceDependencies {
  db: Pool;
  client: Client;
  taskQueue: string;
}

/** Proposes a plan and answers accepted, awaiting approval or refused with the reason; a plan that has ended is a conflict. */
export async function proposePlan(deps: PlanServiceDependencies, proposal: PlanProposal): Promise<PlanDecision> {
  const start = new WithStartWorkflowOperation(paymentPlan, {
    workflowId: planWorkflowId(proposal.planId),
    taskQueue: deps.taskQueue,
    args: [{ planId: proposal.planId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A plan id is used once: a refused, breached or completed plan is never started again.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    staticSummary: `Payment plan ${proposal.planId}: ${proposal.invoiceIds.length} invoice(s) over ${proposal.termDays} days`,
  });
  try {
    return await deps.client.workflow.executeUpdateWithStart(proposePlanUpdate, { args: [proposal], startWorkflowOperation: start });
  } catch (error) {
    // A plan's own refusal of the proposal (another planId, other terms) is the caller's to see; a plan that has ended is a conflict.
    const refusedByPlan = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
    if (!refusedByPlan && (error instanceof WorkflowExecutionAlreadyStartedError || error instanceof WorkflowUpdateFailedError)) {
      const ended = await readPlan(deps, proposal.planId);
      const reason = `payment plan ${proposal.planId} has ended (${ended.status}): a plan id is used once`;
      throw new ConflictError('Plan ended', reason, { field: 'planId', reason });
    }
    throw error;
  }
}

function handleOf(deps: PlanServiceDependencies, planId: string) {
  return deps.client.workflow.getHandle(planWorkflowId(planId));
}

/** Runs an update on a running plan; a plan that is not running is not found, or has ended (a conflict). */
async function onRunningPlan<T>(deps: PlanServiceDependencies, planId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    const ended = await readPlan(deps, planId); // throws NotFoundError for an unknown plan
    throw new ConflictError('Plan ended', `payment plan ${planId} is ${ended.status}; nothing can change it`);
  }
}

export async function approvePlan(deps: PlanServiceDependencies, planId: string, approval: PlanApproval): Promise<PlanState> {
  return onRunningPlan(deps, planId, () => handleOf(deps, planId).executeUpdate(approvePlanUpdate, { args: [approval] }));
}

export async function payPlan(deps: PlanServiceDependencies, planId: string, payment: PlanPayment): Promise<PlanPaymentResult> {
  return onRunningPlan(deps, planId, () => handleOf(deps, planId).executeUpdate(recordPlanPaymentUpdate, { args: [payment] }));
}

export async function cancelPlan(deps: PlanServiceDependencies, planId: string, cancel: PlanCancel): Promise<PlanState> {
  return onRunningPlan(deps, planId, () => handleOf(deps, planId).executeUpdate(cancelPlanUpdate, { args: [cancel] }));
}

/** The plan's state: from its workflow while it runs (or its history's end), otherwise not found. */
export async function readPlan(deps: PlanServiceDependencies, planId: string): Promise<PlanState> {
  try {
    return await handleOf(deps, planId).query(planStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new NotFoundError(`payment plan ${planId}`);
    throw error;
  }
}

/** Terms for a customer's open invoices (or the ones named), from their balance and the customer's history. */
export async function recommendTerms(deps: Pick<PlanServiceDependencies, 'db'>, customerId: string, invoiceIds?: string[]):
Promise<PlanRecommendation & { customerId: string; owed: { amountMinor: number; currency: string }; invoiceIds: string[]; history: CustomerPaymentHistory }> {
  const open = await deps.db.query<{ invoice_id: string; currency: string; balance_minor: string; policy_id: string; policy_version: number }>(
    `SELECT invoice_id, currency, balance_minor, policy_id, policy_version FROM invoices
      WHERE customer_id = $1 AND status NOT IN ('paid', 'settled', 'written_off', 'cancelled') AND balance_minor > 0
        AND ($2::text[] IS NULL OR invoice_id = ANY($2)) ORDER BY due_date, invoice_id`, [customerId, invoiceIds ?? null]);
  if (open.rows.length === 0) throw new NotFoundError(`an open invoice of customer ${customerId}${invoiceIds ? ' among those named' : ''}`);
  const currency = open.rows[0].currency;
  const same = open.rows.filter((row) => row.currency === currency);
  const owed = { amountMinor: same.reduce((sum, row) => sum + Number(row.balance_minor), 0), currency };
  const policy = await policyVersion(deps.db, same[0].policy_id, same[0].policy_version);
  const history = await customerPaymentHistory(deps.db, customerId);
  return { ...recommendPlan(owed, history, policy), customerId, owed, invoiceIds: same.map((row) => row.invoice_id), history };
}
