/**
 * The invoice's side of a payment plan. The plan has its own workflow (schedule, reminders,
 * allocation); the invoice only joins it, when dunning waits, and leaves it with the plan's outcome:
 * completed (the plan's payments closed the invoice), breached (dunning resumes one level up, like a
 * broken promise) or cancelled (dunning resumes). Steps that passed meanwhile are caught up once.
 */
import { nextLevel } from '../../src/domain/escalation-ladder';
import type { CarriedState, InvoiceState, JoinPlanInput, LeavePlanInput } from './definitions';
import type { Effects } from './effects';
import type { Escalations } from './escalations';
import type { Invoice } from './invoice';
import { refuse } from './refusals';

export class Plans {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly escalations: Escalations) {
    this.s = invoice.s;
  }

  checkJoin(join: JoinPlanInput): void {
    if (this.s.paymentPlan?.planId === join.planId) return;
    this.invoice.checkOpen();
    if (this.s.paymentPlan) refuse('planId', `the invoice is already in payment plan ${this.s.paymentPlan.planId}`);
    if (this.s.endedPlanIds?.includes(join.planId)) refuse('planId', `the invoice has already left payment plan ${join.planId}`);
    if (this.s.settlement) refuse('planId', `settlement offer ${this.s.settlement.offerId} is ${this.s.settlement.status.replace('_', ' ')}`);
  }

  async join(join: JoinPlanInput): Promise<InvoiceState> {
    if (this.s.paymentPlan?.planId === join.planId) return this.invoice.state();
    this.s.paymentPlan = { planId: join.planId, joinedAt: new Date().toISOString() };
    this.invoice.wake();
    await this.effects.record(`plan/${join.planId}/joined`, 'plan_joined', `Joined payment plan ${join.planId}: dunning waits while the plan runs`, { planId: join.planId });
    return this.invoice.state();
  }

  checkLeave(leave: LeavePlanInput): void {
    if (this.s.endedPlanIds?.includes(leave.planId)) return;
    if (this.s.paymentPlan?.planId !== leave.planId) refuse('planId', `the invoice is not in payment plan ${leave.planId}`);
  }

  async leave(leave: LeavePlanInput): Promise<InvoiceState> {
    if (this.s.paymentPlan?.planId !== leave.planId) return this.invoice.state();
    this.s.paymentPlan = null;
    (this.s.endedPlanIds ??= []).push(leave.planId);
    this.invoice.wake();
    const key = `plan/${leave.planId}/${leave.outcome}`;
    if (leave.outcome !== 'breached') {
      const after = this.invoice.closed ? '' : ': dunning resumes';
      await this.effects.record(key, `plan_${leave.outcome}`, `Payment plan ${leave.planId} ${leave.outcome} (${leave.reason})${after}`, { ...leave });
      return this.invoice.state();
    }
    const level = nextLevel(this.s.escalation);
    await this.effects.record(key, 'plan_breached', `Payment plan ${leave.planId} breached (${leave.reason}): re-escalating to ${level}`, { ...leave, level });
    if (!this.invoice.closed) await this.escalations.escalate(level, `plan/${leave.planId}/re-escalated`, `breached payment plan ${leave.planId}`, 'payment plan breached');
    return this.invoice.state();
  }
}
