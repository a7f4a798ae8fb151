/**
 * Everything callers need to address an invoice workflow: its id, input, signals, update, query and
 * search-attribute keys. Imported by the workflow, the API and the tests alike.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EscalationState } from '../../src/domain/escalation-ladder';
import type { InvoiceBalance, PaymentAllocation } from '../../src/domain/invoice-balance';
import type { Money } from '../../src/domain/money';
import type { DisputeCategory } from '../../src/domain/policy/account-handling';
import type { CollectionsPolicy, EscalationLevel, RiskTier, Segment } from '../../src/domain/policy/schema';
import type { LetterRequest } from '../../activities/notices/activities';
import type { ContactOutcome } from '../customer-outreach/definitions';
import type {
  BankruptcyNotice, CancelInput, DisputeInput, DisputeResolution, EscalationDecision, HoldInput, JoinPlanInput, LeavePlanInput, PaymentInput,
  PromiseInput, ReleaseInput, ReversalInput, SettlementDecision, SettlementOffer, WaiverInput, WriteOffDecision,
} from '../../src/domain/invoice-messages';

/** The messages the workflow takes: one declaration each, as zod schemas in src/domain/invoice-messages.ts. */
export type {
  BankruptcyNotice, CancelInput, DisputeInput, DisputeResolution, EscalationDecision, HoldInput, JoinPlanInput, LeavePlanInput, PaymentInput,
  PromiseInput, ReleaseInput, ReversalInput, SettlementDecision, SettlementOffer, WaiverInput, WriteOffDecision,
};

export type { EscalationState } from '../../src/domain/escalation-ladder';

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
  /** A key account: the policy's VIP approvals apply. */
  vip?: boolean;
  /** IANA time zone: contact keeps to business hours there (the policy's zone when absent). */
  timeZone?: string;
  /** ISO 3166 country code: its public holidays are quiet days for contact. */
  country?: string;
}

/** Input of `invoiceCollection`: the invoice, its customer and a snapshot of the policy. */
export interface InvoiceCollectionInput {
  invoice: InvoiceDetails;
  customer: CustomerDetails;
  policy: CollectionsPolicy;
  /** The state carried over by continue-as-new; absent on a first start. */
  carried?: CarriedState;
  /** Continue as new after this many history events (default: when the server suggests it). */
  historyEventLimit?: number;
  /**
   * Payloads are encrypted: the balance stays out of search attributes, which the server indexes
   * in the clear (no codec sees them), so a history read without the key shows no amount.
   */
  amountsPrivate?: boolean;
}

export type CollectionStatus =
  | 'scheduled' // not yet due; reminders ahead
  | 'in_collection' // past due, being dunned
  | 'write_off_review' // waiting for a write-off decision
  | 'paid'
  | 'settled' // paid at an agreed discount
  | 'written_off'
  | 'cancelled';

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
  /** Late charges still owed, apart from the principal. */
  charges: { interest: Money; lateFee: Money };
  /** The part of the balance not under dispute: what dunning asks for. */
  collectible: Money;
  disputes: DisputeState[];
  promise: PromiseState | null;
  holds: HoldState[];
  settlement: SettlementState | null;
  pendingApprovals: PendingEscalation[];
  /** The payment plan the invoice is in, if any: dunning waits while it runs. */
  paymentPlan: PlanMembership | null;
  /** Why customer contact or dunning is paused now, if it is. */
  paused: string | null;
}

/** A dispute on part or all of the invoice. */
export interface DisputeState {
  disputeId: string;
  category: DisputeCategory;
  amountMinor: number;
  reason?: string;
  department: string;
  openedAt: string;
  /** The date by which the owning department must resolve it (business days). */
  slaDue: string;
  slaBreached: boolean;
  status: 'open' | 'resolved_for_customer' | 'resolved_for_company';
  creditMemoMinor?: number;
}

/** A promise to pay an amount by a date; dunning waits until the date plus grace. */
export interface PromiseState {
  promiseId: string;
  amountMinor: number;
  promisedDate: string;
  /** Paid on the invoice when the promise was made, to see whether it was kept. */
  paidAtPromiseMinor: number;
  madeAt: string;
}

/** A hold on customer contact: VIP, legal or seasonal (with an end date). */
export interface HoldState {
  holdId: string;
  kind: 'vip' | 'legal' | 'seasonal';
  reason: string;
  until?: string;
  placedAt: string;
}

/** A settlement offer: the customer pays `amountMinor` by the deadline and the rest is discounted. */
export interface SettlementState {
  offerId: string;
  amountMinor: number;
  discountBasisPoints: number;
  status: 'awaiting_approval' | 'open';
  proposedBy: string;
  deadline?: string;
  paidAtOfferMinor: number;
}

/** The invoice's place in a payment plan (the plan's own workflow keeps the schedule). */
export interface PlanMembership {
  planId: string;
  joinedAt: string;
}

/** An escalation that waits for a person's decision. */
export interface PendingEscalation {
  level: EscalationLevel;
  stepId: string;
  reason: string;
  requestedAt: string;
}

/** Everything the workflow knows, carried whole across continue-as-new. */
export interface CarriedState {
  status: CollectionStatus;
  balance: InvoiceBalance;
  escalation: EscalationState;
  /** Ids of the dunning steps still ahead, in order. */
  upcomingStepIds: string[];
  skippedSteps: string[];
  payments: Record<string, PaymentAllocation & { reversed?: boolean; kind: 'payment' | 'recovery' }>;
  timeline: TimelineEntry[];
  seq: number;
  reviewsOpened: number;
  reviewOpen: boolean;
  cancelReason: string;
  interestPostedThroughDay: number;
  /** Interest charged over the invoice's life (the cap applies to it, waivers do not reset it). */
  interestChargedMinor: number;
  lateFeeCharged: boolean;
  waived: { interest: boolean; lateFee: boolean };
  disputes: DisputeState[];
  promise: PromiseState | null;
  holds: HoldState[];
  settlement: SettlementState | null;
  pendingApprovals: PendingEscalation[];
  bankruptcy: { reference: string; reportedAt: string } | null;
  /** Why the write-off review opens before its day (bankruptcy, a balance too small for the agency). */
  earlyReviewReason: string | null;
  /** When the invoice reached paid, settled or written off: the start of its after-care window. */
  closedAt: string | null;
  settlementDiscountMinor: number;
  continuedAsNew: number;
  /** The policy an operator moved the invoice to, replacing the snapshot it started with. */
  movedToPolicy: CollectionsPolicy | null;
  /** Whether the final notice has gone out; absent in states that predate it (then derived from the steps). */
  finalNoticeSent?: boolean;
  /** When the final notice went out (epoch ms), so a hand-off letter keeps the policy's gap after it. */
  finalNoticeSentAt?: number;
  /** Day of the latest notice sent, so a missed one is sent only if it says more. */
  lastNoticeOffsetDays?: number | null;
  /** Notices skipped while contact was held: the most severe goes out once contact resumes. */
  missedNoticeStepIds?: string[];
  /** Letters handlers asked for; only the main loop sends them (see customer-contact.ts). */
  queuedLetters?: QueuedLetter[];
  /** Holds that have ended, so a repeated release answers instead of being refused. */
  endedHoldIds?: string[];
  /** Set when the balance fell below the policy's minimum: written off, or kept without contact. */
  smallBalance?: 'written_off' | 'kept' | null;
  /** The payment plan the invoice is in; absent in states from before plans. */
  paymentPlan?: PlanMembership | null;
  /** Plans the invoice has left, so a repeated leave answers instead of being refused. */
  endedPlanIds?: string[];
  /** Whether customer contact goes through the customer's outreach workflow (invoices started since it existed). */
  viaOutreach?: boolean;
  /** The release the invoice was born at (patches.ts, BORN_AT_RELEASE_14); unset for invoices born before it. */
  bornAtRelease?: number;
  /** Why contact is held for the whole customer (their "do not dun" flag), while it is. */
  customerHold?: string | null;
  /** The outreach request the main loop waits on, and its outcome once told. */
  awaitingContact?: string | null;
  contactOutcome?: ContactOutcome | null;
  /** The customer's outreach has taken a request from this invoice: later ones can be signalled to it directly. */
  outreachRunning?: boolean;
  /** The posting that closed the invoice also closed its open tasks; cleared when it reopens. */
  openTasksClosed?: boolean;
}

/** A letter waiting for the main loop: sent when contact is allowed and `notBefore` (epoch ms) has passed. */
export interface QueuedLetter {
  key: string;
  letter: LetterRequest;
  summary: string;
  notBefore?: number;
  /** A settlement letter is only sent while its offer is still open. */
  offerId?: string;
}

/** The answer to a payment: the new balance, and whether it was new. */
export interface PaymentResult {
  paymentId: string;
  duplicate: boolean;
  status: CollectionStatus;
  balance: Money;
  credit: Money;
}

export interface SettlementAnswer {
  offerId: string;
  outcome: 'accepted' | 'awaiting_approval' | 'refused';
  deadline?: string;
  discountBasisPoints: number;
}

/** An operator moves a running invoice to another policy version (the snapshot travels with it). */
export interface PolicyMove {
  policy: CollectionsPolicy;
  movedBy: string;
  reason?: string;
}

/** How the workflow ended. */
export interface InvoiceOutcome {
  status: CollectionStatus;
  balance: Money;
  credit: Money;
}

export const recordPaymentUpdate = defineUpdate<PaymentResult, [PaymentInput]>('recordPayment');
export const cancelInvoiceSignal = defineSignal<[CancelInput]>('cancelInvoice');
/**
 * Kept for workflows started before write-off decisions became an update, with the update's checks;
 * not part of the API. Callers use `decideWriteOffUpdate`, which answers.
 */
export const writeOffDecisionSignal = defineSignal<[WriteOffDecision]>('writeOffDecision');
export const decideWriteOffUpdate = defineUpdate<InvoiceState, [WriteOffDecision]>('decideWriteOff');
export const openDisputeUpdate = defineUpdate<InvoiceState, [DisputeInput]>('openDispute');
export const resolveDisputeUpdate = defineUpdate<InvoiceState, [DisputeResolution]>('resolveDispute');
export const promiseToPayUpdate = defineUpdate<InvoiceState, [PromiseInput]>('promiseToPay');
export const placeHoldUpdate = defineUpdate<InvoiceState, [HoldInput]>('placeHold');
export const releaseHoldUpdate = defineUpdate<InvoiceState, [ReleaseInput]>('releaseHold');
export const decideEscalationUpdate = defineUpdate<InvoiceState, [EscalationDecision]>('decideEscalation');
export const waiveChargesUpdate = defineUpdate<InvoiceState, [WaiverInput]>('waiveCharges');
export const proposeSettlementUpdate = defineUpdate<SettlementAnswer, [SettlementOffer]>('proposeSettlement');
export const decideSettlementUpdate = defineUpdate<SettlementAnswer, [SettlementDecision]>('decideSettlement');
export const reversePaymentUpdate = defineUpdate<InvoiceState, [ReversalInput]>('reversePayment');
export const reportBankruptcyUpdate = defineUpdate<InvoiceState, [BankruptcyNotice]>('reportBankruptcy');
export const movePolicyUpdate = defineUpdate<InvoiceState, [PolicyMove]>('movePolicy');
/** Sent by a payment plan's workflow: the invoice joins the plan, and later leaves it with the plan's outcome. */
export const joinPlanUpdate = defineUpdate<InvoiceState, [JoinPlanInput]>('joinPaymentPlan');
export const leavePlanUpdate = defineUpdate<InvoiceState, [LeavePlanInput]>('leavePaymentPlan');
export const invoiceStateQuery = defineQuery<InvoiceState>('invoiceState');
/** The mail provider could not deliver a message it accepted (a bounce, a complaint): a person takes over. */
export const deliveryProblemSignal = defineSignal<[{ key: string; problem: string }]>('deliveryProblem');

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
export const CLOSED_STATUSES: readonly CollectionStatus[] = ['paid', 'settled', 'written_off', 'cancelled'];
