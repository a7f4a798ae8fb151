/**
 * Everything callers need to address an invoice workflow: its id, input, signals, update, query and
 * search-attribute keys. Imported by the workflow, the API and the tests alike.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Money } from '../../src/domain/money';
import type { CollectionsPolicy, EscalationLevel, RiskTier, Segment } from '../../src/domain/policy/schema';

/** The workflow id of an invoice: derived from the business key, so a duplicate start is impossible. */
export function invoiceWorkflowId(invoiceId: string): string {
  return `invoice-${invoiceId}`;
}

/** The invoice as the workflow needs it. */
export interface InvoiceDetails {
  invoiceId: string;
  invoiceNumber: string;
  amount: Money;
  issueDate?: string;
  dueDate: string;
  paymentLink?: string;
}

/** The customer as the workflow needs it. */
export interface CustomerDetails {
  customerId: string;
  name: string;
  email?: string;
  segment: Segment;
  riskTier: RiskTier;
}

/** Input of `invoiceCollection`: the invoice, its customer and a snapshot of the policy. */
export interface InvoiceCollectionInput {
  invoice: InvoiceDetails;
  customer: CustomerDetails;
  policy: CollectionsPolicy;
}

export type CollectionStatus =
  | 'scheduled' // not yet due; reminders ahead
  | 'in_collection' // past due, being dunned
  | 'write_off_review' // waiting for a write-off decision
  | 'paid'
  | 'written_off'
  | 'cancelled';

export type EscalationState = 'none' | EscalationLevel;

/** One line of the invoice's collection log. */
export interface TimelineEntry {
  at: string;
  type: string;
  summary: string;
}

/** What the state query returns. */
export interface InvoiceState {
  invoiceId: string;
  customerId: string;
  status: CollectionStatus;
  amount: Money;
  balance: Money;
  paid: Money;
  credit: Money;
  dueDate: string;
  daysPastDue: number;
  agingBucket: string;
  escalationLevel: EscalationState;
  nextAction: { description: string; at: string } | null;
  policy: { policyId: string; version: number };
  skippedSteps: string[];
  recentHistory: TimelineEntry[];
}

/** A payment to apply. `paymentId` makes it idempotent. */
export interface PaymentInput {
  paymentId: string;
  amount: Money;
  receivedAt?: string;
  method?: string;
}

/** The answer to a payment: the new balance, and whether it was new. */
export interface PaymentResult {
  paymentId: string;
  duplicate: boolean;
  status: CollectionStatus;
  balance: Money;
  credit: Money;
}

export interface CancelInput {
  reason: string;
}

export interface WriteOffDecision {
  approved: boolean;
  decidedBy: string;
  note?: string;
}

/** How the workflow ended. */
export interface InvoiceOutcome {
  status: CollectionStatus;
  balance: Money;
  credit: Money;
}

export const recordPaymentUpdate = defineUpdate<PaymentResult, [PaymentInput]>('recordPayment');
export const cancelInvoiceSignal = defineSignal<[CancelInput]>('cancelInvoice');
export const writeOffDecisionSignal = defineSignal<[WriteOffDecision]>('writeOffDecision');
export const invoiceStateQuery = defineQuery<InvoiceState>('invoiceState');

/** Search attributes that make the Web UI's list a collections worklist. */
export const CustomerIdAttr = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const CollectionStatusAttr = defineSearchAttributeKey('CollectionStatus', SearchAttributeType.KEYWORD);
export const AgingBucketAttr = defineSearchAttributeKey('AgingBucket', SearchAttributeType.KEYWORD);
export const RiskTierAttr = defineSearchAttributeKey('RiskTier', SearchAttributeType.KEYWORD);
export const CurrencyAttr = defineSearchAttributeKey('Currency', SearchAttributeType.KEYWORD);
export const EscalationLevelAttr = defineSearchAttributeKey('EscalationLevel', SearchAttributeType.KEYWORD);
export const BalanceDueAttr = defineSearchAttributeKey('BalanceDue', SearchAttributeType.INT);
export const DaysPastDueAttr = defineSearchAttributeKey('DaysPastDue', SearchAttributeType.INT);
export const DueDateAttr = defineSearchAttributeKey('DueDate', SearchAttributeType.DATETIME);

export const INVOICE_SEARCH_ATTRIBUTES = [
  CustomerIdAttr, CollectionStatusAttr, AgingBucketAttr, RiskTierAttr, CurrencyAttr,
  EscalationLevelAttr, BalanceDueAttr, DaysPastDueAttr, DueDateAttr,
] as const;

/** Terminal statuses: the workflow ends once it reaches one. */
export const CLOSED_STATUSES: readonly CollectionStatus[] = ['paid', 'written_off', 'cancelled'];
