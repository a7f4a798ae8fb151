/**
 * The one state holder of an invoice's workflow: what it knows (`s`, plain data carried whole across
 * continue-as-new), its policy and plan, and what follows from them: the balance, the age, what
 * pauses dunning or holds contact, the timeline entries, the search attributes and the state query's
 * answer. The concerns (dunning.ts, disputes.ts, promises.ts, holds.ts, payments.ts, settlement.ts,
 * charges.ts, escalations.ts, write-off.ts) each hold this and change it; none holds state of its own
 * that outlives a run.
 *
 * The rule for handlers, which run while the main loop is parked on an await: a handler may change
 * this state, record it and wake the main loop (`wake()`), but only the main loop contacts the
 * customer, and it re-checks `contactStopped()` after every await before it does (customer-contact.ts).
 */
import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CollectionEvent } from '../../activities/collection-log/collection-event';
import { agingBucket } from '../../src/domain/aging';
import { daysPastDue, isoDateOf } from '../../src/domain/calendar';
import { finalNoticePerformed } from '../../src/domain/contact-resumption';
import { collectibleMinor, dateInstant, dayInstant, dunningPause, promiseDeadline, type InvoiceClock } from '../../src/domain/collection-timing';
import { dunningPlan } from '../../src/domain/dunning-schedule';
import { openingBalance, withChargeFields } from '../../src/domain/invoice-balance';
import { higherLevel, type EscalationState } from '../../src/domain/escalation-ladder';
import { formatMoney, type Money } from '../../src/domain/money';
import type { CollectionsPolicy, DunningStep } from '../../src/domain/policy/schema';
import type { Why } from '../../src/domain/why';
import {
  AgingBucketAttr, BalanceDueAttr, CLOSED_STATUSES, CollectionStatusAttr, DaysPastDueAttr, EscalationLevelAttr,
  type CarriedState, type InvoiceCollectionInput, type InvoiceState,
} from './definitions';
import { BORN_AT_RELEASE_14, BORN_RELEASE, FEWER_ACTIONS, LIFECYCLE_V3, PATCH_RELEASES } from './patches';
import { completePolicy } from './policy-snapshot';
import { notApplicable, refuse } from './refusals';

const TIMELINE_LENGTH = 50;

/** What collectors' worklists filter on: a change to one of these is worth an upsert on its own. */
const WORKLIST_ATTRIBUTES: readonly SearchAttributeUpdatePair['key'][] = [CollectionStatusAttr, AgingBucketAttr, EscalationLevelAttr];

/** The state of a new invoice. */
function initialState(input: InvoiceCollectionInput): CarriedState {
  return {
    status: 'scheduled',
    balance: openingBalance(input.invoice.amount.amountMinor, input.invoice.amount.currency),
    escalation: 'none',
    upcomingStepIds: [],
    skippedSteps: [],
    payments: {},
    timeline: [],
    seq: 0,
    reviewsOpened: 0,
    reviewOpen: false,
    cancelReason: '',
    interestPostedThroughDay: 0,
    interestChargedMinor: 0,
    lateFeeCharged: false,
    waived: { interest: false, lateFee: false },
    disputes: [],
    promise: null,
    holds: [],
    settlement: null,
    pendingApprovals: [],
    bankruptcy: null,
    earlyReviewReason: null,
    closedAt: null,
    settlementDiscountMinor: 0,
    continuedAsNew: 0,
    movedToPolicy: null,
    lastNoticeOffsetDays: null,
    missedNoticeStepIds: [],
    queuedLetters: [],
    smallBalance: null,
  };
}

export class Invoice {
  readonly s: CarriedState;
  policy: CollectionsPolicy;
  plan: DunningStep[];
  readonly workflowId = workflowInfo().workflowId;
  /** Bumped by every change that moves the next wake-up (a hold, a promise, a dispute …). */
  wakeups = 0;
  /** The next thing the workflow will do, for queries and the read model. */
  nextAction: { description: string; at: string } | null = null;

  /** The one way a handler wakes the main loop: it re-reads the state and decides again. */
  wake(): void {
    this.wakeups += 1;
  }

  constructor(readonly input: InvoiceCollectionInput) {
    this.s = input.carried ? { ...initialState(input), ...input.carried, balance: withChargeFields(input.carried.balance) } : initialState(input);
    // First, before any handler or step can ask for a patch (see patches.ts).
    if (!input.carried && patched(BORN_AT_RELEASE_14)) this.s.bornAtRelease = BORN_RELEASE;
    this.policy = completePolicy(this.s.movedToPolicy ?? input.policy);
    this.plan = dunningPlan(this.policy, input.customer);
  }

  /** From now on the invoice follows `policy`: its steps, terms and rules. */
  usePolicy(policy: CollectionsPolicy): void {
    this.policy = completePolicy(policy);
    this.plan = dunningPlan(this.policy, this.input.customer);
  }

  /**
   * Whether the invoice takes a patch's new path: without asking when it was born at a release that
   * has the patch, by `patched()` (as recorded) when it was born before.
   */
  takes(patch: string): boolean {
    const release = PATCH_RELEASES[patch];
    if (release === undefined) throw new Error(`patch ${patch} has no release in patches.ts`);
    return (this.s.bornAtRelease ?? 0) >= release || patched(patch);
  }

  get closed(): boolean {
    return CLOSED_STATUSES.includes(this.s.status);
  }

  /** An open balance above zero but below the policy's minimum for its currency, not yet written off or kept: the main loop settles it. */
  smallBalanceDue(): boolean {
    const { balanceMinor, currency } = this.s.balance;
    const minimum = this.policy.smallBalance.minimumMinor[currency];
    return !this.closed && !this.s.smallBalance && minimum !== undefined && minimum > 0 && balanceMinor > 0 && balanceMinor < minimum;
  }

  /** Validators' shared checks: the invoice is open, and an amount is positive and in its currency. */
  checkOpen(): void {
    if (this.closed) notApplicable(`invoice is ${this.s.status}; nothing can change it`);
  }

  checkAmount(field: string, amount: Money): void {
    if (amount.currency !== this.s.balance.currency) refuse(`${field}.currency`, `invoice is in ${this.s.balance.currency}, this is in ${amount.currency}`);
    if (!Number.isSafeInteger(amount.amountMinor) || amount.amountMinor <= 0) refuse(`${field}.amountMinor`, 'must be a positive integer number of minor units');
  }

  /** Moves the account up the ladder (never down). */
  escalateTo(level: EscalationState): void {
    this.s.escalation = higherLevel(this.s.escalation, level);
  }

  /** Ends collection with `status`; its time starts the chargeback or recovery window. */
  closeAs(status: 'paid' | 'settled' | 'written_off' | 'cancelled'): void {
    this.s.status = status;
    this.s.closedAt = new Date().toISOString();
    this.nextAction = null;
  }

  daysPastDue(): number {
    return daysPastDue(this.input.invoice.dueDate, Date.now());
  }

  today(): string {
    return isoDateOf(Date.now());
  }

  /** The instant a day (relative to the due date) begins for the workflow: the policy's send hour. */
  dayInstant(offsetDays: number): number {
    return dayInstant(this.clock(), offsetDays);
  }

  /** The instant a calendar date begins for the workflow: the policy's send hour that day. */
  dateInstant(isoDate: string): number {
    return dateInstant(this.clock(), isoDate);
  }

  stepsById(ids: string[]): DunningStep[] {
    return ids.map((id) => this.plan.find((step) => step.id === id)).filter((step): step is DunningStep => step !== undefined);
  }

  /** What dunning may ask for: the balance less what is under dispute. */
  collectibleMinor(): number {
    return collectibleMinor(this.s);
  }

  /** Why dunning waits now (nothing is sent, steps that pass are caught up once when it ends), if it does. */
  dunningPause(): string | null {
    return dunningPause(this.s);
  }

  /** The invoice's clock for the pure timing rules: its due date and the policy. */
  clock(): InvoiceClock {
    return { dueDate: this.input.invoice.dueDate, policy: this.policy };
  }

  /** Why customer contact is held now (steps that pass are skipped, the clock keeps running), if it is. */
  contactHold(): string | null {
    const hold = this.s.holds[0];
    if (hold) return `${hold.kind} hold: ${hold.reason}`;
    return this.s.customerHold ? `customer hold: ${this.s.customerHold}` : null;
  }

  /**
   * Why a contact decided earlier must not be delivered now, if it must not: the invoice closed,
   * contact is held, or (for dunning notices) dunning is paused. Checked after every await before
   * contacting the customer, and watched while a contact is in flight.
   */
  contactStopped(purpose: 'dunning' | 'letter'): string | null {
    if (this.closed) return `the invoice is ${this.s.status.replace('_', ' ')}`;
    const hold = this.contactHold();
    if (hold) return `contact is held (${hold})`;
    const pause = purpose === 'dunning' ? this.dunningPause() : null;
    return pause ? `dunning is paused (${pause})` : null;
  }

  /** Whether the customer has been sent the final notice. */
  finalNoticeSent(): boolean {
    return this.s.finalNoticeSent ?? finalNoticePerformed(this.plan, this.s.upcomingStepIds, this.s.skippedSteps);
  }

  money(amountMinor: number): Money {
    return { amountMinor, currency: this.s.balance.currency };
  }

  format(amountMinor: number): string {
    return formatMoney(this.money(amountMinor));
  }

  formatBalance(): string {
    return this.format(this.s.balance.balanceMinor);
  }

  /** Why the workflow acts now under `rule`: its policy version and the figures it decides on (plus the rule's own). */
  why(rule: string, inputs: Record<string, unknown> = {}): Why {
    const b = this.s.balance;
    const { segment, riskTier } = this.input.customer;
    return {
      policyId: this.policy.policyId,
      policyVersion: this.policy.version,
      rule,
      inputs: {
        balanceMinor: b.balanceMinor, currency: b.currency, daysPastDue: this.daysPastDue(), interestMinor: b.interestMinor, lateFeeMinor: b.lateFeeMinor,
        collectibleMinor: this.collectibleMinor(), escalationLevel: this.s.escalation, segment, riskTier, ...inputs,
      },
    };
  }

  /** Builds a timeline entry keyed by workflow id and cause, and keeps it in the recent history. */
  event(keySuffix: string, type: string, summary: string, data: Record<string, unknown>, nextAction?: { description: string; at: string } | null): CollectionEvent {
    const occurredAt = new Date().toISOString();
    this.s.timeline.push({ at: occurredAt, type, summary });
    if (this.s.timeline.length > TIMELINE_LENGTH) this.s.timeline.shift();
    this.s.seq += 1;
    const age = this.daysPastDue();
    const next = this.closed ? null : nextAction === undefined ? this.nextAction : nextAction;
    return {
      idempotencyKey: `${this.workflowId}/${keySuffix}`,
      workflowId: this.workflowId,
      invoiceId: this.input.invoice.invoiceId,
      type,
      summary,
      occurredAt,
      data,
      snapshot: {
        seq: this.s.seq,
        status: this.s.status,
        balanceMinor: this.s.balance.balanceMinor,
        paidMinor: this.s.balance.paidMinor,
        creditMinor: this.s.balance.creditMinor,
        interestMinor: this.s.balance.interestMinor,
        lateFeeMinor: this.s.balance.lateFeeMinor,
        escalationLevel: this.s.escalation,
        daysPastDue: age,
        agingBucket: agingBucket(age, this.policy.agingBuckets),
        nextAction: next?.description ?? null,
        nextActionAt: next?.at ?? null,
        contactHold: this.contactHold(),
        dunningPaused: this.dunningPause(),
      },
    };
  }

  /**
   * Upserts only the attributes that changed: each upsert is a billable action. A dunning step asks
   * for `worklist` changes only: its upsert waits until the status, aging bucket or escalation moves
   * (the balance's interest and the age ride along then; `DueDate` answers exact age queries).
   */
  updateSearchAttributes(only: 'any' | 'worklist' = 'any'): void {
    // A closed invoice's age stops at its close: no billable upsert for a number nobody works from.
    const age = this.s.closedAt && this.takes(LIFECYCLE_V3) ? daysPastDue(this.input.invoice.dueDate, Date.parse(this.s.closedAt)) : this.daysPastDue();
    const wanted: SearchAttributeUpdatePair[] = [
      { key: CollectionStatusAttr, value: this.s.status },
      { key: BalanceDueAttr, value: this.s.balance.balanceMinor },
      { key: DaysPastDueAttr, value: age },
      { key: AgingBucketAttr, value: agingBucket(age, this.policy.agingBuckets) },
      { key: EscalationLevelAttr, value: this.s.escalation },
    ];
    const current = workflowInfo().typedSearchAttributes;
    const changed = wanted.filter((pair) => current.get(pair.key as never) !== pair.value)
      .filter((pair) => !(this.input.amountsPrivate && pair.key === BalanceDueAttr));
    if (changed.length === 0) return;
    if (only === 'worklist' && !changed.some((pair) => WORKLIST_ATTRIBUTES.includes(pair.key)) && this.takes(FEWER_ACTIONS)) return;
    upsertSearchAttributes(changed);
  }

  /** The answer to the state query and to every update. */
  state(): InvoiceState {
    const age = this.daysPastDue();
    const b = this.s.balance;
    return {
      invoiceId: this.input.invoice.invoiceId,
      customerId: this.input.customer.customerId,
      status: this.s.status,
      amount: this.input.invoice.amount,
      balance: this.money(b.balanceMinor),
      paid: this.money(b.paidMinor),
      credit: this.money(b.creditMinor),
      dueDate: this.input.invoice.dueDate,
      daysPastDue: age,
      agingBucket: agingBucket(age, this.policy.agingBuckets),
      escalationLevel: this.s.escalation,
      nextAction: this.closed ? null : this.nextAction,
      policy: { policyId: this.policy.policyId, version: this.policy.version },
      skippedSteps: this.s.skippedSteps,
      recentHistory: [...this.s.timeline],
      charges: { interest: this.money(b.interestMinor), lateFee: this.money(b.lateFeeMinor) },
      collectible: this.money(this.collectibleMinor()),
      disputes: this.s.disputes,
      promise: this.s.promise,
      holds: this.s.holds,
      settlement: this.s.settlement,
      pendingApprovals: this.s.pendingApprovals,
      paymentPlan: this.s.paymentPlan ?? null,
      paused: this.dunningPause() ?? this.contactHold(),
    };
  }

  /** The date a promise counts as broken: the promised date plus the policy's grace. */
  promiseDeadline(): string | null {
    return promiseDeadline(this.clock(), this.s);
  }
}
