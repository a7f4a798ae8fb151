/** Example variables for previewing templates: one customer, two overdue invoices, as of 2026-11-03. */
import { addDays } from '../domain/calendar';
import type { LetterExtras } from './letter-variables';
import type { NoticeVariables } from './notice-variables';

const AS_OF = '2026-11-03';

/** What a notice looks like for a typical account, in the given tone. */
export function sampleNoticeVariables(tone = 'neutral'): NoticeVariables {
  const invoices = [
    { number: '2026-1042', amount: '$12,500.00', balance: '$7,500.00', dueDate: '2026-09-30', daysPastDue: 34 },
    { number: '2026-1077', amount: '$2,150.00', balance: '$2,150.00', dueDate: '2026-10-15', daysPastDue: 19 },
  ];
  return {
    customer: { name: 'Acme Manufacturing' },
    company: { name: 'Example Co.', phone: '+1 555 0100' },
    invoice: invoices[0],
    invoices,
    total: '$9,650.00',
    charges: [
      { label: 'Interest (1.5% per month)', amount: '$112.50' },
      { label: 'Late fee', amount: '$25.00' },
    ],
    paymentLink: 'https://pay.example.com/acme',
    tone,
  };
}

/**
 * One invoice seen on a given day relative to its due date (−3 is three days before it), as a
 * dunning step on that day would show it: no late charges before it is due.
 */
export function sampleNoticeVariablesOnDay(tone: string, offsetDays: number): NoticeVariables {
  const invoice = { number: '2026-1042', amount: '$7,500.00', balance: '$7,500.00', dueDate: addDays(AS_OF, -offsetDays), daysPastDue: Math.max(offsetDays, 0) };
  const base = sampleNoticeVariables(tone);
  return {
    ...base,
    invoice,
    invoices: [invoice],
    total: invoice.balance,
    charges: offsetDays > 0 ? base.charges : [],
  };
}

/** The notice sample plus every letter's own variables: a three-installment plan and a 10% settlement. */
export function sampleLetterVariables(tone = 'neutral'): NoticeVariables & LetterExtras['payment-plan-agreement'] & LetterExtras['settlement-offer'] {
  return {
    ...sampleNoticeVariables(tone),
    plan: {
      installments: [
        { number: 1, amount: '$3,216.67', dueDate: '2026-11-15' },
        { number: 2, amount: '$3,216.67', dueDate: '2026-12-15' },
        { number: 3, amount: '$3,216.66', dueDate: '2027-01-15' },
      ],
      total: '$9,650.00',
      agreementDate: AS_OF,
    },
    settlement: { discount: '10% ($965.00)', amount: '$8,685.00', deadline: '2026-11-17' },
  };
}
