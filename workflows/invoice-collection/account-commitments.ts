/**
 * What an account's people agree and decide: disputes and their resolution, promises to pay,
 * holds on contact, and escalations that wait for approval. Each arrives as an update whose
 * validator refuses bad input with the field and the reason before anything is recorded.
 */
import { patched } from '@temporalio/workflow';
import { addDays } from '../../src/domain/calendar';
import { addBusinessDays } from '../../src/domain/business-days';
import { approvalNeeded, nextLevel } from '../../src/domain/escalation-ladder';
import { applyCreditMemo } from '../../src/domain/invoice-balance';
import type { Money } from '../../src/domain/money';
import type { EscalationLevel } from '../../src/domain/policy/schema';
import { activities, CollectionEffects } from './collection-effects';
import { LIFECYCLE_V3 } from './patches';
import { notApplicable, refuse } from './refusals';
import type {
  DisputeInput, DisputeResolution, EscalationDecision, HoldInput, InvoiceState, PromiseInput, ReleaseInput,
} from './definitions';


export class AccountCommitments extends CollectionEffects {
  // ── shared checks ─────────────────────────────────────────────────────────

  protected checkOpen(): void {
    if (this.closed) notApplicable(`invoice is ${this.s.status}; nothing can change it`);
  }

  protected checkAmount(field: string, amount: Money): void {
    if (amount.currency !== this.s.balance.currency) refuse(`${field}.currency`, `invoice is in ${this.s.balance.currency}, this is in ${amount.currency}`);
    if (!Number.isSafeInteger(amount.amountMinor) || amount.amountMinor <= 0) refuse(`${field}.amountMinor`, 'must be a positive integer number of minor units');
  }

  // ── disputes ──────────────────────────────────────────────────────────────

  protected checkDispute(dispute: DisputeInput): void {
    if (this.s.disputes.some((d) => d.disputeId === dispute.disputeId)) return;
    this.checkOpen();
    if (!this.policy.disputes.categories.includes(dispute.category)) {
      refuse('category', `must be one of the policy's dispute categories: ${this.policy.disputes.categories.join(', ')}`);
    }
    if (dispute.amount) {
      this.checkAmount('amount', dispute.amount);
      if (dispute.amount.amountMinor > this.collectibleMinor()) refuse('amount.amountMinor', `must not exceed the undisputed balance of ${this.format(this.collectibleMinor())}`);
    } else if (this.collectibleMinor() === 0) {
      refuse('amount', 'nothing undisputed is left to dispute');
    }
  }

  /** Opens a dispute: routed to its department as a task with an SLA; dunning continues on the undisputed part. */
  protected async openDispute(input: DisputeInput): Promise<InvoiceState> {
    if (this.s.disputes.some((d) => d.disputeId === input.disputeId)) return this.state();
    const { routing, slaBusinessDays } = this.policy.disputes;
    const department = routing[input.category] ?? 'billing';
    const slaDue = addBusinessDays(this.today(), slaBusinessDays, this.policy.contact.quietWeekdays, this.policy.contact.holidays);
    const dispute = {
      disputeId: input.disputeId, category: input.category, amountMinor: input.amount?.amountMinor ?? this.collectibleMinor(),
      reason: input.reason, department, openedAt: new Date().toISOString(), slaDue, slaBreached: false, status: 'open' as const,
    };
    this.s.disputes.push(dispute);
    this.wake();
    const summary = `Dispute ${dispute.disputeId} (${dispute.category}) on ${this.format(dispute.amountMinor)}: routed to ${department}, due ${slaDue}; ${this.format(this.collectibleMinor())} still collected`;
    await this.saveDispute(dispute.disputeId, 'opened', 'dispute_opened', summary);
    await this.openTask(`dispute/${dispute.disputeId}/routed`, 'dispute', department,
      `Resolve ${dispute.category} dispute ${dispute.disputeId} on invoice #${this.input.invoice.invoiceNumber} (${this.format(dispute.amountMinor)}) by ${slaDue}`,
      { dispute });
    return this.state();
  }

  protected checkResolution(resolution: DisputeResolution): void {
    const dispute = this.s.disputes.find((d) => d.disputeId === resolution.disputeId);
    if (!dispute) refuse('disputeId', `no dispute ${resolution.disputeId} on this invoice`);
    if (dispute.status !== 'open') return;
    if (resolution.creditMemo) {
      if (resolution.inFavourOf !== 'customer') refuse('creditMemo', 'only a resolution in the customer\'s favour issues a credit memo');
      this.checkAmount('creditMemo', resolution.creditMemo);
      if (resolution.creditMemo.amountMinor > dispute.amountMinor) refuse('creditMemo.amountMinor', `must not exceed the disputed ${this.format(dispute.amountMinor)}`);
    }
  }

  /** In the customer's favour a credit memo reduces the balance; against them dunning resumes on the full amount. */
  protected async resolveDispute(resolution: DisputeResolution): Promise<InvoiceState> {
    const dispute = this.s.disputes.find((d) => d.disputeId === resolution.disputeId);
    if (!dispute || dispute.status !== 'open') return this.state();
    const byWhom = `${resolution.resolvedBy}${resolution.note ? `: ${resolution.note}` : ''}`;
    if (resolution.inFavourOf === 'customer') {
      await this.postInterest();
      const { balance, creditedMinor } = applyCreditMemo(this.s.balance, resolution.creditMemo?.amountMinor ?? dispute.amountMinor);
      this.s.balance = balance;
      dispute.status = 'resolved_for_customer';
      dispute.creditMemoMinor = creditedMinor;
      if (balance.balanceMinor === 0 && !this.closed) this.closeAs('paid');
      await this.saveDispute(dispute.disputeId, 'resolved', 'dispute_resolved', `Dispute ${dispute.disputeId} resolved for the customer by ${byWhom}`);
      await this.postLedger(`dispute/${dispute.disputeId}/credit-memo`, 'credit_memo', -creditedMinor,
        `Credit memo of ${this.format(creditedMinor)} for dispute ${dispute.disputeId}: balance ${this.formatBalance()}`, { disputeId: dispute.disputeId });
    } else {
      dispute.status = 'resolved_for_company';
      await this.saveDispute(dispute.disputeId, 'resolved', 'dispute_resolved',
        `Dispute ${dispute.disputeId} resolved against the customer by ${byWhom}: dunning resumes on ${this.formatBalance()}`);
    }
    this.wake();
    this.updateSearchAttributes();
    return this.state();
  }

  protected async saveDispute(disputeId: string, change: string, type: string, summary: string): Promise<void> {
    const dispute = this.s.disputes.find((d) => d.disputeId === disputeId);
    if (!dispute) return;
    const event = this.event(`dispute/${disputeId}/${change}`, type, summary, { dispute });
    await activities.saveDispute.executeWithOptions({ summary }, [{ ...dispute, currency: this.s.balance.currency, event }]);
  }

  // ── promises to pay ───────────────────────────────────────────────────────

  protected checkPromise(promise: PromiseInput): void {
    if (this.s.promise?.promiseId === promise.promiseId) return;
    this.checkOpen();
    this.checkAmount('amount', promise.amount);
    if (promise.amount.amountMinor > this.s.balance.balanceMinor) refuse('amount.amountMinor', `must not exceed the balance of ${this.formatBalance()}`);
    if (promise.promisedDate < this.today()) refuse('promisedDate', 'must not be in the past');
    const latest = addDays(this.today(), this.policy.promises.maxDaysAhead);
    if (promise.promisedDate > latest) refuse('promisedDate', `must be on or before ${latest} (the policy allows ${this.policy.promises.maxDaysAhead} days)`);
  }

  /** Dunning waits until the promised date plus grace; a newer promise replaces an older one. */
  protected async makePromise(input: PromiseInput): Promise<InvoiceState> {
    if (this.s.promise?.promiseId === input.promiseId) return this.state();
    this.s.promise = {
      promiseId: input.promiseId, amountMinor: input.amount.amountMinor, promisedDate: input.promisedDate,
      paidAtPromiseMinor: this.s.balance.paidMinor, madeAt: new Date().toISOString(),
    };
    this.wake();
    await this.record(`promise/${input.promiseId}/made`, 'promise_made',
      `Promise to pay ${this.format(input.amount.amountMinor)} by ${input.promisedDate}${input.takenBy ? ` (taken by ${input.takenBy})` : ''}: dunning waits until ${this.promiseDeadline()}`,
      { promise: this.s.promise });
    return this.state();
  }

  /** A promise is kept as soon as the promised amount has arrived. */
  protected async keepPromiseIfPaid(): Promise<void> {
    const promise = this.s.promise;
    if (!promise || this.s.balance.paidMinor - promise.paidAtPromiseMinor < promise.amountMinor) return;
    this.s.promise = null;
    this.wake();
    await this.record(`promise/${promise.promiseId}/kept`, 'promise_kept', `Promise ${promise.promiseId} kept: balance ${this.formatBalance()}`, { promise });
  }

  /** Past the promised date plus grace without the money: the promise is broken and the account re-escalates one level. */
  protected async breakPromiseIfDue(): Promise<void> {
    const promise = this.s.promise;
    const deadline = this.promiseDeadline();
    if (!promise || !deadline || Date.now() < this.dateInstant(deadline)) return;
    this.s.promise = null;
    const level = nextLevel(this.s.escalation);
    await this.record(`promise/${promise.promiseId}/broken`, 'promise_broken',
      `Promise ${promise.promiseId} to pay ${this.format(promise.amountMinor)} by ${promise.promisedDate} broken: re-escalating to ${level}`, { promise, level });
    await this.escalate(level, `promise/${promise.promiseId}/re-escalated`, `broken promise ${promise.promiseId}`);
  }

  // ── holds ─────────────────────────────────────────────────────────────────

  protected checkHold(hold: HoldInput): void {
    if (this.s.holds.some((h) => h.holdId === hold.holdId)) return;
    this.checkOpen();
    if (hold.until !== undefined && hold.until <= this.today()) refuse('until', 'must be after today');
  }

  /** Stops customer contact; the clock, the charges and the record keep running. */
  protected async placeHold(input: HoldInput): Promise<InvoiceState> {
    if (this.s.holds.some((h) => h.holdId === input.holdId)) return this.state();
    this.s.holds.push({ ...input, placedAt: new Date().toISOString() });
    this.wake();
    await this.record(`hold/${input.holdId}/placed`, 'hold_placed', `${input.kind} hold ${input.holdId}: ${input.reason}${input.until ? `, until ${input.until}` : ''}`, { hold: input });
    return this.state();
  }

  protected checkRelease(release: ReleaseInput): void {
    // Releasing a hold that has already ended answers again, like every other repeated update.
    if (this.s.endedHoldIds?.includes(release.holdId)) return;
    if (!this.s.holds.some((h) => h.holdId === release.holdId)) refuse('holdId', `no hold ${release.holdId} is in place`);
  }

  protected async releaseHold(release: ReleaseInput): Promise<InvoiceState> {
    await this.endHold(release.holdId, `released${release.releasedBy ? ` by ${release.releasedBy}` : ''}`);
    return this.state();
  }

  protected async endHold(holdId: string, how: string): Promise<void> {
    const hold = this.s.holds.find((h) => h.holdId === holdId);
    if (!hold) return;
    this.s.holds = this.s.holds.filter((h) => h.holdId !== holdId);
    (this.s.endedHoldIds ??= []).push(holdId);
    this.wake();
    await this.record(`hold/${holdId}/ended`, 'hold_released', `${hold.kind} hold ${holdId} ${how}`, { hold });
  }

  // ── escalations that need approval ────────────────────────────────────────

  /** Moves the account to `level`, or asks for approval first where the policy says so. */
  protected async escalate(level: EscalationLevel, key: string, cause: string): Promise<void> {
    const why = approvalNeeded(level, this.input.customer, this.policy);
    if (why) {
      if (this.s.pendingApprovals.some((p) => p.level === level)) return;
      this.s.pendingApprovals.push({ level, stepId: key, reason: why, requestedAt: new Date().toISOString() });
      await this.openTask(`${key}/approval`, 'approval', 'management',
        `Approve escalation to ${level} for ${this.input.customer.name}, invoice #${this.input.invoice.invoiceNumber} (${cause}): ${why}`, { level, cause });
      return;
    }
    this.escalateTo(level);
    const invoice = `invoice #${this.input.invoice.invoiceNumber}`;
    if (level === 'collector') await this.openTask(key, 'call', 'collector', `Call ${this.input.customer.name} about ${invoice} (${cause})`, { cause });
    else await this.openTask(key, 'escalation', level, `Escalated to ${level}: ${invoice} of ${this.input.customer.name} (${cause})`, { cause });
    await this.sendHandOffLetter(level, `${key}/letter`);
    this.updateSearchAttributes();
  }

  /** Tells the customer the account went to legal or an agency (workflows from before letters existed stay silent). */
  protected async sendHandOffLetter(level: EscalationLevel, key: string): Promise<void> {
    if ((level !== 'legal' && level !== 'agency') || !patched(LIFECYCLE_V3)) return;
    await this.sendLetter(key, { name: `${level}-handoff` }, `${level === 'legal' ? 'Legal' : 'Agency'} hand-off letter to ${this.input.customer.name}`);
  }

  protected checkEscalationDecision(decision: EscalationDecision): void {
    if (!this.s.pendingApprovals.some((p) => p.level === decision.level)) refuse('level', `no escalation to ${decision.level} is waiting for approval`);
  }

  protected async decideEscalation(decision: EscalationDecision): Promise<InvoiceState> {
    const pending = this.s.pendingApprovals.find((p) => p.level === decision.level);
    if (!pending) return this.state();
    this.s.pendingApprovals = this.s.pendingApprovals.filter((p) => p !== pending);
    const by = `${decision.decidedBy}${decision.note ? `: ${decision.note}` : ''}`;
    if (decision.approved) {
      this.escalateTo(decision.level);
      await this.openTask(`${pending.stepId}/approved`, 'escalation', decision.level,
        `Escalated to ${decision.level} (approved by ${by}): invoice #${this.input.invoice.invoiceNumber} of ${this.input.customer.name}`, { approvedBy: decision.decidedBy });
      await this.sendHandOffLetter(decision.level, `${pending.stepId}/letter`);
      this.updateSearchAttributes();
    } else {
      await this.record(`${pending.stepId}/declined`, 'escalation_declined', `Escalation to ${decision.level} declined by ${by}`, { level: decision.level });
    }
    return this.state();
  }
}
