/**
 * The one state holder of a plan's workflow: the proposal and what it was checked against, the
 * schedule, what is paid and where it went, and the plan's answers (the state query, the read model's
 * snapshot). The rules are src/domain's (payment-plan*.ts); this only keeps their inputs.
 *
 * The rule for handlers, which run while the main loop is parked on an await: a handler may change
 * this state and wake the main loop (`wake()`), but only the main loop contacts the customer or tells
 * the invoices how the plan ended, and it re-checks the status after every await before it does.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { Money } from '../../src/domain/money';
import { installmentSchedule, type PlanTerms, type ScheduledInstallment } from '../../src/domain/payment-plan';
import { installmentPaidMinor, invoicePaidMinor, scheduleTotalMinor } from '../../src/domain/payment-plan-allocation';
import { installmentStatuses } from '../../src/domain/payment-plan-standing';
import type { LeavePlanInput } from '../../src/domain/invoice-messages';
import type { CollectionsPolicy } from '../../src/domain/policy/schema';
import {
  ENDED_PLAN_STATUSES, type InstallmentView, type PlanApproval, type PlanBasis, type PlanPaymentRecord, type PlanProposal, type PlanState, type PlanStatus,
} from './definitions';

const TIMELINE_LENGTH = 50;

export class Plan {
  readonly planId: string;
  readonly workflowId = workflowInfo().workflowId;
  status: PlanStatus = 'proposed';
  reason = '';
  kind: 'standard' | 'custom' | null = null;
  proposal: PlanProposal | null = null;
  basis: PlanBasis | null = null;
  terms: PlanTerms | null = null;
  approval: PlanApproval | null = null;
  agreementDate: string | null = null;
  /** The instant of the last scheduled event handled (the plan's start at first). */
  handledThroughMs = 0;
  schedule: ScheduledInstallment[] = [];
  paidMinor = 0;
  /** When each installment was paid in full (epoch ms), to tell a late payment within grace. */
  paidAt: Record<number, number> = {};
  payments: Record<string, PlanPaymentRecord> = {};
  /** Payments whose parts are still being paid to their invoices: the plan does not end under them. */
  paymentsInFlight = 0;
  missedInstallments: number[] = [];
  joined: string[] = [];
  left: Record<string, LeavePlanInput['outcome']> = {};
  letter: string | null = null;
  timeline: PlanState['timeline'] = [];
  /** Bumped by every change the main loop should look at. */
  seq = 0;
  /** Read-model writes so far: each write's sequence. */
  recorded = 0;

  constructor(planId: string) {
    this.planId = planId;
  }

  /** The one way a handler wakes the main loop. */
  wake(): void {
    this.seq += 1;
  }

  get ended(): boolean {
    return ENDED_PLAN_STATUSES.includes(this.status);
  }

  get policy(): CollectionsPolicy {
    if (!this.basis?.policy) throw new Error('the plan has no policy before its proposal is checked');
    return this.basis.policy;
  }

  get currency(): string {
    return this.basis?.currency ?? 'XXX';
  }

  get totalMinor(): number {
    return scheduleTotalMinor(this.schedule);
  }

  money(amountMinor: number): Money {
    return { amountMinor, currency: this.currency };
  }

  /** Lays out the schedule from `agreementDate`. */
  scheduleFrom(agreementDate: string): ScheduledInstallment[] {
    const debts = (this.basis?.invoices ?? []).map(({ invoiceId, dueDate, amountMinor }) => ({ invoiceId, dueDate, amountMinor }));
    return this.terms ? installmentSchedule(debts, this.terms, agreementDate) : [];
  }

  today(): string {
    return new Date(Date.now()).toISOString().slice(0, 10);
  }

  note(type: string, summary: string): void {
    this.timeline.push({ at: new Date().toISOString(), type, summary });
    if (this.timeline.length > TIMELINE_LENGTH) this.timeline.shift();
  }

  installmentViews(schedule = this.schedule, paidMinor = this.paidMinor): InstallmentView[] {
    if (schedule.length === 0) return [];
    const terms = this.policy.paymentPlans;
    const paid = installmentPaidMinor(schedule, paidMinor);
    const statuses = installmentStatuses(schedule, paidMinor, terms, this.policy.sendHourUtc, Date.now(), this.paidAt);
    return schedule.map((installment, index) => ({
      number: installment.number,
      dueDate: installment.dueDate,
      amount: this.money(installment.amountMinor),
      paid: this.money(paid[index]),
      status: statuses[index],
      parts: installment.parts.map((part) => ({ invoiceId: part.invoiceId, amount: this.money(part.amountMinor) })),
    }));
  }

  state(): PlanState {
    const paidByInvoice = this.schedule.length > 0 ? invoicePaidMinor(this.schedule, this.paidMinor) : {};
    const total = this.basis?.invoices.reduce((sum, invoice) => sum + invoice.amountMinor, 0) ?? 0;
    return {
      planId: this.planId,
      status: this.status,
      reason: this.reason,
      kind: this.kind,
      customerId: this.basis?.customer?.customerId ?? null,
      terms: this.terms,
      proposedBy: this.proposal?.proposedBy ?? null,
      approval: this.approval ? { approved: this.approval.approved, decidedBy: this.approval.decidedBy, role: this.approval.role, note: this.approval.note } : null,
      agreementDate: this.agreementDate,
      total: this.basis?.customer ? this.money(total) : null,
      paid: this.basis?.customer ? this.money(this.paidMinor) : null,
      remaining: this.basis?.customer ? this.money(total - this.paidMinor) : null,
      installments: this.installmentViews(),
      invoices: (this.basis?.invoices ?? []).map((invoice) => ({
        invoiceId: invoice.invoiceId,
        invoiceNumber: invoice.invoiceNumber,
        amount: this.money(invoice.amountMinor),
        paid: this.money(paidByInvoice[invoice.invoiceId] ?? 0),
        joined: this.joined.includes(invoice.invoiceId),
        left: this.left[invoice.invoiceId] ?? null,
      })),
      payments: Object.values(this.payments),
      letter: this.letter,
      timeline: this.timeline,
    };
  }
}
