/**
 * What the plan asks the customer's outreach workflow to say (the only path to the customer): the
 * agreement letter when the plan starts, and a reminder before each installment's due date. Each
 * request is keyed by the plan and its cause, so a retry never asks twice; the outreach workflow
 * answers with `contactOutcomeSignal`.
 */
import type { DunningNoticeInput } from '../../activities/notices/activities';
import type { CollectionEvent } from '../../activities/collection-log/collection-event';
import { daysPastDue } from '../../src/domain/calendar';
import type { Why } from '../../src/domain/why';
import type { ContactRequest, OutreachInput } from '../customer-outreach/definitions';
import type { Plan } from './plan';

/** Plan messages rank below every dunning notice when the outreach workflow merges requests. */
const PLAN_SEVERITY = 0;

function outreachOf(plan: Plan): OutreachInput {
  const customer = plan.basis?.customer;
  if (!customer) throw new Error('a plan without a customer has no one to contact');
  return { customer, contact: plan.policy.contact };
}

/**
 * The timeline entry that goes with a plan's message: on the plan's oldest invoice (the timeline is
 * per invoice). Its snapshot's sequence is 0, so it never moves that invoice's read model, which
 * only the invoice's own workflow writes.
 */
function planEvent(plan: Plan, key: string, type: string, summary: string, data: Record<string, unknown>): CollectionEvent {
  const [oldest] = plan.schedule[0]?.parts ?? [];
  const invoice = plan.basis?.invoices.find((i) => i.invoiceId === oldest?.invoiceId) ?? plan.basis?.invoices[0];
  return {
    idempotencyKey: key,
    workflowId: plan.workflowId,
    invoiceId: invoice?.invoiceId ?? '',
    type,
    summary,
    occurredAt: new Date().toISOString(),
    data: { planId: plan.planId, ...data },
    snapshot: {
      seq: 0, status: 'in_collection', balanceMinor: 0, paidMinor: 0, creditMinor: 0, escalationLevel: 'none',
      daysPastDue: 0, agingBucket: '', nextAction: null, nextActionAt: null, dunningPaused: `payment plan ${plan.planId}`,
    },
  };
}

/** Why a plan's message goes: the plan's policy version and rule, and what the plan stands at. */
function planWhy(plan: Plan, rule: string, dueDate: string, owedMinor: number): Why {
  return {
    policyId: plan.policy.policyId, policyVersion: plan.policy.version, rule,
    inputs: {
      balanceMinor: owedMinor, currency: plan.currency, daysPastDue: daysPastDue(dueDate, Date.now()), interestMinor: 0, lateFeeMinor: 0,
      planId: plan.planId, totalMinor: plan.totalMinor, paidMinor: plan.paidMinor,
    },
  };
}

function request(plan: Plan, key: string, notice: DunningNoticeInput): { outreach: OutreachInput; request: ContactRequest } {
  return { outreach: outreachOf(plan), request: { requestId: key, requester: plan.workflowId, purpose: 'plan', severity: PLAN_SEVERITY, notice } };
}

/** The agreement letter (seed template `payment-plan-agreement`): every invoice, the schedule, the terms. */
export function agreementLetter(plan: Plan): { outreach: OutreachInput; request: ContactRequest } {
  const key = `${plan.workflowId}/agreement-letter`;
  const invoices = plan.basis?.invoices ?? [];
  const [first] = invoices;
  const now = Date.now();
  const total = plan.money(plan.totalMinor);
  const summary = `Payment plan ${plan.planId} agreement letter: ${plan.schedule.length} installments, total ${total.amountMinor} ${total.currency}`;
  return request(plan, key, {
    customer: outreachOf(plan).customer,
    invoice: {
      invoiceNumber: first.invoiceNumber, amount: plan.money(first.amountMinor), balance: plan.money(first.amountMinor),
      dueDate: first.dueDate, daysPastDue: daysPastDue(first.dueDate, now), paymentLink: first.paymentLink,
    },
    template: 'payment-plan-agreement',
    tone: 'neutral',
    letter: {
      name: 'payment-plan-agreement',
      plan: {
        total,
        agreementDate: plan.agreementDate ?? plan.today(),
        installments: plan.schedule.map((i) => ({ number: i.number, amount: plan.money(i.amountMinor), dueDate: i.dueDate })),
        invoices: invoices.map((i) => ({
          invoiceNumber: i.invoiceNumber, amount: plan.money(i.amountMinor), balance: plan.money(i.amountMinor), dueDate: i.dueDate, daysPastDue: daysPastDue(i.dueDate, now),
        })),
      },
    },
    event: planEvent(plan, key, 'plan_agreement_letter', summary, {
      installments: plan.schedule.length, why: planWhy(plan, `payment plan ${plan.planId} agreed`, first.dueDate, plan.totalMinor - plan.paidMinor),
    }),
  });
}

/** A reminder of an installment before its due date, with what is still owed on it. */
export function installmentReminder(plan: Plan, number: number, owedMinor: number): { outreach: OutreachInput; request: ContactRequest } {
  const installment = plan.schedule[number - 1];
  const key = `${plan.workflowId}/installment-${number}/reminder`;
  const first = plan.basis?.invoices.find((i) => i.invoiceId === installment.parts[0].invoiceId);
  const summary = `Payment plan ${plan.planId}: reminder of installment ${number} of ${plan.schedule.length}, due ${installment.dueDate}`;
  return request(plan, key, {
    customer: outreachOf(plan).customer,
    invoice: {
      invoiceNumber: `${plan.planId} installment ${number} of ${plan.schedule.length}`,
      amount: plan.money(installment.amountMinor),
      balance: plan.money(owedMinor),
      dueDate: installment.dueDate,
      daysPastDue: daysPastDue(installment.dueDate, Date.now()),
      paymentLink: first?.paymentLink,
    },
    template: 'installment-reminder',
    tone: 'friendly',
    event: planEvent(plan, key, 'plan_installment_reminder', summary, {
      installment: number, dueDate: installment.dueDate, owedMinor,
      why: planWhy(plan, `payment plan reminder ${plan.policy.paymentPlans.reminderDaysBefore} days before installment ${number}`, installment.dueDate, owedMinor),
    }),
  });
}
