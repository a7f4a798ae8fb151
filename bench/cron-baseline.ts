/**
 * Prints figures (not a test): the same invoices and the same seeded payment stream run two ways —
 * a daily cron job over an invoices table (cron-job.ts, with its crash reruns and overlapping runs)
 * and the engine on the time-skipping server — counting reminders sent after the customer paid,
 * duplicate reminders, and the time from a payment to the end of contact.
 *
 *   npm run bench:cron      (BENCH_SEED=20261129 BENCH_INVOICES=200 BENCH_DAYS=90 to change the stream)
 */
import { isoDateOf } from '../src/domain/calendar';
import { load, machine, reproduce } from './bench-machine';
import { CRASH_SHARE, EMAIL_STEPS, OVERLAP_SHARE, runCronBaseline } from './cron-job';
import { runEngine } from './engine-run';
import { median } from './latency';
import { paymentStream, type PaymentStream } from './payment-stream';
import { startTimeSkippingStack } from './time-skipping-stack';

const SEED = Number(process.env.BENCH_SEED ?? 20261129);
const INVOICES = Number(process.env.BENCH_INVOICES ?? 200);
const DAYS = Number(process.env.BENCH_DAYS ?? 90);

interface Side {
  sent: number;
  afterPaid: number;
  duplicates: number;
  /** Duplicates by day of the stream, to tie them to the failure days. */
  duplicateDays: Map<number, number>;
  /** Payment → end of contact, ms, one per paid invoice. */
  stopMs: number[];
}

/** Sends after the invoice's payment, and sends of one reminder beyond its first. */
function tally(stream: PaymentStream, sends: { invoiceId: string; key: string; at: number }[], stopMs: number[]): Side {
  const paidAt = new Map(stream.invoices.map((invoice) => [invoice.invoiceId, invoice.paidAt]));
  const seen = new Set<string>();
  let duplicates = 0;
  const duplicateDays = new Map<number, number>();
  for (const send of sends) {
    const key = `${send.invoiceId}/${send.key}`;
    if (seen.has(key)) {
      duplicates += 1;
      const day = Math.floor((send.at - stream.startsAt) / 86_400_000);
      duplicateDays.set(day, (duplicateDays.get(day) ?? 0) + 1);
    }
    seen.add(key);
  }
  const afterPaid = sends.filter((send) => { const paid = paidAt.get(send.invoiceId); return paid != null && send.at > paid; }).length;
  return { sent: sends.length, afterPaid, duplicates, duplicateDays, stopMs };
}

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
const cell = (value: string | number, width = 26) => String(value).padStart(width);

async function main(): Promise<void> {
  console.log(`cron baseline — ${new Date().toISOString()}; ${machine()}; ${load()}`);
  const stack = await startTimeSkippingStack('bench-cron');
  try {
    const startsAt = Date.parse(isoDateOf(await stack.env.currentTimeMs()));
    const stream = paymentStream(SEED, INVOICES, startsAt, DAYS);
    const paid = stream.invoices.filter((invoice) => invoice.paidAt !== null);
    console.log(`seed ${SEED}: ${INVOICES} invoices due on days 4–33, ${paid.length} paid in full at any hour (3 days early to 45 late), ${DAYS} days`);
    console.log(`reminder schedule (default policy, SMB): ${EMAIL_STEPS.map((step) => `${step.offsetDays >= 0 ? '+' : ''}${step.offsetDays}`).join(', ')} days from the due date`);

    const cron = await runCronBaseline(stack.db, stream);
    const cronSide = tally(stream, cron.sends.map((send) => ({ invoiceId: send.invoiceId, key: send.step, at: send.sentAt })),
      paid.map((invoice) => Math.min(...cron.scanTimes.filter((scan) => scan >= (invoice.paidAt as number))) - (invoice.paidAt as number)));
    console.log(`cron failure days drawn (crash ${(CRASH_SHARE * 100).toFixed(1)}%, overlap ${(OVERLAP_SHARE * 100).toFixed(1)}% of runs): crashed and rerun on days ${cron.crashDays.join(', ') || 'none'}; ran twice on days ${cron.overlapDays.join(', ') || 'none'}`);

    const started = performance.now();
    const engine = await runEngine(stack, stream);
    const engineSide = tally(stream, engine.deliveries.map((delivery) => ({ invoiceId: delivery.invoiceId, key: delivery.requestId, at: delivery.at })), engine.stopMs);
    console.log(`engine ran ${DAYS} days in ${((performance.now() - started) / 1000).toFixed(0)} s of wall time`);

    console.log(`\n${''.padEnd(40)}${cell('cron job (daily scan)')}${cell('engine')}   [${load()}]`);
    console.log(`${'messages sent to customers'.padEnd(40)}${cell(cronSide.sent)}${cell(engineSide.sent)}`);
    console.log(`${'sent after the customer paid'.padEnd(40)}${cell(cronSide.afterPaid)}${cell(engineSide.afterPaid)}`);
    console.log(`${'duplicate reminders'.padEnd(40)}${cell(cronSide.duplicates)}${cell(engineSide.duplicates)}`);
    console.log(`${'  of which on day: count'.padEnd(40)}${cell([...cronSide.duplicateDays].map(([day, n]) => `${day}: ${n}`).join(', ') || '-')}${cell([...engineSide.duplicateDays].map(([day, n]) => `${day}: ${n}`).join(', ') || '-')}`);
    console.log(`${'payment → contact stops, median'.padEnd(40)}${cell(hours(median(cronSide.stopMs)))}${cell(`${median(engineSide.stopMs).toFixed(0)} ms`)}`);
    console.log(`${'payment → contact stops, worst'.padEnd(40)}${cell(hours(Math.max(...cronSide.stopMs)))}${cell(`${Math.max(...engineSide.stopMs).toFixed(0)} ms`)}`);
    console.log('(cron: until the next scan that sees the payment; engine: until the payment update has been applied, after which no contact starts and a send in flight finds it under the invoice\'s lock)');
  } finally {
    await stack.teardown();
  }
  console.log(`\nreproduce: ${reproduce('bench:cron', { BENCH_SEED: SEED, BENCH_INVOICES: INVOICES, BENCH_DAYS: DAYS })}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
