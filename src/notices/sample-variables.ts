/** Example variables for previewing templates: one customer, two overdue invoices. */
import type { NoticeVariables } from './template-library';

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
