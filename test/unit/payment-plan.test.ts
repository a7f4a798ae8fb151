/** Payment plans as pure rules: the schedule, the proposal check, allocation, grace and breach, the recommendation. */
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { startOfDateUtc } from '../../src/domain/calendar';
import {
  checkProposal, installmentAmounts, installmentDueDates, installmentSchedule, planApprovalRefusal, standardInstallmentCount, type PlanDebt,
} from '../../src/domain/payment-plan';
import { allocatePayment, installmentPaidMinor, invoicePaidMinor, partPaymentId } from '../../src/domain/payment-plan-allocation';
import { breaches, graceEndsAt, installmentStatuses, missedInstallments, nextPlanWakes } from '../../src/domain/payment-plan-standing';
import { recommendPlan, type CustomerPaymentHistory } from '../../src/domain/payment-plan-recommendation';

const terms = DEFAULT_POLICY.paymentPlans;
const HOUR = 3_600_000;

describe('the installment schedule', () => {
  test('equal installments in minor units, the remainder on the last', () => {
    expect(installmentAmounts(100_000, 3)).toEqual([33_333, 33_333, 33_334]);
    expect(installmentAmounts(10, 4)).toEqual([2, 2, 2, 4]);
    expect(installmentAmounts(100_000, 3, 40_000)).toEqual([40_000, 30_000, 30_000]);
    expect(installmentAmounts(100_001, 1)).toEqual([100_001]);
  });

  test('standard plans pay once a month, at least twice; due dates end on the term', () => {
    expect([30, 60, 90].map(standardInstallmentCount)).toEqual([2, 2, 3]);
    expect(installmentDueDates('2026-01-31', 90, 3)).toEqual(['2026-03-02', '2026-04-01', '2026-05-01']);
    expect(installmentDueDates('2026-01-01', 30, 2)).toEqual(['2026-01-16', '2026-01-31']);
  });

  test('installments pay the oldest invoice first; one may straddle two invoices', () => {
    const debts: PlanDebt[] = [
      { invoiceId: 'INV-B', dueDate: '2026-02-01', amountMinor: 90_000 },
      { invoiceId: 'INV-A', dueDate: '2026-01-01', amountMinor: 60_000 },
    ];
    const schedule = installmentSchedule(debts, { termDays: 90, installmentCount: 3 }, '2026-03-01');
    expect(schedule.map((i) => i.parts)).toEqual([
      [{ invoiceId: 'INV-A', amountMinor: 50_000 }],
      [{ invoiceId: 'INV-A', amountMinor: 10_000 }, { invoiceId: 'INV-B', amountMinor: 40_000 }],
      [{ invoiceId: 'INV-B', amountMinor: 50_000 }],
    ]);
    expect(schedule.map((i) => i.dueDate)).toEqual(['2026-03-31', '2026-04-30', '2026-05-30']);
  });
});

describe('the proposal check', () => {
  const check = (termDays: number, installmentCount: number, extra: { firstInstallmentMinor?: number; breachedPlanId?: string; policy?: typeof terms } = {}) =>
    checkProposal({ terms: { termDays, installmentCount, firstInstallmentMinor: extra.firstInstallmentMinor }, totalMinor: 120_000, policy: extra.policy ?? terms, breachedPlanId: extra.breachedPlanId });

  test('a standard plan is accepted', () => {
    expect(check(60, 2)).toMatchObject({ outcome: 'accepted', kind: 'standard' });
  });

  test('a term longer than the standard ones, or other installments, waits for approval with the reason', () => {
    expect(check(120, 4)).toEqual({ outcome: 'awaiting_approval', kind: 'custom', reason: 'a term of 120 days is longer than the 90 days the policy allows without approval' });
    expect(check(90, 3, { firstInstallmentMinor: 60_000 })).toMatchObject({ outcome: 'awaiting_approval', reason: expect.stringContaining('not one of the policy\'s standard plans') });
    expect(check(120, 4, { policy: { ...terms, customRequiresApproval: false } })).toMatchObject({ outcome: 'accepted', kind: 'custom' });
  });

  test('refusals name the field and the reason', () => {
    expect(check(400, 4)).toMatchObject({ outcome: 'refused', field: 'termDays', reason: expect.stringContaining('365 days') });
    expect(check(360, 12, { firstInstallmentMinor: 5_000 })).toMatchObject({ outcome: 'refused', field: 'firstInstallment.amountMinor', reason: expect.stringContaining('minimum of 10%') });
    expect(check(365, 12, { policy: { ...terms, minFirstInstallmentPercent: 10 } })).toMatchObject({ outcome: 'refused', field: 'installmentCount', reason: expect.stringContaining('less than the policy\'s minimum') });
    expect(check(60, 2, { breachedPlanId: 'PLAN-OLD' })).toMatchObject({ outcome: 'refused', field: 'invoiceIds', reason: expect.stringContaining('breach of payment plan PLAN-OLD') });
    expect(check(60, 2, { policy: { ...terms, enabled: false } })).toMatchObject({ outcome: 'refused', reason: 'the policy offers no payment plans' });
    expect(check(90, 13)).toMatchObject({ outcome: 'refused', field: 'installmentCount' });
  });

  test('a custom plan is approved by a role allowed its total', () => {
    expect(planApprovalRefusal('ar-manager', 400_000, 'USD', DEFAULT_POLICY.writeOff)).toBe('');
    expect(planApprovalRefusal('ar-manager', 900_000, 'USD', DEFAULT_POLICY.writeOff)).toBe('a custom plan of this total needs controller or above');
    expect(planApprovalRefusal('intern', 900_000, 'USD', DEFAULT_POLICY.writeOff)).toContain('not in the policy\'s approval hierarchy');
    expect(planApprovalRefusal(undefined, 900_000, 'USD', DEFAULT_POLICY.writeOff)).toContain('needs an approver role');
    expect(planApprovalRefusal('cfo', 900_000, 'EUR', DEFAULT_POLICY.writeOff)).toBe('');
  });
});

describe('allocation', () => {
  const schedule = installmentSchedule([
    { invoiceId: 'INV-A', dueDate: '2026-01-01', amountMinor: 60_000 },
    { invoiceId: 'INV-B', dueDate: '2026-02-01', amountMinor: 90_000 },
  ], { termDays: 90, installmentCount: 3 }, '2026-03-01');

  test('a payment goes to the oldest installment first, and within it to the oldest invoice first', () => {
    expect(allocatePayment(schedule, 0, 50_000)).toEqual([{ installment: 1, invoiceId: 'INV-A', amountMinor: 50_000 }]);
    expect(allocatePayment(schedule, 50_000, 70_000)).toEqual([
      { installment: 2, invoiceId: 'INV-A', amountMinor: 10_000 },
      { installment: 2, invoiceId: 'INV-B', amountMinor: 40_000 },
      { installment: 3, invoiceId: 'INV-B', amountMinor: 20_000 },
    ]);
    expect(allocatePayment(schedule, 30_000, 10_000)).toEqual([{ installment: 1, invoiceId: 'INV-A', amountMinor: 10_000 }]);
  });

  test('what each installment and invoice has received; more than is owed is refused', () => {
    expect(installmentPaidMinor(schedule, 120_000)).toEqual([50_000, 50_000, 20_000]);
    expect(invoicePaidMinor(schedule, 120_000)).toEqual({ 'INV-A': 60_000, 'INV-B': 60_000 });
    expect(invoicePaidMinor(schedule, 0)).toEqual({ 'INV-A': 0, 'INV-B': 0 });
    expect(() => allocatePayment(schedule, 120_000, 30_001)).toThrow(/still owes \(30000\)/);
    expect(partPaymentId('PAY-9', { installment: 2, invoiceId: 'INV-B' })).toBe('PAY-9:2:INV-B');
  });
});

describe('grace, breach and the next wake-up', () => {
  const schedule = installmentSchedule([{ invoiceId: 'INV-A', dueDate: '2026-01-01', amountMinor: 90_000 }], { termDays: 90, installmentCount: 3 }, '2026-03-01');
  const at = (date: string, hour = 9) => startOfDateUtc(date) + hour * HOUR;

  test('an installment is missed once its due date plus the grace days have passed unpaid', () => {
    expect(schedule[0].dueDate).toBe('2026-03-31');
    expect(graceEndsAt('2026-03-31', 5, 9)).toBe(at('2026-04-06'));
    expect(missedInstallments(schedule, 0, terms, 9, at('2026-04-06') - 1)).toEqual([]);
    expect(missedInstallments(schedule, 0, terms, 9, at('2026-04-06'))).toEqual([1]);
    expect(missedInstallments(schedule, 30_000, terms, 9, at('2026-04-06'))).toEqual([]);
    expect(breaches([1], terms)).toBe(true);
    expect(breaches([1], { ...terms, breachAfterMissedInstallments: 2 })).toBe(false);
  });

  test('statuses: paid late within grace, in grace, missed', () => {
    const paidAt = { 1: at('2026-04-03') };
    expect(installmentStatuses(schedule, 30_000, terms, 9, at('2026-04-03'), paidAt)).toEqual(['paid_late', 'upcoming', 'upcoming']);
    expect(installmentStatuses(schedule, 0, terms, 9, at('2026-04-03'), {})).toEqual(['in_grace', 'upcoming', 'upcoming']);
    expect(installmentStatuses(schedule, 0, terms, 9, at('2026-04-06'), {})).toEqual(['missed', 'upcoming', 'upcoming']);
  });

  test('the next wake-ups: the reminder before the due date, the day after it, the end of grace', () => {
    const started = at('2026-03-01');
    expect(nextPlanWakes(schedule, 0, terms, 9, started)).toEqual([{ at: at('2026-03-28'), kind: 'reminder', installment: 1 }]);
    expect(nextPlanWakes(schedule, 0, terms, 9, at('2026-03-28'))).toEqual([{ at: at('2026-04-01'), kind: 'overdue', installment: 1 }]);
    expect(nextPlanWakes(schedule, 0, terms, 9, at('2026-04-01'))).toEqual([{ at: at('2026-04-06'), kind: 'grace_end', installment: 1 }]);
    expect(nextPlanWakes(schedule, 30_000, terms, 9, at('2026-03-28'))).toEqual([{ at: at('2026-04-27'), kind: 'reminder', installment: 2 }]);
    expect(nextPlanWakes(schedule, 90_000, terms, 9, started)).toEqual([]);
    // A reminder whose instant passed before the plan started is not sent late.
    expect(nextPlanWakes(schedule, 0, terms, 9, at('2026-03-29'))).toMatchObject([{ kind: 'overdue', installment: 1 }]);
    // Events of one instant come together.
    const tight = installmentSchedule([{ invoiceId: 'INV-A', dueDate: '2026-01-01', amountMinor: 90_000 }], { termDays: 18, installmentCount: 2 }, '2026-03-01');
    expect(nextPlanWakes(tight, 0, terms, 9, at('2026-03-13'))).toEqual([
      { at: at('2026-03-16'), kind: 'grace_end', installment: 1 }, { at: at('2026-03-16'), kind: 'reminder', installment: 2 },
    ]);
  });
});

describe('the recommendation', () => {
  const none: CustomerPaymentHistory = { invoicesPaid: 0, averageDaysLate: 0, plansCompleted: 0, plansBreached: 0, openBreachPlanId: null };
  const usd = (major: number) => ({ amountMinor: major * 100, currency: 'USD' });

  test('size sets the term', () => {
    expect(recommendPlan(usd(2_000), none, DEFAULT_POLICY)).toMatchObject({ recommended: true, kind: 'standard', terms: { termDays: 30, installmentCount: 2 } });
    expect(recommendPlan(usd(12_000), none, DEFAULT_POLICY)).toMatchObject({ terms: { termDays: 60 } });
    expect(recommendPlan(usd(245_000), none, DEFAULT_POLICY)).toMatchObject({ terms: { termDays: 90, installmentCount: 3 } });
  });

  test('history moves it: a reliable payer gets longer, a slow payer shorter with a down payment, an open breach none', () => {
    const reliable = recommendPlan(usd(2_000), { ...none, invoicesPaid: 8, averageDaysLate: 4 }, DEFAULT_POLICY);
    expect(reliable).toMatchObject({ terms: { termDays: 60 }, reasons: expect.arrayContaining([expect.stringContaining('4 days late on average')]) });
    const slow = recommendPlan(usd(245_000), { ...none, invoicesPaid: 5, averageDaysLate: 62 }, DEFAULT_POLICY);
    expect(slow).toMatchObject({ recommended: true, kind: 'custom', terms: { termDays: 60, installmentCount: 2, firstInstallmentMinor: 6_125_000 } });
    expect(recommendPlan(usd(2_000), { ...none, plansBreached: 1, openBreachPlanId: 'PLAN-7' }, DEFAULT_POLICY))
      .toEqual({ recommended: false, reasons: [expect.stringContaining('breached payment plan PLAN-7')] });
  });

  test('only the policy\'s standard terms are recommended', () => {
    const policy = { ...DEFAULT_POLICY, paymentPlans: { ...terms, standardTermDays: [30, 60] as (30 | 60 | 90)[] } };
    expect(recommendPlan(usd(245_000), none, policy)).toMatchObject({ terms: { termDays: 60 } });
  });
});
