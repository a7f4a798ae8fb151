/**
 * Everything callers need to address a payment plan's workflow: its id, input, updates, query and
 * answers. Imported by the workflow, the activities, the API, the CLI and the tests alike.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Money } from '../../src/domain/money';
import type { AllocationPart } from '../../src/domain/payment-plan-allocation';
import type { PlanTerms } from '../../src/domain/payment-plan';
import type { PlanApproval, PlanCancel, PlanPayment, PlanProposal } from '../../src/domain/payment-plan-messages';
import type { InstallmentStatus } from '../../src/domain/payment-plan-standing';
import type { CollectionsPolicy } from '../../src/domain/policy/schema';
import type { LeavePlanInput } from '../../src/domain/invoice-messages';

/** The messages the workflow takes: one declaration each, as zod schemas in src/domain/payment-plan-messages.ts. */
export type { PlanApproval, PlanCancel, PlanPayment, PlanProposal };

/** The workflow id of a plan: derived from the business key, so a plan cannot be started twice. */
export function planWorkflowId(planId: string): string {
  return `plan-${planId}`;
}

/** Input of `paymentPlan`: only the plan's id; what it covers arrives with the proposal. */
export interface PaymentPlanInput {
  planId: string;
  /** How long to wait for the proposal after start (default 1 hour): a start whose proposal never came ends. */
  proposalWaitMs?: number;
}

export type PlanStatus =
  | 'proposed' // checking the proposal
  | 'awaiting_approval' // a custom plan waits for a person within the approver's limit
  | 'refused'
  | 'declined' // the approver said no, or nobody decided in time
  | 'active' // the invoices are in the plan and dunning waits
  | 'completed'
  | 'breached'
  | 'cancelled';

/** The plan's statuses after which nothing changes. */
export const ENDED_PLAN_STATUSES: readonly PlanStatus[] = ['refused', 'declined', 'completed', 'breached', 'cancelled'];

/** One invoice as the plan sees it when the proposal is checked (from the invoice's own workflow). */
export interface PlanInvoice {
  invoiceId: string;
  invoiceNumber: string;
  dueDate: string;
  /** What the plan covers: the invoice's balance when the plan was proposed. */
  amountMinor: number;
  paymentLink?: string;
}

/** What the proposal is checked against, read by an activity: the invoices, their customer and policy, the customer's plans. */
export interface PlanBasis {
  customer: { customerId: string; name: string; email?: string } | null;
  currency: string;
  invoices: PlanInvoice[];
  /** The policy of the oldest invoice (its registered version). */
  policy: CollectionsPolicy | null;
  /** An earlier plan of the customer breached with its invoices still owed. */
  breachedPlanId: string | null;
  /** Invoices that cannot be in this plan, by field of the proposal (`invoiceIds.1`). */
  problems: { field: string; reason: string }[];
}

/** One installment, for people. */
export interface InstallmentView {
  number: number;
  dueDate: string;
  amount: Money;
  paid: Money;
  status: InstallmentStatus;
  /** Which invoice each part of the installment pays, oldest invoice first. */
  parts: { invoiceId: string; amount: Money }[];
}

/** The answer to a proposal. */
export interface PlanDecision {
  planId: string;
  outcome: 'accepted' | 'awaiting_approval' | 'refused';
  reason: string;
  /** The proposal's field a refusal is about. */
  field?: string;
  kind?: 'standard' | 'custom';
  total?: Money;
  /** The schedule as it would run from today (a plan waiting for approval is dated from its approval). */
  installments?: InstallmentView[];
}

/** One payment towards the plan and where it went. */
export interface PlanPaymentRecord {
  paymentId: string;
  amount: Money;
  receivedAt: string;
  parts: (AllocationPart & { partId: string; refused?: string })[];
}

/** An invoice in the plan: what the plan covers of it, what it has paid, and how it left. */
export interface PlanInvoiceView {
  invoiceId: string;
  invoiceNumber: string;
  amount: Money;
  paid: Money;
  joined: boolean;
  left: LeavePlanInput['outcome'] | null;
}

/** What the state query returns. */
export interface PlanState {
  planId: string;
  status: PlanStatus;
  reason: string;
  kind: 'standard' | 'custom' | null;
  customerId: string | null;
  terms: PlanTerms | null;
  proposedBy: string | null;
  approval: Pick<PlanApproval, 'approved' | 'decidedBy' | 'role' | 'note'> | null;
  agreementDate: string | null;
  total: Money | null;
  paid: Money | null;
  remaining: Money | null;
  installments: InstallmentView[];
  invoices: PlanInvoiceView[];
  payments: PlanPaymentRecord[];
  /** How the agreement letter went, once the customer's outreach said. */
  letter: string | null;
  timeline: { at: string; type: string; summary: string }[];
}

/** The answer to a plan payment: where it went, and whether it was new. */
export interface PlanPaymentResult {
  paymentId: string;
  duplicate: boolean;
  parts: PlanPaymentRecord['parts'];
  state: PlanState;
}

export const proposePlanUpdate = defineUpdate<PlanDecision, [PlanProposal]>('proposePlan');
export const approvePlanUpdate = defineUpdate<PlanState, [PlanApproval]>('approvePlan');
export const recordPlanPaymentUpdate = defineUpdate<PlanPaymentResult, [PlanPayment]>('recordPlanPayment');
export const cancelPlanUpdate = defineUpdate<PlanState, [PlanCancel]>('cancelPlan');
export const planStateQuery = defineQuery<PlanState>('planState');
