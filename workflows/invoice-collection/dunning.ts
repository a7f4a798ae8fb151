/**
 * The dunning plan: the policy's steps (reminders, call tasks, escalations) by day past due, a late
 * start that performs only the step that applies now, steps that came due while dunning waited
 * caught up once, contact moved off quiet days, and an operator's move to another policy version.
 */
import { nextContactInstant } from '../../src/domain/contact-days';
import { catchUp } from '../../src/domain/contact-resumption';
import { describeStep, lateStart } from '../../src/domain/dunning-schedule';
import { dunningStepRule } from '../../src/domain/dunning-step-rule';
import type { Wake } from '../../src/domain/collection-timing';
import { accountConditionUnmet } from '../../src/domain/account-standing';
import type { AccountCondition, DunningStep } from '../../src/domain/policy/schema';
import type { Charges } from './charges';
import type { CarriedState, InvoiceState, PolicyMove } from './definitions';
import { activities, type Effects } from './effects';
import type { Escalations } from './escalations';
import type { Invoice } from './invoice';
import type { Notices } from './notices';
import { CONTACT_RESUMES, LIFECYCLE_V3, START_IN_ONE_TASK } from './patches';

export class Dunning {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly charges: Charges,
    private readonly notices: Notices, private readonly escalations: Escalations) {
    this.s = invoice.s;
  }


  /** Starts collection; when started late, performs only the step that applies now and records the rest as skipped. */
  async begin(): Promise<void> {
    const { invoice } = this;
    const age = invoice.daysPastDue();
    const pastReview = age >= invoice.policy.writeOff.reviewAfterDays;
    const { skipped, current, upcoming } = lateStart(invoice.plan, age);
    const missed = pastReview ? [...skipped, ...(current ? [current] : [])] : skipped;
    this.s.upcomingStepIds = pastReview ? [] : upcoming.map((step) => step.id);
    this.s.skippedSteps = missed.map((step) => step.id);
    // A signal buffered before setup (signal-with-start) may already have closed the invoice.
    if (!invoice.closed) this.s.status = age > 0 ? 'in_collection' : 'scheduled';
    const first = current && !pastReview ? current : upcoming[0];
    if (first && !pastReview) {
      // Answer queries from the first moment, before the start has been recorded.
      const at = Math.max(Date.now(), this.stepInstant(first));
      invoice.nextAction = { description: `${describeStep(first)}, day ${first.offsetDays}`, at: new Date(at).toISOString() };
    }
    const skippedNote = missed.length > 0 ? `; skipped ${this.s.skippedSteps.join(', ')}` : '';
    await this.effects.record('started', 'collection_started', `collection started at ${age} days past due${skippedNote}`, {
      daysPastDue: age, skippedSteps: this.s.skippedSteps, policy: { policyId: invoice.policy.policyId, version: invoice.policy.version },
    }, this.invoice.takes(START_IN_ONE_TASK) ? 'local' : 'activity');
    // A cancel or payment may have arrived while the start was recorded.
    if (current && !pastReview && !invoice.closed) await this.perform(current);
  }

  /** The steps whose moment has come. */
  dueSteps(): DunningStep[] {
    return this.invoice.stepsById(this.s.upcomingStepIds).filter((step) => this.stepInstant(step) <= Date.now());
  }

  /** The next step's moment, for the main loop's wake-up (whether dunning waits is decided there). */
  nextStep(): Wake | undefined {
    const next = this.invoice.stepsById(this.s.upcomingStepIds)[0];
    return next && { at: this.stepInstant(next), description: `${describeStep(next)}, day ${next.offsetDays}` };
  }

  /** Steps that came due while dunning waited are caught up once: the latest runs, the others are recorded as skipped. */
  async performDue(due: DunningStep[]): Promise<void> {
    if (due.length > 1 && this.invoice.takes(CONTACT_RESUMES)) return this.catchUpDue(due);
    const step = due[due.length - 1];
    const missed = due.slice(0, -1);
    this.s.upcomingStepIds = this.s.upcomingStepIds.filter((id) => !due.some((d) => d.id === id));
    if (missed.length > 0) {
      this.s.skippedSteps.push(...missed.map((s) => s.id));
      await this.effects.record(`caught-up/${step.id}`, 'steps_skipped', `skipped ${missed.map((s) => s.id).join(', ')} while dunning waited; ${step.id} applies now`,
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
      await this.effects.record(`caught-up/${performed.map((s) => s.id).join('+')}`, 'steps_skipped',
        `skipped ${skipped.map((s) => s.id).join(', ')} while dunning waited; ${performed.map((s) => s.id).join(' and ')} ${performed.length > 1 ? 'apply' : 'applies'} now`,
        { skippedSteps: skipped.map((s) => s.id) });
    }
    for (const step of performed) {
      if (this.invoice.closed) return;
      await this.perform(step);
    }
  }

  private async perform(step: DunningStep): Promise<void> {
    const { invoice } = this;
    if (invoice.daysPastDue() > 0 && this.s.status === 'scheduled') this.s.status = 'in_collection';
    if (step.whenAccount && (await this.accountConditionUnmet(step, step.whenAccount))) return;
    const hold = invoice.contactHold();
    if (hold && reachesCustomer(step)) {
      this.s.skippedSteps.push(step.id);
      if (step.action === 'email' && this.invoice.takes(CONTACT_RESUMES)) this.notices.missedNotices().push(step.id);
      await this.effects.record(`step/${step.id}`, 'step_skipped', `${describeStep(step)} skipped: ${hold}`, { stepId: step.id, hold });
      invoice.updateSearchAttributes('worklist');
      return;
    }
    switch (step.action) {
      case 'email': {
        await this.charges.postInterest();
        const sent = await this.notices.sendNotice(step);
        // Stopped by a hold or pause that landed meanwhile: it counts as missed, like a step skipped during a hold.
        if (!sent && !invoice.closed && invoice.contactStopped('dunning') && this.invoice.takes(CONTACT_RESUMES)) this.notices.missedNotices().push(step.id);
        break;
      }
      case 'call_task':
        invoice.escalateTo('collector');
        await this.effects.openTask(step.id, 'call', 'collector', `Call ${invoice.input.customer.name} about invoice #${invoice.input.invoice.invoiceNumber}`, { script: step.script }, dunningStepRule(step));
        break;
      case 'escalate':
        await this.escalations.byStep(step);
        break;
    }
    invoice.updateSearchAttributes('worklist');
  }

  /** A step conditioned on the customer's whole account: skipped (and recorded) when the condition does not hold now. */
  private async accountConditionUnmet(step: DunningStep, condition: AccountCondition): Promise<boolean> {
    const { customerId } = this.invoice.input.customer;
    const standing = await activities.customerStanding.executeWithOptions({ summary: `account standing for step ${step.id}` },
      [{ customerId, currency: this.s.balance.currency }]);
    const unmet = accountConditionUnmet(condition, standing);
    if (!unmet) return false;
    this.s.skippedSteps.push(step.id);
    await this.effects.record(`step/${step.id}`, 'step_skipped', `${describeStep(step)} skipped: ${unmet}`, { stepId: step.id, condition, standing });
    this.invoice.updateSearchAttributes('worklist');
    return true;
  }

  /** When a step runs: its day, moved off quiet weekdays and holidays when it reaches the customer. */
  private stepInstant(step: DunningStep): number {
    const at = this.invoice.dayInstant(step.offsetDays);
    if (!reachesCustomer(step)) return at;
    const moved = nextContactInstant(at, this.invoice.policy.contact);
    return moved !== at && this.invoice.takes(LIFECYCLE_V3) ? moved : at;
  }

  /**
   * An operator moves the invoice to another policy version: from now on its steps, terms and
   * rules are that version's. Steps of the new plan still ahead of today are what remains to do.
   */
  async movePolicy(move: PolicyMove): Promise<InvoiceState> {
    const from = this.invoice.policy;
    if (from.policyId === move.policy.policyId && from.version === move.policy.version) return this.invoice.state();
    this.s.movedToPolicy = move.policy;
    this.invoice.usePolicy(move.policy);
    const age = this.invoice.daysPastDue();
    this.s.upcomingStepIds = this.invoice.plan.filter((step) => step.offsetDays > age).map((step) => step.id);
    this.invoice.wake();
    await this.effects.record(`policy/${move.policy.policyId}/v${move.policy.version}`, 'policy_moved',
      `Moved from policy ${from.policyId} v${from.version} to ${move.policy.policyId} v${move.policy.version} by ${move.movedBy}${move.reason ? ` (${move.reason})` : ''}`,
      { from: { policyId: from.policyId, version: from.version }, to: { policyId: move.policy.policyId, version: move.policy.version }, upcomingSteps: this.s.upcomingStepIds });
    return this.invoice.state();
  }
}

/** Steps the customer notices: every email and call, and hand-offs to legal or an agency. */
function reachesCustomer(step: DunningStep): boolean {
  return step.action !== 'escalate' || step.level === 'legal' || step.level === 'agency';
}
