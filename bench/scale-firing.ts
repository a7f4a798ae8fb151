/**
 * The firing: from the moment every invoice's reminder comes due until each is done. Done is what
 * the engine records: the notice's `communications` row marked `sent`, which the send activity
 * writes once the provider (the Resend stand-in) has accepted the message carrying it. An invoice's
 * time is when the stand-in accepted that message; the last one, checked against the rows, ends it.
 */
import type { Pool } from 'pg';
import type { ReceivedEmail, ResendStandIn } from '../test/support/resend-stand-in';
import { load } from './bench-machine';

export interface Firing {
  dueAt: number;
  /** Notices by the status of their row (`sent` for done). */
  statuses: Record<string, number>;
  /** Invoices with no notice row at all. */
  missing: number;
  /** Messages the stand-in accepted, and how many of them before the due moment (none expected). */
  emails: number;
  early: number;
  /** Per invoice done, ms after the due moment, sorted. */
  lateness: number[];
  /** When the rows showed every notice sent (polled each second), or undefined if the limit came first. */
  allSentSeenAt?: number;
}

/** Keeps only what the run reads of each request the stand-in records (its key and times): 100,000 bodies would fill this process. */
export function keepKeysOnly(resend: ResendStandIn): void {
  const push = resend.requests.push.bind(resend.requests);
  resend.requests.push = (...items: ReceivedEmail[]) => {
    for (const item of items) item.body = { ...item.body, text: '', html: '' };
    return push(...items);
  };
}

async function statuses(db: Pool): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM communications GROUP BY status');
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

/** Polls the notices' rows until all `invoices` are sent or `deadline`, then reads each invoice's time. */
export async function watchFiring(db: Pool, resend: ResendStandIn, invoices: number, dueAt: number, deadline: number): Promise<Firing> {
  let allSentSeenAt: number | undefined;
  let reported = Date.now();
  for (;;) {
    const now = await statuses(db);
    if ((now.sent ?? 0) >= invoices) {
      allSentSeenAt = Date.now();
      break;
    }
    if (Date.now() > deadline) break;
    if (Date.now() - reported >= 30_000) {
      reported = Date.now();
      console.log(`  +${((Date.now() - dueAt) / 1000).toFixed(0)} s: ${now.sent ?? 0} of ${invoices} reminders sent, ${resend.delivered().length} emails   [${load()}]`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const accepted = new Map<string, number>();
  for (const email of resend.delivered()) if (email.idempotencyKey && email.acceptedAt !== undefined) accepted.set(email.idempotencyKey, email.acceptedAt);
  const { rows } = await db.query<{ message_key: string; count: number }>(
    "SELECT message_key, count(*)::int AS count FROM communications WHERE status = 'sent' GROUP BY message_key");
  const lateness: number[] = [];
  for (const row of rows) {
    const at = accepted.get(row.message_key);
    if (at !== undefined) for (let k = 0; k < row.count; k++) lateness.push(at - dueAt);
  }
  const { rows: [missing] } = await db.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM communications c WHERE c.invoice_id = i.invoice_id)');
  return {
    dueAt, statuses: await statuses(db), missing: missing.count, emails: accepted.size,
    early: [...accepted.values()].filter((at) => at < dueAt).length, lateness: lateness.sort((a, b) => a - b), allSentSeenAt,
  };
}
