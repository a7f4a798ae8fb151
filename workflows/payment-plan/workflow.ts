/**
 * paymentPlan: one per plan (`plan-<planId>`), covering one or more invoices of one customer. It
 * reads top to bottom like the plan: take the proposal and answer it (accepted, awaiting approval,
 * refused with the reason); wait for approval if it needs one; bring every invoice into the plan (its
 * dunning waits); send the agreement letter; then until the plan ends remind before each due date,
 * take payments (allocated oldest installment first, each part paid to its invoice), count an
 * installment unpaid past grace as missed and breach on the policy's count; finally tell every
 * invoice how the plan ended (a breach re-escalates it).
 */
import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { CollectionsActivities } from '../../activities';
import { checkProposal, planApprovalRefusal, standardInstallmentCount, type PlanTerms } from '../../src/domain/payment-plan';
import { allocatePayment, installmentPaidMinor, invoicePaidMinor, partPaymentId } from '../../src/domain/payment-plan-allocation';
import { breaches, missedInstallments, nextPlanWakes } from '../../src/domain/payment-plan-standing';
import type { LeavePlanInput } from '../../src/domain/invoice-messages';
import { contactOutcomeSignal } from '../customer-outreach/definitions';
import { CustomerIdAttr } from '../invoice-collection/definitions';
import { notApplicable, refuse } from '../invoice-collection/refusals';
import {
  approvePlanUpdate, cancelPlanUpdate, planStateQuery, proposePlanUpdate, recordPlanPaymentUpdate,
  type PaymentPlanInput, type PlanDecision, type PlanPayment, type PlanPaymentResult, type PlanProposal, type PlanState,
} from './definitions';
import { agreementLetter, installmentReminder } from './plan-contact';
import { Plan } from './plan';

const activities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  // Every activity is idempotent; an invoice's refusal is non-retryable and ends the retries at once.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const DAY_MS = 86_400_000;
/** A custom plan nobody decides on within this long is declined. */
const APPROVAL_WAIT_MS = 30 * DAY_MS;

export async function paymentPlan(input: PaymentPlanInput): Promise<PlanState> {
  const workflow = new PaymentPlanWorkflow(new Plan(input.planId));
  workflow.registerHandlers();
  return workflow.run(input.proposalWaitMs ?? 3_600_000);
}

class PaymentPlanWorkflow {
  private decision: PlanDecision | null = null;

  constructor(private readonly plan: Plan) {}

  registerHandlers(): void {
    const { plan } = this;
    setHandler(proposePlanUpdate, (proposal) => this.propose(proposal), { validator: (proposal) => this.checkProposal(proposal) });
    setHandler(approvePlanUpdate, (approval) => {
      plan.approval = approval;
      if (!approval.approved) this.end('declined', `declined by ${approval.decidedBy}${approval.note ? `: ${approval.note}` : ''}`);
      plan.note(approval.approved ? 'plan_approved' : 'plan_declined', `${approval.approved ? 'Approved' : 'Declined'} by ${approval.decidedBy}${approval.role ? ` (${approval.role})` : ''}`);
      plan.wake();
      return plan.state();
    }, { validator: (approval) => {
      if (plan.status !== 'awaiting_approval' || plan.approval) notApplicable(`payment plan ${plan.planId} is ${plan.status.replace('_', ' ')}; nothing waits for approval`);
      if (!approval.approved) return;
      const refusal = planApprovalRefusal(approval.role, plan.totalMinor || this.proposedTotal(), plan.currency, plan.policy.writeOff);
      if (refusal) refuse('role', refusal);
    } });
    setHandler(recordPlanPaymentUpdate, (payment) => this.receive(payment), { validator: (payment) => this.checkPayment(payment) });
    setHandler(cancelPlanUpdate, (cancel) => {
      this.end('cancelled', `cancelled by ${cancel.cancelledBy}: ${cancel.reason}`);
      return plan.state();
    }, { validator: (_cancel) => {
      if (plan.ended || plan.status === 'proposed') notApplicable(`payment plan ${plan.planId} is ${plan.status.replace('_', ' ')}; it cannot be cancelled`);
    } });
    setHandler(contactOutcomeSignal, (outcome) => {
      if (outcome.requestId.endsWith('/agreement-letter')) plan.letter = outcome.delivery;
      plan.note('contact_outcome', `${outcome.requestId.split('/').slice(1).join(' ')}: ${outcome.delivery}${outcome.reason ? ` (${outcome.reason})` : ''}`);
    });
    setHandler(planStateQuery, () => plan.state());
  }

  async run(proposalWaitMs: number): Promise<PlanState> {
    const { plan } = this;
    if (!(await condition(() => this.decision !== null, proposalWaitMs))) return plan.state(); // nobody proposed: nothing happened
    if (plan.status === 'refused') return this.answered();
    if (plan.status === 'awaiting_approval') {
      if (!(await condition(() => plan.approval !== null || plan.ended, APPROVAL_WAIT_MS))) this.end('declined', 'no decision within 30 days');
      await this.record();
    }
    if (!plan.ended) await this.start();
    while (!plan.ended) await this.nextStep();
    await this.finish();
    return this.answered();
  }

  /** The plan's last state, once every update in progress has been answered. */
  private async answered(): Promise<PlanState> {
    await condition(allHandlersFinished);
    return this.plan.state();
  }

  // ── the proposal ──────────────────────────────────────────────────────────

  private checkProposal(proposal: PlanProposal): void {
    const { plan } = this;
    if (proposal.planId !== plan.planId) refuse('planId', `this is payment plan ${plan.planId}`);
    if (plan.proposal && JSON.stringify(plan.proposal) !== JSON.stringify(proposal)) refuse('planId', `payment plan ${plan.planId} was already proposed with other terms`);
  }

  private termsOf(proposal: PlanProposal): PlanTerms {
    return {
      termDays: proposal.termDays,
      installmentCount: proposal.installmentCount ?? standardInstallmentCount(proposal.termDays),
      ...(proposal.firstInstallment ? { firstInstallmentMinor: proposal.firstInstallment.amountMinor } : {}),
    };
  }

  private proposedTotal(): number {
    return this.plan.basis?.invoices.reduce((sum, invoice) => sum + invoice.amountMinor, 0) ?? 0;
  }

  /** Checks a proposal once (a repeat waits for and answers the same decision) and answers it. */
  private async propose(proposal: PlanProposal): Promise<PlanDecision> {
    const { plan } = this;
    if (plan.proposal) {
      await condition(() => this.decision !== null);
      return this.decision as PlanDecision;
    }
    plan.proposal = proposal;
    plan.terms = this.termsOf(proposal);
    plan.basis = await activities.preparePlan.executeWithOptions({ summary: `check the invoices of plan ${plan.planId}` }, [{ planId: plan.planId, invoiceIds: proposal.invoiceIds }]);
    const decision = this.decide(proposal);
    plan.kind = decision.kind ?? null;
    plan.status = decision.outcome === 'accepted' ? 'proposed' : decision.outcome;
    plan.reason = decision.reason;
    plan.note(`plan_${decision.outcome}`, `Proposed by ${proposal.proposedBy}: ${decision.outcome.replace('_', ' ')} (${decision.reason})`);
    if (plan.basis.customer) upsertSearchAttributes([{ key: CustomerIdAttr, value: plan.basis.customer.customerId }]);
    this.decision = decision;
    if (decision.outcome !== 'accepted') await this.record();
    return decision;
  }

  private decide(proposal: PlanProposal): PlanDecision {
    const { plan } = this;
    const basis = plan.basis;
    const refused = (field: string, reason: string): PlanDecision => ({ planId: plan.planId, outcome: 'refused', field, reason });
    if (!basis || !basis.policy || !basis.customer) return refused(basis?.problems[0]?.field ?? 'invoiceIds', basis?.problems[0]?.reason ?? 'no invoice of the plan is registered');
    if (basis.problems.length > 0) return refused(basis.problems[0].field, basis.problems[0].reason);
    if (proposal.firstInstallment && proposal.firstInstallment.currency !== basis.currency) {
      return refused('firstInstallment.currency', `the plan's invoices are in ${basis.currency}`);
    }
    const terms = this.termsOf(proposal);
    const verdict = checkProposal({ terms, totalMinor: this.proposedTotal(), policy: basis.policy.paymentPlans, breachedPlanId: basis.breachedPlanId });
    if (verdict.outcome === 'refused') return refused(verdict.field, verdict.reason);
    return {
      planId: plan.planId, outcome: verdict.outcome, reason: verdict.reason, kind: verdict.kind, total: plan.money(this.proposedTotal()),
      installments: plan.installmentViews(plan.scheduleFrom(plan.today()), 0),
    };
  }

  // ── the plan runs ─────────────────────────────────────────────────────────

  /** Dates the schedule from today, brings every invoice in (a refusal cancels the plan), and sends the agreement letter. */
  private async start(): Promise<void> {
    const { plan } = this;
    plan.agreementDate = plan.today();
    plan.handledThroughMs = Date.now();
    plan.schedule = plan.scheduleFrom(plan.agreementDate);
    plan.status = 'active';
    plan.note('plan_started', `Plan active from ${plan.agreementDate}: ${plan.schedule.length} installments, the last due ${plan.schedule.at(-1)?.dueDate}`);
    for (const invoice of plan.basis?.invoices ?? []) {
      if (plan.ended) return; // cancelled while the invoices were joining
      try {
        await activities.joinInvoicePlan.executeWithOptions({ summary: `invoice ${invoice.invoiceId} joins plan ${plan.planId}` }, [{ invoiceId: invoice.invoiceId, planId: plan.planId }]);
        plan.joined.push(invoice.invoiceId);
      } catch (error) {
        this.end('cancelled', `invoice ${invoice.invoiceId} could not join: ${failureMessage(error)}`);
        return;
      }
    }
    await this.record();
    if (plan.ended) return;
    await activities.requestCustomerContact.executeWithOptions({ summary: 'payment plan agreement letter' }, [agreementLetter(plan)]);
  }

  /** Waits for the next reminder, due date, end of grace, payment or cancel, and acts on it. */
  private async nextStep(): Promise<void> {
    const { plan } = this;
    if (plan.paidMinor >= plan.totalMinor && plan.paymentsInFlight === 0) {
      this.end('completed', `every installment paid (${plan.schedule.length})`);
      return;
    }
    const terms = plan.policy.paymentPlans;
    const wakes = nextPlanWakes(plan.schedule, plan.paidMinor, terms, plan.policy.sendHourUtc, plan.handledThroughMs);
    const seq = plan.seq;
    const changed = () => plan.seq !== seq || plan.ended;
    if (wakes.length === 0) {
      await condition(changed);
      return;
    }
    const at = wakes[0].at;
    const summary = wakes.map((wake) => `${wake.kind.replace('_', ' ')} of installment ${wake.installment}`).join(', ');
    if (at > Date.now() && (await condition(changed, at - Date.now(), { summary }))) return;
    if (plan.ended) return;
    plan.handledThroughMs = at;
    for (const wake of wakes) {
      if (plan.ended) return; // cancelled while a reminder was being asked for
      const owed = plan.schedule[wake.installment - 1].amountMinor - installmentPaidMinor(plan.schedule, plan.paidMinor)[wake.installment - 1];
      if (owed <= 0) continue; // paid meanwhile
      if (wake.kind === 'reminder') {
        plan.note('installment_reminder', `Reminder of installment ${wake.installment}: ${owed} owed by ${plan.schedule[wake.installment - 1].dueDate}`);
        await activities.requestCustomerContact.executeWithOptions({ summary: `reminder of installment ${wake.installment}` }, [installmentReminder(plan, wake.installment, owed)]);
      } else if (wake.kind === 'grace_end') {
        this.missed(wake.installment);
      }
    }
    if (!plan.ended) await this.record();
  }

  /** An installment unpaid past grace is missed; enough of them breach the plan. */
  private missed(number: number): void {
    const { plan } = this;
    const terms = plan.policy.paymentPlans;
    plan.missedInstallments.push(number);
    plan.note('installment_missed', `Installment ${number} (due ${plan.schedule[number - 1].dueDate}) unpaid past the ${terms.graceDays}-day grace`);
    const stillMissed = missedInstallments(plan.schedule, plan.paidMinor, terms, plan.policy.sendHourUtc, Date.now());
    if (breaches(stillMissed, terms)) {
      const first = plan.schedule[stillMissed[0] - 1];
      this.end('breached', `installment ${first.number} (due ${first.dueDate}) missed past the ${terms.graceDays}-day grace`);
    }
  }

  // ── payments ──────────────────────────────────────────────────────────────

  private checkPayment(payment: PlanPayment): void {
    const { plan } = this;
    if (plan.payments[payment.paymentId]) return;
    if (plan.status !== 'active') notApplicable(`payment plan ${plan.planId} is ${plan.status.replace('_', ' ')}; pay the invoices directly`);
    if (payment.amount.currency !== plan.currency) refuse('amount.currency', `the plan is in ${plan.currency}`);
    const owed = plan.totalMinor - plan.paidMinor;
    if (payment.amount.amountMinor > owed) refuse('amount.amountMinor', `is more than the ${owed} minor units the plan still owes`);
  }

  /**
   * Allocates a payment at once (so a second payment allocates after it), then pays each part to its
   * invoice under an id derived from the payment's, so a retry or a repeat applies it once.
   */
  private async receive(payment: PlanPayment): Promise<PlanPaymentResult> {
    const { plan } = this;
    const known = plan.payments[payment.paymentId];
    if (known) {
      await condition(() => !known.parts.some((part) => part.partId === ''));
      return { paymentId: payment.paymentId, duplicate: true, parts: known.parts, state: plan.state() };
    }
    const receivedAt = payment.receivedAt ?? new Date().toISOString();
    const parts = allocatePayment(plan.schedule, plan.paidMinor, payment.amount.amountMinor).map((part) => ({ ...part, partId: partPaymentId(payment.paymentId, part) }));
    const record = { paymentId: payment.paymentId, amount: payment.amount, receivedAt, parts };
    plan.payments[payment.paymentId] = record;
    const before = installmentPaidMinor(plan.schedule, plan.paidMinor);
    plan.paidMinor += payment.amount.amountMinor;
    installmentPaidMinor(plan.schedule, plan.paidMinor).forEach((paid, index) => {
      const installment = plan.schedule[index];
      if (paid === installment.amountMinor && before[index] < paid) plan.paidAt[installment.number] = Date.now();
    });
    plan.note('plan_payment', `Payment ${payment.paymentId} of ${payment.amount.amountMinor}: ${parts.map((p) => `installment ${p.installment} → ${p.invoiceId} ${p.amountMinor}`).join(', ')}`);
    plan.paymentsInFlight += 1;
    plan.wake();
    try {
      for (const part of parts) {
        try {
          await activities.applyPlanPaymentPart.executeWithOptions({ summary: `${part.partId}: ${part.amountMinor} to ${part.invoiceId}` }, [{
            invoiceId: part.invoiceId, partId: part.partId, amount: plan.money(part.amountMinor), receivedAt, method: payment.method,
          }]);
        } catch (error) {
          // The invoice took no more money (it was cancelled): the part stays with the plan, for a person to place.
          Object.assign(part, { refused: failureMessage(error) });
          plan.note('plan_payment_part_refused', `${part.partId} not applied: ${failureMessage(error)}`);
        }
      }
    } finally {
      plan.paymentsInFlight -= 1;
      plan.wake();
    }
    await this.record();
    return { paymentId: payment.paymentId, duplicate: false, parts, state: plan.state() };
  }

  // ── the end ───────────────────────────────────────────────────────────────

  private end(status: 'declined' | 'completed' | 'breached' | 'cancelled', reason: string): void {
    if (this.plan.ended) return;
    this.plan.status = status;
    this.plan.reason = reason;
    this.plan.note(`plan_${status}`, `Plan ${status}: ${reason}`);
    this.plan.wake();
  }

  /** Once the payments in flight have reached their invoices, tells every invoice in the plan how it ended. */
  private async finish(): Promise<void> {
    const { plan } = this;
    await condition(() => plan.paymentsInFlight === 0);
    const outcome = plan.status === 'breached' || plan.status === 'completed' ? plan.status : 'cancelled';
    const paid = plan.schedule.length > 0 ? invoicePaidMinor(plan.schedule, plan.paidMinor) : {};
    for (const invoiceId of plan.joined) {
      if (plan.left[invoiceId]) continue;
      const amount = plan.basis?.invoices.find((i) => i.invoiceId === invoiceId)?.amountMinor ?? 0;
      // An invoice the plan paid in full leaves completed, even when the plan as a whole was breached or cancelled.
      const its: LeavePlanInput['outcome'] = (paid[invoiceId] ?? 0) >= amount ? 'completed' : outcome;
      try {
        await activities.leaveInvoicePlan.executeWithOptions({ summary: `invoice ${invoiceId} leaves plan ${plan.planId}: ${its}` },
          [{ invoiceId, planId: plan.planId, outcome: its, reason: plan.reason.slice(0, 500) }]);
        plan.left[invoiceId] = its;
      } catch (error) {
        plan.note('plan_leave_refused', `invoice ${invoiceId} could not leave the plan: ${failureMessage(error)}`);
      }
    }
    await this.record();
    await condition(() => plan.paymentsInFlight === 0);
  }

  /** Writes the read model; each write carries the next number of the workflow's own count, so a late retry never wins. */
  private async record(): Promise<void> {
    const { plan } = this;
    plan.recorded += 1;
    await activities.recordPaymentPlan.executeWithOptions({ summary: `read model: plan ${plan.status}` }, [{ seq: plan.recorded, state: plan.state() }]);
  }
}

/** The reason an activity failed for good (an invoice's refusal), in words. */
function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
