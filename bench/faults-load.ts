/** The faults benchmark's traffic: invoices already overdue, registered through the API, and payments racing their first reminders. */
import { addDays, isoDateOf } from '../src/domain/calendar';
import { postUntilAnswered, type Answered } from './faults-api';

export const INVOICE_AMOUNT_MINOR = 120_000;
const PARTIAL_MINOR = 20_000;
/** A payment arrives this long at most after its invoice is registered: the first reminder goes out in the same seconds. */
const PAYMENT_DELAY_MS = 10_000;
const REGISTERING_CONCURRENCY = 6;
/** Invoices registered per second at most, so the traffic, and the faults paced by it, last minutes rather than seconds. */
export const RATE = Number(process.env.FAULTS_RATE ?? 4);

export interface PlannedPayment {
  invoiceId: string;
  paymentId: string;
  amountMinor: number;
  answer?: Answered;
}

export interface Traffic {
  registered: Map<string, Answered>;
  payments: PlannedPayment[];
}

/** Seven invoices in ten are paid in full, one and a half part-paid, one and a half not paid. */
function paymentFor(invoiceId: string, n: number): PlannedPayment | undefined {
  const slot = n % 20;
  if (slot < 14) return { invoiceId, paymentId: `${invoiceId}-PAY`, amountMinor: INVOICE_AMOUNT_MINOR };
  if (slot < 17) return { invoiceId, paymentId: `${invoiceId}-PART`, amountMinor: PARTIAL_MINOR };
  return undefined;
}

export function recipientOf(invoiceId: string): string {
  return `ap@${invoiceId.toLowerCase()}.example`;
}

/** Eight days overdue: the policy's first notice is due the moment it is registered. */
function overdueInvoice(invoiceId: string) {
  return {
    invoiceId, invoiceNumber: `N-${invoiceId}`, amount: { amountMinor: INVOICE_AMOUNT_MINOR, currency: 'USD' }, dueDate: addDays(isoDateOf(Date.now()), -8),
    customer: { customerId: `C-${invoiceId}`, name: `Customer ${invoiceId}`, email: recipientOf(invoiceId) },
  };
}

/**
 * Registers `count` invoices a few at a time and pays each planned payment a random moment after its
 * invoice is registered; `progress` hears each registration (the faults are paced by it). Resolves
 * when every request has its answer.
 */
export async function runTraffic(baseUrl: () => string, key: string, count: number, progress: (registered: number) => void): Promise<Traffic> {
  const traffic: Traffic = { registered: new Map(), payments: [] };
  const paying: Promise<void>[] = [];
  let next = 0;
  const startedAt = Date.now();
  const register = async () => {
    while (next < count) {
      const n = next;
      next += 1;
      await new Promise((resolve) => setTimeout(resolve, startedAt + (n * 1000) / RATE - Date.now()));
      const invoiceId = `FLT-${String(n).padStart(5, '0')}`;
      const answer = await postUntilAnswered(baseUrl(), key, '/invoices', overdueInvoice(invoiceId));
      traffic.registered.set(invoiceId, answer);
      progress(traffic.registered.size);
      const payment = paymentFor(invoiceId, n);
      if (!payment || answer.status >= 300) continue;
      traffic.payments.push(payment);
      paying.push(new Promise((resolve) => setTimeout(resolve, Math.random() * PAYMENT_DELAY_MS)).then(async () => {
        payment.answer = await postUntilAnswered(baseUrl(), key, `/invoices/${invoiceId}/payments`,
          { paymentId: payment.paymentId, amount: { amountMinor: payment.amountMinor, currency: 'USD' } });
      }));
    }
  };
  await Promise.all(Array.from({ length: REGISTERING_CONCURRENCY }, register));
  await Promise.all(paying);
  return traffic;
}
