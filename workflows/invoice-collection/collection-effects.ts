/**
 * The invoice workflow's side effects, each through an idempotent activity keyed by the workflow
 * and its cause: the timeline, notices, tasks, ledger postings and late charges.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CollectionsActivities } from '../../activities';
import type { LedgerEntryKind } from '../../activities/ledger/activities';
import type { LetterRequest } from '../../activities/notices/activities';
import type { CollectorTaskKind } from '../../activities/tasks/activities';
import { higherLevel, type EscalationState } from '../../src/domain/escalation-ladder';
import { addCharge } from '../../src/domain/invoice-balance';
import { interestToPost, lateFeeFor } from '../../src/domain/late-charges';
import type { Money } from '../../src/domain/money';
import type { DunningStep } from '../../src/domain/policy/schema';
import { taskPriority } from '../../src/domain/task-priority';
import { CollectionState } from './collection-state';

export const activities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  // Side effects are idempotent, so retrying until the database or mail provider is back is safe.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export class CollectionEffects extends CollectionState {
  protected async record(keySuffix: string, type: string, summary: string, data: Record<string, unknown>): Promise<void> {
    await activities.recordCollectionEvent.executeWithOptions({ summary }, [this.event(keySuffix, type, summary, data)]);
  }

  protected async sendNotice(step: Extract<DunningStep, { action: 'email' }>): Promise<void> {
    const summary = `${step.finalNotice ? 'Final notice' : 'Reminder'} "${step.template}" (${step.tone}) for ${this.format(this.collectibleMinor())}`;
    const event = this.event(`step/${step.id}`, 'notice_sent', summary, { stepId: step.id, template: step.template, tone: step.tone });
    await activities.sendDunningNotice.executeWithOptions({ summary }, [{ ...this.noticeBasics(), template: step.template, tone: step.tone, event }]);
  }

  /** Sends a letter (a settlement's terms, a legal or agency hand-off) unless contact is on hold. */
  protected async sendLetter(key: string, letter: LetterRequest, summary: string): Promise<void> {
    if (this.contactHold()) return;
    const event = this.event(key, 'letter_sent', summary, { letter: letter.name });
    await activities.sendDunningNotice.executeWithOptions({ summary }, [{ ...this.noticeBasics(), template: letter.name, tone: 'neutral', letter, event }]);
  }

  /** Who a notice goes to and what it says about the invoice: the undisputed balance and the charges. */
  private noticeBasics() {
    const { invoice, customer } = this.input;
    return {
      customer: { customerId: customer.customerId, name: customer.name, email: customer.email },
      invoice: {
        invoiceNumber: invoice.invoiceNumber, amount: invoice.amount, balance: this.money(this.collectibleMinor()),
        dueDate: invoice.dueDate, daysPastDue: this.daysPastDue(), paymentLink: invoice.paymentLink,
      },
      charges: this.chargeLines(),
    };
  }

  /** Late charges as the separate lines a notice shows. */
  private chargeLines(): { label: string; amount: Money }[] {
    const { interestMinor, lateFeeMinor } = this.s.balance;
    return [
      ...(interestMinor > 0 ? [{ label: `Interest (${this.policy.interest.annualRateBasisPoints / 100} % a year)`, amount: this.money(interestMinor) }] : []),
      ...(lateFeeMinor > 0 ? [{ label: 'Late fee', amount: this.money(lateFeeMinor) }] : []),
    ];
  }

  protected async openTask(key: string, kind: CollectorTaskKind, level: string, title: string, extra: Record<string, unknown>): Promise<void> {
    const age = this.daysPastDue();
    const event = this.event(key.includes('/') ? key : `step/${key}`, `${kind}_task_opened`, title, { stepId: key, kind, level });
    await activities.openCollectorTask.executeWithOptions({ summary: title }, [{
      customerId: this.input.customer.customerId,
      kind,
      level,
      title,
      priority: taskPriority(this.s.balance.balanceMinor, age, this.input.customer.riskTier),
      context: {
        ...extra,
        invoiceNumber: this.input.invoice.invoiceNumber,
        balance: this.money(this.s.balance.balanceMinor),
        daysPastDue: age,
        segment: this.input.customer.segment,
        riskTier: this.input.customer.riskTier,
        recentHistory: this.s.timeline.slice(-10),
        ...this.accountContext(),
      },
      event,
    }]);
  }

  /** What a person picking up a task needs beyond the balance: disputes, promises, holds, charges. */
  private accountContext(): Record<string, unknown> {
    const context: Record<string, unknown> = {};
    if (this.s.disputes.length > 0) context.disputes = this.s.disputes;
    if (this.s.promise) context.promise = this.s.promise;
    if (this.s.holds.length > 0) context.holds = this.s.holds;
    if (this.s.balance.interestMinor + this.s.balance.lateFeeMinor > 0) {
      context.charges = { interest: this.money(this.s.balance.interestMinor), lateFee: this.money(this.s.balance.lateFeeMinor) };
    }
    return context;
  }

  protected escalateTo(level: EscalationState): void {
    this.s.escalation = higherLevel(this.s.escalation, level);
  }

  protected async postLedger(keySuffix: string, kind: LedgerEntryKind, amountMinor: number, summary: string, data: Record<string, unknown> = {}, paymentId?: string): Promise<void> {
    const event = this.event(keySuffix, kind, summary, { ...data, amountMinor });
    await activities.postLedgerEntry.executeWithOptions({ summary }, [{ kind, currency: this.s.balance.currency, amountMinor, paymentId, event }]);
  }

  /** Posts the interest accrued since the last posting (see src/domain/late-charges for the rounding rule). */
  protected async postInterest(): Promise<void> {
    const terms = this.policy.interest;
    if (!terms.enabled || this.s.waived.interest || this.closed) return;
    const toDay = this.daysPastDue();
    const fromDay = this.s.interestPostedThroughDay;
    if (toDay <= fromDay) return;
    const amount = interestToPost({
      principalMinor: this.s.balance.principalMinor, originalMinor: this.s.balance.originalMinor,
      chargedSoFarMinor: this.s.interestChargedMinor, fromDay, toDay, terms,
    });
    this.s.interestPostedThroughDay = toDay;
    if (amount === 0) return;
    this.s.balance = addCharge(this.s.balance, 'interest', amount);
    this.s.interestChargedMinor += amount;
    await this.postLedger(`interest/day-${toDay}`, 'interest', amount,
      `Interest of ${this.format(amount)} for days ${Math.max(fromDay, terms.graceDays)}–${toDay} at ${terms.annualRateBasisPoints / 100} % a year: balance ${this.formatBalance()}`,
      { fromDay, toDay, annualRateBasisPoints: terms.annualRateBasisPoints });
  }

  /** Charges the policy's one-off late fee once, on its day. */
  protected async chargeLateFee(): Promise<void> {
    const terms = this.policy.lateFee;
    if (this.s.lateFeeCharged || this.s.waived.lateFee || this.closed || terms.percentBasisPoints === 0 || this.daysPastDue() < terms.afterDays) return;
    this.s.lateFeeCharged = true;
    const amount = lateFeeFor(this.s.balance.principalMinor, terms);
    if (amount === 0) return;
    this.s.balance = addCharge(this.s.balance, 'late_fee', amount);
    await this.postLedger('late-fee', 'late_fee', amount,
      `Late fee of ${this.format(amount)} (${terms.percentBasisPoints / 100} % of ${this.format(this.s.balance.principalMinor)}) at ${terms.afterDays} days: balance ${this.formatBalance()}`);
  }
}
