/**
 * What each letter reads beyond the notice variables: a payment plan agreement its schedule, a
 * settlement offer its terms. The variable check allows a letter only the notice paths plus its own.
 */
import type { NoticeVariables } from './notice-variables';

/** One installment of a payment plan, formatted for people. */
export interface PlanInstallment {
  number: number;
  amount: string;
  dueDate: string;
}

/** A payment plan as the agreement letter states it. */
export interface PaymentPlanVariables {
  installments: PlanInstallment[];
  total: string;
  agreementDate: string;
}

/** A settlement offer: the discount (as shown: "10%" or "$965.00"), the amount to pay and by when. */
export interface SettlementVariables {
  discount: string;
  amount: string;
  deadline: string;
}

/** The extra variables of each letter. */
export interface LetterExtras {
  'payment-plan-agreement': { plan: PaymentPlanVariables };
  'settlement-offer': { settlement: SettlementVariables };
  'legal-handoff': Record<never, never>;
  'agency-handoff': Record<never, never>;
}

/** The letters the engine knows how to fill. */
export type LetterName = keyof LetterExtras;

/** The variables a letter is rendered with: the notice variables plus its own. */
export type LetterVariables<N extends LetterName = LetterName> = NoticeVariables & LetterExtras[N];

/** The variable paths each letter may read beyond the notice variables. */
export const LETTER_VARIABLE_PATHS: Readonly<Record<LetterName, readonly string[]>> = {
  'payment-plan-agreement': [
    'plan', 'plan.installments', 'plan.installments[].number', 'plan.installments[].amount', 'plan.installments[].dueDate',
    'plan.total', 'plan.agreementDate',
  ],
  'settlement-offer': ['settlement', 'settlement.discount', 'settlement.amount', 'settlement.deadline'],
  'legal-handoff': [],
  'agency-handoff': [],
};

/** Whether a name is one of the declared letters. */
export function isLetterName(name: string): name is LetterName {
  return Object.hasOwn(LETTER_VARIABLE_PATHS, name);
}
