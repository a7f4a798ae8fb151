/**
 * invoiceCollection: one overdue invoice from a few days before its due date until it is paid,
 * written off or cancelled. It sleeps until each dunning step of its policy snapshot, performs it
 * through activities, and reacts to payments, cancellation and write-off decisions.
 */
import {
  allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CollectionsActivities } from '../../activities';
import type { CollectionEvent } from '../../activities/collection-log/collection-event';
import { agingBucket } from '../../src/domain/aging';
import { daysPastDue, instantForOffset } from '../../src/domain/calendar';
import { describeStep, dunningPlan, lateStart } from '../../src/domain/dunning-schedule';
import { applyPayment, openingBalance, type InvoiceBalance } from '../../src/domain/invoice-balance';
import { formatMoney, type Money } from '../../src/domain/money';
import { ESCALATION_LEVELS, type DunningStep } from '../../src/domain/policy/schema';
import { taskPriority } from '../../src/domain/task-priority';
import {
  AgingBucketAttr, BalanceDueAttr, cancelInvoiceSignal, CLOSED_STATUSES, CollectionStatusAttr, DaysPastDueAttr,
  EscalationLevelAttr, invoiceStateQuery, recordPaymentUpdate, writeOffDecisionSignal,
  type CollectionStatus, type EscalationState, type InvoiceCollectionInput, type InvoiceOutcome, type InvoiceState,
  type PaymentInput, type PaymentResult, type TimelineEntry, type WriteOffDecision,
} from './definitions';

const activities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  // Side effects are idempotent, so retrying until the database or mail provider is back is safe.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const TIMELINE_LENGTH = 50;

/** The workflow entry point. */
export async function invoiceCollection(input: InvoiceCollectionInput): Promise<InvoiceOutcome> {
  const collection = new InvoiceCollection(input);
  collection.setup();
  return collection.run();
}

class InvoiceCollection {
  private status: CollectionStatus = 'scheduled';
  private balance: InvoiceBalance;
  private escalation: EscalationState = 'none';
  private upcoming: DunningStep[] = [];
  private skippedSteps: string[] = [];
  private nextAction: { description: string; at: string } | null = null;
  private readonly paymentIds = new Set<string>();
  private readonly timeline: TimelineEntry[] = [];
  private writeOffDecision: WriteOffDecision | undefined;
  private reviewsOpened = 0;
  private cancelReason = '';
  private seq = 0;
  private readonly workflowId = workflowInfo().workflowId;

  constructor(private readonly input: InvoiceCollectionInput) {
    this.balance = openingBalance(input.invoice.amount.amountMinor, input.invoice.amount.currency);
  }

  setup(): void {
    setHandler(invoiceStateQuery, () => this.state());
    setHandler(recordPaymentUpdate, (payment) => this.receivePayment(payment), { validator: (payment) => this.checkPayment(payment) });
    setHandler(cancelInvoiceSignal, ({ reason }) => {
      if (this.closed) return;
      this.status = 'cancelled';
      this.cancelReason = reason;
    });
    setHandler(writeOffDecisionSignal, (decision) => {
      if (this.status === 'write_off_review') this.writeOffDecision = decision;
    });
  }

  async run(): Promise<InvoiceOutcome> {
    await this.begin();
    while (!this.closed && this.upcoming.length > 0) {
      const step = this.upcoming[0];
      const at = instantForOffset(this.input.invoice.dueDate, step.offsetDays, this.input.policy.sendHourUtc);
      if (await this.sleepUntil(at, `${describeStep(step)}, day ${step.offsetDays}`)) break;
      this.upcoming.shift();
      await this.perform(step);
    }
    while (!this.closed) await this.writeOffReview();
    if (this.status === 'cancelled') await this.record('cancelled', 'invoice_cancelled', `cancelled: ${this.cancelReason}`, { reason: this.cancelReason });
    await condition(allHandlersFinished);
    this.updateSearchAttributes();
    return { status: this.status, balance: this.money(this.balance.balanceMinor), credit: this.money(this.balance.creditMinor) };
  }

  /** Starts collection; when started late, performs only the step that applies now and records the rest as skipped. */
  private async begin(): Promise<void> {
    const plan = dunningPlan(this.input.policy, this.input.customer);
    const age = this.daysPastDue();
    const pastReview = age >= this.input.policy.writeOff.reviewAfterDays;
    const { skipped, current, upcoming } = lateStart(plan, age);
    const missed = pastReview ? [...skipped, ...(current ? [current] : [])] : skipped;
    this.upcoming = pastReview ? [] : upcoming;
    this.skippedSteps = missed.map((step) => step.id);
    // A signal buffered before setup (signal-with-start) may already have closed the invoice.
    if (!this.closed) this.status = age > 0 ? 'in_collection' : 'scheduled';
    const first = current && !pastReview ? current : this.upcoming[0];
    if (first) {
      // Answer queries from the first moment, before the start has been recorded.
      const at = Math.max(Date.now(), instantForOffset(this.input.invoice.dueDate, first.offsetDays, this.input.policy.sendHourUtc));
      this.nextAction = { description: `${describeStep(first)}, day ${first.offsetDays}`, at: new Date(at).toISOString() };
    }
    const skippedNote = missed.length > 0 ? `; skipped ${this.skippedSteps.join(', ')}` : '';
    await this.record('started', 'collection_started', `collection started at ${age} days past due${skippedNote}`, {
      daysPastDue: age, skippedSteps: this.skippedSteps, policy: { policyId: this.input.policy.policyId, version: this.input.policy.version },
    });
    // A cancel or payment may have arrived while the start was recorded.
    if (current && !pastReview && !this.closed) await this.perform(current);
  }

  private async perform(step: DunningStep): Promise<void> {
    if (this.daysPastDue() > 0 && this.status === 'scheduled') this.status = 'in_collection';
    switch (step.action) {
      case 'email':
        await this.sendNotice(step);
        break;
      case 'call_task':
        this.escalateTo('collector');
        await this.openTask(step.id, 'call', 'collector', `Call ${this.input.customer.name} about invoice #${this.input.invoice.invoiceNumber}`, { script: step.script });
        break;
      case 'escalate':
        this.escalateTo(step.level);
        await this.openTask(step.id, 'escalation', step.level, `Escalated to ${step.level}: invoice #${this.input.invoice.invoiceNumber} of ${this.input.customer.name}`, {});
        break;
    }
    this.updateSearchAttributes();
  }

  private async sendNotice(step: Extract<DunningStep, { action: 'email' }>): Promise<void> {
    const { invoice, customer } = this.input;
    const age = this.daysPastDue();
    const summary = `${step.finalNotice ? 'Final notice' : 'Reminder'} "${step.template}" (${step.tone}) for ${this.formatBalance()}`;
    const event = this.event(`step/${step.id}`, 'notice_sent', summary, { stepId: step.id, template: step.template, tone: step.tone });
    await activities.sendDunningNotice.executeWithOptions({ summary }, [{
      customer: { customerId: customer.customerId, name: customer.name, email: customer.email },
      invoice: {
        invoiceNumber: invoice.invoiceNumber, amount: invoice.amount, balance: this.money(this.balance.balanceMinor),
        dueDate: invoice.dueDate, daysPastDue: age, paymentLink: invoice.paymentLink,
      },
      template: step.template,
      tone: step.tone,
      event,
    }]);
  }

  private async openTask(stepId: string, kind: 'call' | 'escalation' | 'write_off_review', level: string, title: string, extra: Record<string, unknown>): Promise<void> {
    const age = this.daysPastDue();
    const event = this.event(`step/${stepId}`, `${kind}_task_opened`, title, { stepId, kind, level });
    await activities.openCollectorTask.executeWithOptions({ summary: title }, [{
      customerId: this.input.customer.customerId,
      kind,
      level,
      title,
      priority: taskPriority(this.balance.balanceMinor, age, this.input.customer.riskTier),
      context: {
        ...extra,
        invoiceNumber: this.input.invoice.invoiceNumber,
        balance: this.money(this.balance.balanceMinor),
        daysPastDue: age,
        segment: this.input.customer.segment,
        riskTier: this.input.customer.riskTier,
        recentHistory: this.timeline.slice(-10),
      },
      event,
    }]);
  }

  /** Opens a write-off review when its day comes and waits for a person's decision. */
  private async writeOffReview(): Promise<void> {
    const { reviewAfterDays, reReviewAfterDays } = this.input.policy.writeOff;
    const reviewDay = reviewAfterDays + this.reviewsOpened * reReviewAfterDays;
    const at = instantForOffset(this.input.invoice.dueDate, reviewDay, this.input.policy.sendHourUtc);
    if (await this.sleepUntil(at, `write-off review, day ${reviewDay}`)) return;
    this.reviewsOpened += 1;
    this.status = 'write_off_review';
    this.writeOffDecision = undefined;
    this.nextAction = { description: 'write-off decision', at: new Date().toISOString() };
    await this.openTask(`write-off-review-${this.reviewsOpened}`, 'write_off_review', 'management',
      `Write-off review: invoice #${this.input.invoice.invoiceNumber}, ${this.formatBalance()} at ${this.daysPastDue()} days`, {});
    this.updateSearchAttributes();
    await condition(() => this.closed || this.writeOffDecision !== undefined);
    // Set by the signal handler while we waited; TypeScript cannot see that.
    const decision = this.writeOffDecision as WriteOffDecision | undefined;
    if (this.closed || !decision) return;
    this.status = decision.approved ? 'written_off' : 'in_collection';
    const verdict = decision.approved ? 'approved' : 'declined, collection continues';
    await this.record(`write-off-decision-${this.reviewsOpened}`, decision.approved ? 'written_off' : 'write_off_declined',
      `write-off ${verdict} by ${decision.decidedBy}${decision.note ? `: ${decision.note}` : ''}`, { ...decision, balanceMinor: this.balance.balanceMinor });
    this.updateSearchAttributes();
  }

  private checkPayment(payment: PaymentInput): void {
    if (this.paymentIds.has(payment.paymentId)) return;
    if (payment.amount.currency !== this.balance.currency) {
      throw new Error(`amount.currency: invoice is in ${this.balance.currency}, payment is in ${payment.amount.currency}`);
    }
    if (!Number.isSafeInteger(payment.amount.amountMinor) || payment.amount.amountMinor <= 0) {
      throw new Error('amount.amountMinor: must be a positive integer number of minor units');
    }
    if (this.balance.paidMinor + payment.amount.amountMinor > Number.MAX_SAFE_INTEGER) {
      throw new Error('amount.amountMinor: the total paid on this invoice would exceed the largest amount the ledger can hold');
    }
    if (this.closed) throw new Error(`invoice is ${this.status}; payment not applied`);
  }

  /** Applies a payment once per payment id and answers with the new balance. */
  private async receivePayment(payment: PaymentInput): Promise<PaymentResult> {
    if (this.paymentIds.has(payment.paymentId)) return this.paymentResult(payment.paymentId, true);
    this.paymentIds.add(payment.paymentId);
    const before = this.balance;
    this.balance = applyPayment(before, payment.amount.amountMinor);
    const appliedMinor = before.balanceMinor - this.balance.balanceMinor;
    const creditMinor = this.balance.creditMinor - before.creditMinor;
    if (this.balance.balanceMinor === 0) {
      this.status = 'paid';
      this.nextAction = null;
    }
    const summary = `Payment ${payment.paymentId} of ${this.format(payment.amount.amountMinor)}: balance ${this.formatBalance()}${creditMinor > 0 ? `, credit ${this.format(creditMinor)}` : ''}`;
    const event = this.event(`payment/${payment.paymentId}`, 'payment_received', summary, { paymentId: payment.paymentId, amountMinor: payment.amount.amountMinor, appliedMinor, creditMinor });
    await activities.postPayment.executeWithOptions({ summary }, [{
      paymentId: payment.paymentId,
      invoiceId: this.input.invoice.invoiceId,
      currency: this.balance.currency,
      amountMinor: payment.amount.amountMinor,
      appliedMinor,
      creditMinor,
      balanceAfterMinor: this.balance.balanceMinor,
      method: payment.method,
      receivedAt: payment.receivedAt ?? new Date().toISOString(),
      event,
    }]);
    this.updateSearchAttributes();
    return this.paymentResult(payment.paymentId, false);
  }

  private paymentResult(paymentId: string, duplicate: boolean): PaymentResult {
    return { paymentId, duplicate, status: this.status, balance: this.money(this.balance.balanceMinor), credit: this.money(this.balance.creditMinor) };
  }

  /** Sleeps until `at` (epoch ms) unless the invoice closes first; returns true when it closed. */
  private async sleepUntil(at: number, description: string): Promise<boolean> {
    const when = new Date(at).toISOString();
    this.nextAction = { description, at: when };
    const wait = at - Date.now();
    if (wait <= 0) return this.closed;
    return condition(() => this.closed, wait, { summary: `until ${when.slice(0, 10)}: ${description}` });
  }

  private escalateTo(level: EscalationState): void {
    const ladder: EscalationState[] = ['none', ...ESCALATION_LEVELS];
    if (ladder.indexOf(level) > ladder.indexOf(this.escalation)) this.escalation = level;
  }

  private async record(keySuffix: string, type: string, summary: string, data: Record<string, unknown>): Promise<void> {
    await activities.recordCollectionEvent.executeWithOptions({ summary }, [this.event(keySuffix, type, summary, data)]);
  }

  /** Builds a timeline entry keyed by workflow id and step, and keeps it in the recent history. */
  private event(keySuffix: string, type: string, summary: string, data: Record<string, unknown>): CollectionEvent {
    const occurredAt = new Date().toISOString();
    this.timeline.push({ at: occurredAt, type, summary });
    if (this.timeline.length > TIMELINE_LENGTH) this.timeline.shift();
    this.seq += 1;
    const age = this.daysPastDue();
    return {
      idempotencyKey: `${this.workflowId}/${keySuffix}`,
      workflowId: this.workflowId,
      invoiceId: this.input.invoice.invoiceId,
      type,
      summary,
      occurredAt,
      data,
      snapshot: {
        seq: this.seq,
        status: this.status,
        balanceMinor: this.balance.balanceMinor,
        paidMinor: this.balance.paidMinor,
        creditMinor: this.balance.creditMinor,
        escalationLevel: this.escalation,
        daysPastDue: age,
        agingBucket: agingBucket(age, this.input.policy.agingBuckets),
        nextAction: this.closed ? null : this.nextAction?.description ?? null,
        nextActionAt: this.closed ? null : this.nextAction?.at ?? null,
      },
    };
  }

  /** Upserts only the attributes that changed: each upsert is a billable action. */
  private updateSearchAttributes(): void {
    const age = this.daysPastDue();
    const wanted: SearchAttributeUpdatePair[] = [
      { key: CollectionStatusAttr, value: this.status },
      { key: BalanceDueAttr, value: this.balance.balanceMinor },
      { key: DaysPastDueAttr, value: age },
      { key: AgingBucketAttr, value: agingBucket(age, this.input.policy.agingBuckets) },
      { key: EscalationLevelAttr, value: this.escalation },
    ];
    const current = workflowInfo().typedSearchAttributes;
    const changed = wanted.filter((pair) => current.get(pair.key as never) !== pair.value);
    if (changed.length > 0) upsertSearchAttributes(changed);
  }

  private state(): InvoiceState {
    const age = this.daysPastDue();
    return {
      invoiceId: this.input.invoice.invoiceId,
      customerId: this.input.customer.customerId,
      status: this.status,
      amount: this.input.invoice.amount,
      balance: this.money(this.balance.balanceMinor),
      paid: this.money(this.balance.paidMinor),
      credit: this.money(this.balance.creditMinor),
      dueDate: this.input.invoice.dueDate,
      daysPastDue: age,
      agingBucket: agingBucket(age, this.input.policy.agingBuckets),
      escalationLevel: this.escalation,
      nextAction: this.closed ? null : this.nextAction,
      policy: { policyId: this.input.policy.policyId, version: this.input.policy.version },
      skippedSteps: this.skippedSteps,
      recentHistory: [...this.timeline],
    };
  }

  private get closed(): boolean {
    return CLOSED_STATUSES.includes(this.status);
  }

  private daysPastDue(): number {
    return daysPastDue(this.input.invoice.dueDate, Date.now());
  }

  private money(amountMinor: number): Money {
    return { amountMinor, currency: this.balance.currency };
  }

  private format(amountMinor: number): string {
    return formatMoney(this.money(amountMinor));
  }

  private formatBalance(): string {
    return this.format(this.balance.balanceMinor);
  }
}
