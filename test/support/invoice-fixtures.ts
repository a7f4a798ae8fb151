/** Invoices for tests, dated relative to a given "now" so they age the way a test needs. */
import { randomUUID } from 'node:crypto';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import type { CollectionsPolicy } from '../../src/domain/policy/schema';
import type { CustomerDetails, InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';

/**
 * The default policy with contact allowed on every day, so tests can count steps in exact days
 * whatever weekday the test server's clock starts on; tests of quiet days set their own.
 */
/** Contact any day and any hour, each request sent as it comes: steps go out at their own instant, whatever the clock says. */
export const EVERY_DAY_POLICY: CollectionsPolicy = {
  ...DEFAULT_POLICY,
  contact: { ...DEFAULT_POLICY.contact, quietWeekdays: [], businessHours: { startHour: 0, endHour: 24 }, mergeWindowSeconds: 0 },
};

export interface InvoiceOptions {
  now: number;
  /** Due date relative to today: 5 means due in five days, −67 means 67 days past due. */
  dueInDays: number;
  amountMinor?: number;
  currency?: string;
  customer?: Partial<CustomerDetails>;
  policy?: CollectionsPolicy;
}

export function invoiceInput(options: InvoiceOptions): InvoiceCollectionInput {
  const id = randomUUID().slice(0, 8);
  return {
    invoice: {
      invoiceId: `INV-${id}`,
      invoiceNumber: `2026-${id}`,
      amount: { amountMinor: options.amountMinor ?? 125_000, currency: options.currency ?? 'USD' },
      issueDate: addDays(isoDateOf(options.now), options.dueInDays - 30),
      dueDate: addDays(isoDateOf(options.now), options.dueInDays),
      paymentLink: `https://pay.example.com/${id}`,
    },
    customer: {
      customerId: `CUST-${id}`,
      name: 'Acme Manufacturing',
      email: 'ap@acme.example',
      segment: 'smb',
      riskTier: 'yellow',
      ...options.customer,
    },
    policy: options.policy ?? EVERY_DAY_POLICY,
  };
}
