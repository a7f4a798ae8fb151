/**
 * The baseline, written the way spreadsheet-and-cron shops write it: an invoices table in Postgres, a
 * job at 06:00 every day that selects the reminders due today by the schedule among invoices with a
 * balance, and a mail merge that sends that list at 09:00. Payments are posted to the table the
 * moment they arrive; the list is not checked again before sending. The job marks what it sent at
 * the end of its batch.
 *
 * Its failure modes, drawn per day from the seed:
 *   - crash: the job dies halfway through sending, before marking; an operator reruns it at 11:00,
 *     and the rerun sends the whole list again (less what has been paid since);
 *   - overlap: two copies run (the crontab left on an old host, or yesterday's run still going);
 *     both select before either marks, and both send the whole list.
 * The clock is simulated: every step runs against the real table in time order.
 */
import type { Pool } from 'pg';
import { DEFAULT_POLICY } from '../src/domain/policy/default-policy';
import { seededRandom, type PaymentStream } from './payment-stream';
import { DAY } from './time-skipping-stack';

const HOUR = 3_600_000;
const SCAN_AT = 6 * HOUR;
const SEND_AT = 9 * HOUR;
const RERUN_AT = 11 * HOUR;
/** Seconds between messages of a mail merge through a throttled relay. */
const SEND_INTERVAL = 30_000;
export const CRASH_SHARE = 1 / 30;
export const OVERLAP_SHARE = 1 / 45;

/** The email steps of the default policy for SMB invoices: what the baseline sends, and when. */
export const EMAIL_STEPS = DEFAULT_POLICY.dunningSteps
  .filter((step) => step.action === 'email' && (!step.appliesTo?.segments || step.appliesTo.segments.includes('smb')))
  .map((step) => ({ step: step.id, offsetDays: step.offsetDays }));

export interface CronSend { invoiceId: string; step: string; sentAt: number }
export interface CronOutcome { sends: CronSend[]; crashDays: number[]; overlapDays: number[]; scanTimes: number[] }

type Event = { at: number; order: number; run: () => Promise<void> };

export async function runCronBaseline(db: Pool, stream: PaymentStream): Promise<CronOutcome> {
  await db.query(`DROP SCHEMA IF EXISTS cron_baseline CASCADE; CREATE SCHEMA cron_baseline;
    CREATE TABLE cron_baseline.invoices (invoice_id text PRIMARY KEY, due_date date NOT NULL, balance_minor bigint NOT NULL, paid_at timestamptz);
    CREATE TABLE cron_baseline.reminders_sent (invoice_id text NOT NULL, step text NOT NULL, sent_at timestamptz NOT NULL);
    CREATE TABLE cron_baseline.reminder_marks (invoice_id text NOT NULL, step text NOT NULL, PRIMARY KEY (invoice_id, step));`);
  for (const invoice of stream.invoices) {
    await db.query('INSERT INTO cron_baseline.invoices VALUES ($1, $2, $3, NULL)',
      [invoice.invoiceId, new Date(stream.startsAt + invoice.dueDay * DAY).toISOString().slice(0, 10), invoice.amountMinor]);
  }
  const events: Event[] = [];
  let order = 0;
  const at = (time: number, run: () => Promise<void>) => { events.push({ at: time, order: order++, run }); };
  for (const invoice of stream.invoices) {
    if (invoice.paidAt === null) continue;
    const paidAt = invoice.paidAt;
    at(paidAt, async () => { await db.query('UPDATE cron_baseline.invoices SET balance_minor = 0, paid_at = $2 WHERE invoice_id = $1', [invoice.invoiceId, new Date(paidAt)]); });
  }
  // The failure days come from their own generator, so they do not shift the payment stream.
  const failures = seededRandom(stream.seed ^ 0x5eed);
  const outcome: CronOutcome = { sends: [], crashDays: [], overlapDays: [], scanTimes: [] };
  for (let day = 0; day < stream.days; day += 1) {
    const midnight = stream.startsAt + day * DAY;
    const crash = failures() < CRASH_SHARE;
    const overlap = failures() < OVERLAP_SHARE;
    if (crash) outcome.crashDays.push(day);
    if (overlap) outcome.overlapDays.push(day);
    const job = (scanAt: number, sendFrom: number, crashes = false) => at(scanAt, async () => {
      outcome.scanTimes.push(scanAt);
      const due = await scan(db, new Date(midnight).toISOString().slice(0, 10));
      const sent = crashes ? due.slice(0, Math.ceil(due.length / 2)) : due;
      sent.forEach((reminder, k) => at(sendFrom + k * SEND_INTERVAL, async () => {
        await db.query('INSERT INTO cron_baseline.reminders_sent VALUES ($1, $2, $3)', [reminder.invoiceId, reminder.step, new Date(sendFrom + k * SEND_INTERVAL)]);
      }));
      if (crashes) return; // died before marking
      at(sendFrom + due.length * SEND_INTERVAL, async () => {
        for (const reminder of due) await db.query('INSERT INTO cron_baseline.reminder_marks VALUES ($1, $2) ON CONFLICT DO NOTHING', [reminder.invoiceId, reminder.step]);
      });
    });
    job(midnight + SCAN_AT, midnight + SEND_AT, crash);
    if (crash) job(midnight + RERUN_AT, midnight + RERUN_AT);
    if (overlap) job(midnight + SCAN_AT + 60_000, midnight + SEND_AT + SEND_INTERVAL / 2);
  }
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at || a.order - b.order);
    await (events.shift() as Event).run();
  }
  const sends = await db.query<{ invoice_id: string; step: string; sent_at: Date }>('SELECT invoice_id, step, sent_at FROM cron_baseline.reminders_sent ORDER BY sent_at');
  outcome.sends = sends.rows.map((row) => ({ invoiceId: row.invoice_id, step: row.step, sentAt: row.sent_at.getTime() }));
  return outcome;
}

/** The job's query: every email step due today for an invoice with a balance, not yet marked as sent. */
async function scan(db: Pool, today: string): Promise<{ invoiceId: string; step: string }[]> {
  const steps = JSON.stringify(EMAIL_STEPS);
  const due = await db.query<{ invoice_id: string; step: string }>(
    `SELECT i.invoice_id, s.step FROM cron_baseline.invoices i
       JOIN jsonb_to_recordset($2::jsonb) AS s(step text, "offsetDays" int) ON i.due_date + s."offsetDays" = $1::date
      WHERE i.balance_minor > 0
        AND NOT EXISTS (SELECT 1 FROM cron_baseline.reminder_marks m WHERE m.invoice_id = i.invoice_id AND m.step = s.step)
      ORDER BY i.invoice_id, s.step`, [today, steps]);
  return due.rows.map((row) => ({ invoiceId: row.invoice_id, step: row.step }));
}
