/**
 * invoiceCollection: one invoice from a few days before its due date until it is paid, settled,
 * written off or cancelled. It sleeps until the next thing its policy snapshot asks for (a dunning
 * step, a promise's deadline, a dispute's SLA, the write-off review), acts, records, and reacts to
 * everything people and systems tell it (see account-handlers.ts). A paid invoice stays open for
 * chargebacks and a written-off one for recoveries, for the policy's windows.
 */
import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { addDays, DAY_MS } from '../../src/domain/calendar';
import { describeStep, lateStart } from '../../src/domain/dunning-schedule';
import { nextContactInstant } from '../../src/domain/contact-days';
import { approvalNeeded, higherLevel } from '../../src/domain/escalation-ladder';
import type { DunningStep } from '../../src/domain/policy/schema';
import { AccountHandlers } from './account-handlers';
import { activities } from './collection-effects';
import { CONTACT_RESUMES, DISPUTE_SLA_RECHECK, LIFECYCLE_V2, LIFECYCLE_V3 } from './patches';
import { catchUp } from '../../src/domain/contact-resumption';
import { nextWake, reviewDay, reviewDue, type Wake } from '../../src/domain/collection-timing';
import { type InvoiceCollectionInput, type InvoiceOutcome, type WriteOffDecision } from './definitions';


/** The workflow entry point. */
export async function invoiceCollection(input: InvoiceCollectionInput): Promise<InvoiceOutcome> {
  const collection = new InvoiceCollection(input);
  collection.setup();
  return collection.run();
}

class InvoiceCollection extends AccountHandlers {
  setup(): void {
    this.registerHandlers();
  }

  async run(): Promise<InvoiceOutcome> {
    if (!this.input.carried) await this.begin();
    for (;;) {
      await this.dunning();
      while (!this.closed) await this.writeOffReview();
      await this.sendQueuedLetters(); // letters still queued at the close are recorded as suppressed
      if (this.s.status === 'cancelled') await this.record('cancelled', 'invoice_cancelled', `cancelled: ${this.s.cancelReason}`, { reason: this.s.cancelReason });
      if (!patched(LIFECYCLE_V2)) break;
      if (!(await this.afterCare())) break;
    }
    await condition(allHandlersFinished);
    this.updateSearchAttributes();
    return { status: this.s.status, balance: this.money(this.s.balance.balanceMinor), credit: this.money(this.s.balance.creditMinor) };
  }

  /** Starts collection; when started late, performs only the step that applies now and records the rest as skipped. */
  private async begin(): Promise<void> {
    const age = this.daysPastDue();
    const pastReview = age >= this.policy.writeOff.reviewAfterDays;
    const { skipped, current, upcoming } = lateStart(this.plan, age);
    const missed = pastReview ? [...skipped, ...(current ? [current] : [])] : skipped;
    this.s.upcomingStepIds = pastReview ? [] : upcoming.map((step) => step.id);
    this.s.skippedSteps = missed.map((step) => step.id);
    // A signal buffered before setup (signal-with-start) may already have closed the invoice.
    if (!this.closed) this.s.status = age > 0 ? 'in_collection' : 'scheduled';
    const first = current && !pastReview ? current : upcoming[0];
    if (first && !pastReview) {
      // Answer queries from the first moment, before the start has been recorded.
      const at = Math.max(Date.now(), this.stepInstant(first));
      this.nextAction = { description: `${describeStep(first)}, day ${first.offsetDays}`, at: new Date(at).toISOString() };
    }
    const skippedNote = missed.length > 0 ? `; skipped ${this.s.skippedSteps.join(', ')}` : '';
    await this.record('started', 'collection_started', `collection started at ${age} days past due${skippedNote}`, {
      daysPastDue: age, skippedSteps: this.s.skippedSteps, policy: { policyId: this.policy.policyId, version: this.policy.version },
    });
    // A cancel or payment may have arrived while the start was recorded.
    if (current && !pastReview && !this.closed) await this.perform(current);
  }

  /** Walks the dunning steps until the invoice closes or its write-off review is due. */
  private async dunning(): Promise<void> {
    while (!this.closed && !this.reviewDue()) {
      await this.continueAsNewIfDue();
      await this.settleDueEvents();
      await this.settleSmallBalance();
      await this.sendQueuedLetters();
      await this.sendMissedNotice();
      if (this.closed || this.reviewDue()) break;
      const due = this.stepsById(this.s.upcomingStepIds).filter((step) => this.stepInstant(step) <= Date.now());
      if (due.length > 0 && !this.dunningPause()) {
        await this.performDue(due);
        continue;
      }
      const wake = this.nextWake();
      await this.sleepUntil(wake.at, wake.description);
    }
  }

  /** Steps that came due while dunning waited are caught up once: the latest runs, the others are recorded as skipped. */
  private async performDue(due: DunningStep[]): Promise<void> {
    if (due.length > 1 && patched(CONTACT_RESUMES)) return this.catchUpDue(due);
    const step = due[due.length - 1];
    const missed = due.slice(0, -1);
    this.s.upcomingStepIds = this.s.upcomingStepIds.filter((id) => !due.some((d) => d.id === id));
    if (missed.length > 0) {
      this.s.skippedSteps.push(...missed.map((s) => s.id));
      await this.record(`caught-up/${step.id}`, 'steps_skipped', `skipped ${missed.map((s) => s.id).join(', ')} while dunning waited; ${step.id} applies now`,
        { skippedSteps: missed.map((s) => s.id) });
    }
    await this.perform(step);
  }

  /** Steps that came due together: the most severe notice goes out first, then the latest internal step. */
  private async catchUpDue(due: DunningStep[]): Promise<void> {
    const { notice, internal, skipped } = catchUp(due);
    this.s.upcomingStepIds = this.s.upcomingStepIds.filter((id) => !due.some((d) => d.id === id));
    const performed = [notice, internal].filter((step): step is DunningStep => step !== undefined);
    if (skipped.length > 0) {
      this.s.skippedSteps.push(...skipped.map((s) => s.id));
      await this.record(`caught-up/${performed.map((s) => s.id).join('+')}`, 'steps_skipped',
        `skipped ${skipped.map((s) => s.id).join(', ')} while dunning waited; ${performed.map((s) => s.id).join(' and ')} ${performed.length > 1 ? 'apply' : 'applies'} now`,
        { skippedSteps: skipped.map((s) => s.id) });
    }
    for (const step of performed) {
      if (this.closed) return;
      await this.perform(step);
    }
  }

  private async perform(step: DunningStep): Promise<void> {
    if (this.daysPastDue() > 0 && this.s.status === 'scheduled') this.s.status = 'in_collection';
    const hold = this.contactHold();
    if (hold && reachesCustomer(step)) {
      this.s.skippedSteps.push(step.id);
      if (step.action === 'email' && patched(CONTACT_RESUMES)) this.missedNotices().push(step.id);
      await this.record(`step/${step.id}`, 'step_skipped', `${describeStep(step)} skipped: ${hold}`, { stepId: step.id, hold });
      this.updateSearchAttributes();
      return;
    }
    switch (step.action) {
      case 'email': {
        await this.postInterest();
        const sent = await this.sendNotice(step);
        // Stopped by a hold or pause that landed meanwhile: it counts as missed, like a step skipped during a hold.
        if (!sent && !this.closed && this.contactStopped('dunning') && patched(CONTACT_RESUMES)) this.missedNotices().push(step.id);
        break;
      }
      case 'call_task':
        this.escalateTo('collector');
        await this.openTask(step.id, 'call', 'collector', `Call ${this.input.customer.name} about invoice #${this.input.invoice.invoiceNumber}`, { script: step.script });
        break;
      case 'escalate':
        await this.escalateByStep(step);
        break;
    }
    this.updateSearchAttributes();
  }

  private async escalateByStep(step: Extract<DunningStep, { action: 'escalate' }>): Promise<void> {
    const { agency, writeOff } = this.policy;
    const belowAgencyMinimum = step.level === 'agency' && this.s.balance.currency === writeOff.currency && this.s.balance.balanceMinor < agency.minimumBalanceMinor;
    if (belowAgencyMinimum && patched(LIFECYCLE_V2)) {
      this.s.earlyReviewReason = `balance ${this.formatBalance()} is below the agency minimum of ${this.format(agency.minimumBalanceMinor)}`;
      await this.record(`step/${step.id}`, 'step_skipped', `agency hand-off skipped: ${this.s.earlyReviewReason}; write-off review opens instead`, { stepId: step.id });
      return;
    }
    if (higherLevel(this.s.escalation, step.level) === this.s.escalation) {
      // Already there (a broken promise re-escalated ahead of the timer): one task per level is enough.
      await this.record(`step/${step.id}`, 'step_skipped', `escalation to ${step.level} skipped: the account is already at ${this.s.escalation}`, { stepId: step.id });
      return;
    }
    if (approvalNeeded(step.level, this.input.customer, this.policy) && patched(LIFECYCLE_V2)) {
      await this.escalate(step.level, step.id, `step ${step.id}, day ${step.offsetDays}`);
      return;
    }
    this.escalateTo(step.level);
    await this.openTask(step.id, 'escalation', step.level, `Escalated to ${step.level}: invoice #${this.input.invoice.invoiceNumber} of ${this.input.customer.name}`, {});
    await this.sendHandOffLetter(step.level, `step/${step.id}/letter`);
  }

  /** Deadlines that passed while the workflow slept: promises, settlement offers, seasonal holds, dispute SLAs, the late fee. */
  private async settleDueEvents(): Promise<void> {
    await this.breakPromiseIfDue();
    await this.expireSettlementIfDue();
    for (const hold of this.s.holds.filter((h) => h.until !== undefined && this.today() >= h.until)) await this.endHold(hold.holdId, `ended on ${hold.until}`);
    const breached = this.s.disputes.filter((d) => d.status === 'open' && !d.slaBreached && Date.now() >= this.dateInstant(addDays(d.slaDue, 1)));
    // A resolution may land while an earlier breach is saved: a resolved dispute is neither breached nor escalated.
    const recheck = breached.length > 0 && patched(DISPUTE_SLA_RECHECK);
    for (const dispute of breached) {
      if (recheck && dispute.status !== 'open') continue;
      dispute.slaBreached = true;
      await this.saveDispute(dispute.disputeId, 'sla-breached', 'dispute_sla_breached', `Dispute ${dispute.disputeId} not resolved by ${dispute.slaDue}: SLA breached, escalated to management`);
      if (recheck && dispute.status !== 'open') continue;
      await this.openTask(`dispute/${dispute.disputeId}/sla-breached`, 'escalation', 'management',
        `Dispute ${dispute.disputeId} (${dispute.category}) on invoice #${this.input.invoice.invoiceNumber} is past its SLA (${dispute.slaDue}); ${dispute.department} has not resolved it`,
        { dispute });
    }
    await this.chargeLateFee();
  }

  /** The earliest moment something is due: the next step (unless dunning waits), a deadline, or the review. */
  private nextWake(): Wake {
    const next = this.stepsById(this.s.upcomingStepIds)[0];
    const nextStep = next && { at: this.stepInstant(next), description: `${describeStep(next)}, day ${next.offsetDays}` };
    return nextWake(this.clock(), this.s, Date.now(), nextStep);
  }

  /** When a step runs: its day, moved off quiet weekdays and holidays when it reaches the customer. */
  private stepInstant(step: DunningStep): number {
    const at = this.dayInstant(step.offsetDays);
    if (!reachesCustomer(step)) return at;
    const moved = nextContactInstant(at, this.policy.contact);
    return moved !== at && patched(LIFECYCLE_V3) ? moved : at;
  }

  private reviewDay(): number {
    return reviewDay(this.clock(), this.s);
  }

  private reviewDue(): boolean {
    return reviewDue(this.clock(), this.s, Date.now());
  }

  /** Opens a write-off review when its day comes (or at once, for a bankruptcy) and waits for a person's decision. */
  private async writeOffReview(): Promise<void> {
    const early = this.s.earlyReviewReason !== null && this.s.reviewsOpened === 0;
    const reviewDay = this.reviewDay();
    if (!early) {
      const at = this.dayInstant(reviewDay);
      while (!this.closed && Date.now() < at) await this.sleepUntil(at, `write-off review, day ${reviewDay}`);
      if (this.closed) return;
    }
    this.s.reviewsOpened += 1;
    this.s.status = 'write_off_review';
    this.s.reviewOpen = true;
    this.writeOffDecision = undefined;
    this.nextAction = { description: 'write-off decision', at: new Date().toISOString() };
    const why = early ? ` (${this.s.earlyReviewReason})` : '';
    await this.openTask(`write-off-review-${this.s.reviewsOpened}`, 'write_off_review', 'management',
      `Write-off review: invoice #${this.input.invoice.invoiceNumber}, ${this.formatBalance()} at ${this.daysPastDue()} days${why}`,
      { requiredApprover: this.requiredWriteOffApprover(), approvalHierarchy: this.policy.writeOff.approvalHierarchy });
    this.updateSearchAttributes();
    const answered = () => this.closed || this.writeOffDecision !== undefined;
    while (!answered()) {
      await condition(() => answered() || this.letterReady());
      await this.sendQueuedLetters();
    }
    // Set by a handler while we waited; TypeScript cannot see that.
    const decision = this.writeOffDecision as WriteOffDecision | undefined;
    if (this.closed || !decision) {
      this.s.reviewOpen = false;
      return;
    }
    if (decision.approved) this.closeAs('written_off');
    else this.s.status = 'in_collection';
    const verdict = decision.approved ? 'approved' : 'declined, collection continues';
    const by = `${decision.decidedBy}${decision.role ? ` (${decision.role})` : ''}`;
    await this.record(`write-off-decision-${this.s.reviewsOpened}`, decision.approved ? 'written_off' : 'write_off_declined',
      `write-off ${verdict} by ${by}${decision.note ? `: ${decision.note}` : ''}`, { ...decision, balanceMinor: this.s.balance.balanceMinor });
    if (decision.approved && patched(LIFECYCLE_V2)) {
      await this.postLedger(`write-off-${this.s.reviewsOpened}`, 'write_off', -this.s.balance.balanceMinor,
        `Written off: ${this.formatBalance()} approved by ${by}`, { decidedBy: decision.decidedBy, role: decision.role });
    }
    this.s.reviewOpen = false;
    this.updateSearchAttributes();
  }

  /**
   * A closed invoice's open tasks are closed; a paid or settled one then waits for chargebacks and a
   * written-off one for recoveries. Returns true when a chargeback reopened it.
   */
  private async afterCare(): Promise<boolean> {
    await activities.closeOpenTasks.executeWithOptions({ summary: `close open tasks: invoice ${this.s.status}` },
      [{ invoiceId: this.input.invoice.invoiceId, reason: this.s.status }]);
    const status = this.s.status;
    const windowDays = status === 'written_off' ? (this.policy.writeOff.recoverAfterWriteOff ? this.policy.writeOff.recoveryWindowDays : 0)
      : status === 'paid' || status === 'settled' ? this.policy.chargebacks.windowDays : 0;
    const until = Date.parse(this.s.closedAt ?? new Date().toISOString()) + windowDays * DAY_MS;
    const what = status === 'written_off' ? 'recoveries' : 'chargebacks';
    while (this.closed && Date.now() < until) {
      await this.continueAsNewIfDue();
      const seen = this.wakeups;
      await condition(() => !this.closed || this.wakeups !== seen || this.historyFull(), until - Date.now(),
        { summary: `until ${new Date(until).toISOString().slice(0, 10)}: open for ${what}` });
    }
    return !this.closed;
  }

  /** Sleeps until `at` (epoch ms) unless the invoice closes, something moves the plan, or the history is full. */
  private async sleepUntil(at: number, description: string): Promise<void> {
    const when = new Date(at).toISOString();
    this.nextAction = { description, at: when };
    const wait = at - Date.now();
    if (wait <= 0) return;
    const seen = this.wakeups;
    await condition(() => this.closed || this.wakeups !== seen || this.historyFull(), wait, { summary: `until ${when.slice(0, 10)}: ${description}` });
  }

  private historyFull(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (this.input.historyEventLimit !== undefined && info.historyLength >= this.input.historyEventLimit);
  }

  /** Continues as new, carrying the whole state, once the history is large; a signal arriving meanwhile is kept by the server for the new run. */
  private async continueAsNewIfDue(): Promise<void> {
    if (!this.historyFull()) return;
    await condition(allHandlersFinished);
    this.s.continuedAsNew += 1;
    await continueAsNew<typeof invoiceCollection>({ ...this.input, carried: this.s });
  }
}

/** Steps the customer notices: every email and call, and hand-offs to legal or an agency. */
function reachesCustomer(step: DunningStep): boolean {
  return step.action !== 'escalate' || step.level === 'legal' || step.level === 'agency';
}
