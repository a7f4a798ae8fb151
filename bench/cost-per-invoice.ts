/**
 * Prints figures (not a test): the Temporal Cloud billable actions and history events of (a) one
 * invoice dunned 180 days to an approved write-off, (b) one invoice paid after its second reminder,
 * and (c) the customer's outreach workflow over the same period, read from real histories on the
 * time-skipping server with the real activities and Postgres; and what 1,000 such invoices cost.
 * What counts as an action, and where that comes from, is written in billable-actions.ts.
 *
 *   npm run bench:cost
 *   BENCH_COST_TIMELINE=1 npm run bench:cost    (also lists every action of (a) by day of the invoice's life)
 */
import type { WorkflowHandle } from '@temporalio/client';
import { saveInvoice } from '../src/invoices/invoice-store';
import { startInvoiceCollection } from '../src/invoices/start-collection';
import { customerOutreachWorkflowId } from '../workflows/customer-outreach/definitions';
import { invoiceWorkflowId, recordPaymentUpdate, writeOffDecisionSignal, type InvoiceCollectionInput } from '../workflows/invoice-collection/definitions';
import { load, machine, reproduce } from './bench-machine';
import { benchInvoice } from './bench-invoices';
import { countWorkflow, type ActionCount } from './billable-actions';
import { HeartbeatTally } from './heartbeat-tally';
import { DAY, settled, skipToMondayMorning, startTimeSkippingStack, type TimeSkippingStack } from './time-skipping-stack';

/** Temporal Cloud's pay-as-you-go list price for the first 5M actions of a month. */
const USD_PER_MILLION_ACTIONS = 50;
const PRICE_SOURCE = 'https://docs.temporal.io/cloud/pricing (Pay-As-You-Go, first 5M actions a month)';
/** The project's goal for an invoice dunned 180 days (invoice and outreach together). */
const GOAL_ACTIONS = 30;

interface Scenario {
  title: string;
  invoice: ActionCount;
  outreach: ActionCount;
  heartbeats: { invoice: number; outreach: number };
}

/** Registers and starts an invoice on a Monday morning, as the API does, dated by the server's clock. */
async function start(stack: TimeSkippingStack, id: string, dueInDays: number): Promise<{ input: InvoiceCollectionInput; invoice: WorkflowHandle; outreach: WorkflowHandle }> {
  await skipToMondayMorning(stack.env);
  const now = await stack.env.currentTimeMs();
  const input = benchInvoice(id, now, dueInDays);
  await saveInvoice(stack.db, input);
  await startInvoiceCollection(stack.env.client, stack.taskQueue, input, now);
  const client = stack.env.client.workflow;
  return { input, invoice: client.getHandle(invoiceWorkflowId(id)), outreach: client.getHandle(customerOutreachWorkflowId(input.customer.customerId)) };
}

/** Counts both workflows once the outreach has nothing more to do for the closed invoice. */
async function measure(title: string, tally: HeartbeatTally, invoice: WorkflowHandle, outreach: WorkflowHandle): Promise<Scenario> {
  await settled([outreach]);
  return {
    title,
    invoice: await countWorkflow(invoice),
    outreach: await countWorkflow(outreach),
    heartbeats: { invoice: tally.of(invoice.workflowId), outreach: tally.of(outreach.workflowId) },
  };
}

/** The invoice's status in the read model. */
async function statusOf(stack: TimeSkippingStack, input: InvoiceCollectionInput): Promise<string> {
  return (await stack.db.query<{ status: string }>('SELECT status FROM invoices WHERE invoice_id = $1', [input.invoice.invoiceId])).rows[0].status;
}

async function writtenOff(stack: TimeSkippingStack, tally: HeartbeatTally): Promise<Scenario & { dueAt: number }> {
  const { input, invoice, outreach } = await start(stack, 'COST-WRITTEN-OFF', 5);
  // The review opens at the start of business on day 180; a decision before it is ignored.
  await stack.env.sleep(180 * DAY);
  while (await statusOf(stack, input) !== 'write_off_review') await stack.env.sleep(DAY / 4);
  await settled([invoice, outreach]);
  await invoice.signal(writeOffDecisionSignal, { approved: true, decidedBy: 'bench', role: 'ar-manager' });
  await invoice.result();
  return { ...(await measure('(a) one invoice dunned 180 days to an approved write-off', tally, invoice, outreach)), dueAt: Date.parse(input.invoice.dueDate) };
}

async function paidAfterSecondReminder(stack: TimeSkippingStack, tally: HeartbeatTally): Promise<Scenario> {
  const { input, invoice, outreach } = await start(stack, 'COST-PAID', 5);
  const delivered = async () => Number((await stack.db.query(
    `SELECT count(*) FROM communications WHERE invoice_id = $1 AND status IN ('sent', 'outbox')`, [input.invoice.invoiceId])).rows[0].count);
  while (await delivered() < 2) await stack.env.sleep(DAY / 4);
  await settled([invoice, outreach]);
  await invoice.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'COST-PAY-1', amount: input.invoice.amount }] });
  await invoice.result();
  return measure('(b) one invoice paid after its second reminder', tally, invoice, outreach);
}

const cell = (value: number | string, width = 10) => String(value).padStart(width);

function printScenario(s: Scenario): number {
  const kinds = [...new Set([...s.invoice.byKind.keys(), ...s.outreach.byKind.keys()])];
  const total = s.invoice.total + s.outreach.total + s.heartbeats.invoice + s.heartbeats.outreach;
  console.log(`\n${s.title}   [${load()}]`);
  console.log(`${'billable actions by kind'.padEnd(40)}${cell('invoice')}${cell('outreach')}${cell('both')}`);
  for (const kind of kinds) {
    const a = s.invoice.byKind.get(kind) ?? 0;
    const b = s.outreach.byKind.get(kind) ?? 0;
    console.log(`  ${kind.padEnd(38)}${cell(a)}${cell(b)}${cell(a + b)}`);
  }
  console.log(`  ${'activity heartbeats (estimated)'.padEnd(38)}${cell(s.heartbeats.invoice)}${cell(s.heartbeats.outreach)}${cell(s.heartbeats.invoice + s.heartbeats.outreach)}`);
  console.log(`${'total billable actions'.padEnd(40)}${cell(s.invoice.total + s.heartbeats.invoice)}${cell(s.outreach.total + s.heartbeats.outreach)}${cell(total)}`);
  console.log(`${'history events (runs)'.padEnd(40)}${cell(`${s.invoice.historyEvents} (${s.invoice.runs})`)}${cell(`${s.outreach.historyEvents} (${s.outreach.runs})`)}${cell(s.invoice.historyEvents + s.outreach.historyEvents)}`);
  console.log(`${'patch markers, not in total'.padEnd(40)}${cell(s.invoice.patchMarkerTasks)}${cell(s.outreach.patchMarkerTasks)}${cell(s.invoice.patchMarkerTasks + s.outreach.patchMarkerTasks)}`);
  const fromOutreach = ['contactOutcome', 'customerHold', 'deliveryProblem'].reduce((n, name) => n + (s.invoice.byContributor.get(`signal ${name}`) ?? 0), 0);
  const toOutreach = (s.outreach.byKind.get('signal received') ?? 0) + (s.outreach.byKind.get('signal-with-start') ?? 0);
  console.log(`on the invoice's behalf across workflows: ${toOutreach} signals to the outreach (in its column), ${fromOutreach} back from it (in the invoice's)`);
  console.log(`price per 1,000 such invoices: $${(total * 1000 * USD_PER_MILLION_ACTIONS / 1e6).toFixed(2)} (${total} actions x 1,000 at $${USD_PER_MILLION_ACTIONS} per million)`);
  return total;
}

function printContributors(s: Scenario, total: number): void {
  const merged = new Map<string, number>();
  for (const [who, n] of [...s.invoice.byContributor, ...s.outreach.byContributor]) merged.set(who, (merged.get(who) ?? 0) + n);
  merged.set('activity heartbeats (estimated)', s.heartbeats.invoice + s.heartbeats.outreach);
  console.log(`\ngoal: at most ${GOAL_ACTIONS} actions for the 180-day invoice; measured ${total}, gap ${total - GOAL_ACTIONS}   [${load()}]`);
  console.log('biggest contributors (invoice and outreach together):');
  for (const [who, n] of [...merged].sort((x, y) => y[1] - x[1]).slice(0, 10)) console.log(`  ${cell(n, 4)}  ${who}`);
}

/** Every billable action of a scenario in time order, by day relative to the invoice's due date. */
function printTimeline(s: Scenario, dueAt: number): void {
  const rows = [...s.invoice.actions.map((a) => ({ ...a, who: 'invoice' })), ...s.outreach.actions.map((a) => ({ ...a, who: 'outreach' }))]
    .sort((x, y) => x.at.localeCompare(y.at));
  console.log(`\n${s.title}: every billable action, by day past due (the hour in UTC)`);
  for (const row of rows) {
    const day = Math.floor((Date.parse(row.at) - dueAt) / DAY);
    console.log(`  day ${String(day).padStart(4)} ${row.at.slice(11, 16)}  ${row.who.padEnd(9)} ${row.contributor}${row.detail ? ` (${row.detail})` : ''}`);
  }
}

async function main(): Promise<void> {
  console.log(`cost per invoice — ${new Date().toISOString()}; ${machine()}; ${load()}`);
  console.log(`price used: $${USD_PER_MILLION_ACTIONS} per million actions, ${PRICE_SOURCE}`);
  const tally = new HeartbeatTally();
  const stack = await startTimeSkippingStack('bench-cost', (real) => tally.wrap(real));
  try {
    const a = await writtenOff(stack, tally);
    const b = await paidAfterSecondReminder(stack, tally);
    const totalA = printScenario(a);
    console.log('(c) is the outreach column: the customer\'s outreach workflow (customer-<id>) over the same period, working for this invoice alone');
    printScenario(b);
    printContributors(a, totalA);
    if (process.env.BENCH_COST_TIMELINE === '1') printTimeline(a, a.dueAt);
  } finally {
    await stack.teardown();
  }
  console.log(`\nreproduce: ${reproduce('bench:cost', {})}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
