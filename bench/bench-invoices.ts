/** Invoices for the benchmarks, each of its own customer so its outreach workflow works for it alone. */
import { addDays, isoDateOf } from '../src/domain/calendar';
import { DEFAULT_POLICY } from '../src/domain/policy/default-policy';
import type { InvoiceCollectionInput } from '../workflows/invoice-collection/definitions';

/** An SMB invoice under the default policy, due `dueInDays` after `now` (negative: already late). */
export function benchInvoice(id: string, now: number, dueInDays: number, amountMinor = 125_000): InvoiceCollectionInput {
  const today = isoDateOf(now);
  return {
    invoice: {
      invoiceId: id, invoiceNumber: id, amount: { amountMinor, currency: 'USD' },
      issueDate: addDays(today, dueInDays - 30), dueDate: addDays(today, dueInDays), paymentLink: `https://pay.example.com/${id}`,
    },
    customer: { customerId: `C-${id}`, name: `Customer ${id}`, email: `ap-${id.toLowerCase()}@example.com`, segment: 'smb', riskTier: 'yellow' },
    policy: DEFAULT_POLICY,
  };
}
