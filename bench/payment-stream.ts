/**
 * The invoices and payments both sides of the cron comparison run: drawn from a seeded generator,
 * so the same seed gives the same invoices, due dates, payment instants and failure days.
 */
import { DAY } from './time-skipping-stack';

/** mulberry32: a small, well-known seeded generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface PlannedInvoice {
  invoiceId: string;
  amountMinor: number;
  /** Whole days after the first day of the stream. */
  dueDay: number;
  /** Epoch ms of the payment in full, or null: never paid within the stream. */
  paidAt: number | null;
}

export interface PaymentStream {
  seed: number;
  /** Epoch ms of midnight UTC of the stream's first day. */
  startsAt: number;
  days: number;
  invoices: PlannedInvoice[];
}

/** How the stream is drawn: due within the first month, three in four paid, at any hour, from 3 days early to 45 days late. */
const DUE_WITHIN_DAYS = 30;
const PAID_SHARE = 0.75;
const PAID_FROM_DAY = -3;
const PAID_UNTIL_DAY = 45;

export function paymentStream(seed: number, count: number, startsAt: number, days: number): PaymentStream {
  const random = seededRandom(seed);
  const invoices = Array.from({ length: count }, (_, i): PlannedInvoice => {
    const dueDay = 4 + Math.floor(random() * DUE_WITHIN_DAYS);
    const amountMinor = 50_000 + Math.floor(random() * 450_000);
    const paid = random() < PAID_SHARE;
    const offset = PAID_FROM_DAY + random() * (PAID_UNTIL_DAY - PAID_FROM_DAY);
    const paidAt = paid ? startsAt + (dueDay + offset) * DAY : null;
    return { invoiceId: `CRON-${seed}-${i}`, amountMinor, dueDay, paidAt };
  });
  return { seed, startsAt, days, invoices };
}
