/**
 * Records workflow histories for the replay tests: runs scenarios on the time-skipping server with
 * the real activities (embedded Postgres, outbox email) and writes each history to
 * test/replay/histories/<workflow>-<scenario>.json. Run it before changing workflow code, then keep
 * the files: they prove that running workflows still replay after the change. A history already on
 * disk is never overwritten: it is the record of what older code did.
 *
 *   npx tsx scripts/record-histories.ts
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import { TemplateLibrary } from '../src/notices/template-library';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { migrateUp } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { saveInvoice } from '../src/invoices/invoice-store';
import { startInvoiceCollection } from '../src/invoices/start-collection';
import { ensureDefaultPolicy } from '../src/policies/policy-store';
import { registerSearchAttributes } from '../src/temporal/search-attributes';
import { startTimeSkippingServer } from '../test/support/temporal';
import { createCollectionsWorker } from '../src/temporal/worker';
import { addDays, isoDateOf } from '../src/domain/calendar';
import {
  cancelInvoiceSignal, decideEscalationUpdate, decideWriteOffUpdate, invoiceWorkflowId, openDisputeUpdate, placeHoldUpdate, promiseToPayUpdate,
  recordPaymentUpdate, releaseHoldUpdate, resolveDisputeUpdate, reversePaymentUpdate, writeOffDecisionSignal, type InvoiceCollectionInput,
} from '../workflows/invoice-collection/definitions';
import { customerHoursChangedSignal, customerOutreachWorkflowId, redeliverMessageSignal } from '../workflows/customer-outreach/definitions';
import { planWorkflowId, recordPlanPaymentUpdate } from '../workflows/payment-plan/definitions';
import { proposePlan, type PlanServiceDependencies } from '../src/plans/plan-service';
import { EVERY_DAY_POLICY, invoiceInput, type InvoiceOptions } from '../test/support/invoice-fixtures';

const OUT = path.join(__dirname, '..', 'test', 'replay', 'histories');
const TASK_QUEUE = 'record-histories';
const DAY = 86_400_000;

type StartOptions = Omit<InvoiceOptions, 'now' | 'dueInDays'> & { historyEventLimit?: number };
type Start = (dueInDays: number, options?: StartOptions) => Promise<WorkflowHandle>;
type Scenario = (env: TestWorkflowEnvironment, start: Start, db: Pool) => Promise<WorkflowHandle>;
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
/** The fixtures' invoice paid in full (1,250.00) as payment p-1. */
const payInFull = (handle: WorkflowHandle) => handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(125_000) }] });
/** An invoice started `dueInDays` from its due date, left to run for `ms`, then paid in full. */
const paidAfter = (dueInDays: number, ms: number): Scenario => async (env, start) => {
  const handle = await start(dueInDays);
  await env.sleep(ms);
  await payInFull(handle);
  return handle;
};

/** Each scenario drives one invoice through a path and returns its handle once the workflow is closed. */
/** Contact every day, inside business hours 9–17 in the customer's zone. */
const NINE_TO_FIVE_POLICY = { ...EVERY_DAY_POLICY, contact: { ...EVERY_DAY_POLICY.contact, businessHours: { startHour: 9, endHour: 17 } } };

/** A whole life: every reminder, call, escalation and hand-off letter, then the write-off review approved. */
const fullLifeWrittenOff: Scenario = async (env, start) => {
  const handle = await start(5);
  await env.sleep(185 * DAY);
  await handle.signal(writeOffDecisionSignal, { approved: true, decidedBy: 'controller@example.com', role: 'ar-manager', note: 'uncollectible' });
  return handle;
};

/** A dispute resolved for the customer, a promise broken, then paid. */
const disputePromisePaid: Scenario = async (env, start) => {
  const handle = await start(-3);
  await env.sleep(DAY / 4);
  await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-1', category: 'pricing', amount: usd(25_000) }] });
  await env.sleep(8 * DAY);
  await handle.executeUpdate(resolveDisputeUpdate, { args: [{ disputeId: 'D-1', inFavourOf: 'customer', resolvedBy: 'sales' }] });
  const today = isoDateOf(await env.currentTimeMs());
  await handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'P-1', amount: usd(50_000), promisedDate: addDays(today, 5) }] });
  await env.sleep(12 * DAY); // broken: re-escalates, dunning resumes
  await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(100_000) }] });
  return handle;
};

const SCENARIOS: Record<string, Scenario> = {
  'full-life-written-off': fullLifeWrittenOff,
  'partial-payments-then-paid': async (env, start) => {
    const handle = await start(-10);
    const pay = (paymentId: string, amountMinor: number) =>
      handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId, amount: { amountMinor, currency: 'USD' } }] });
    await pay('p-1', 25_000);
    await pay('p-1', 25_000);
    await env.sleep(20 * DAY);
    await pay('p-2', 120_000);
    return handle;
  },
  'late-start-declined-review-cancelled': async (env, start) => {
    const handle = await start(-200);
    await env.sleep(DAY);
    await handle.signal(writeOffDecisionSignal, { approved: false, decidedBy: 'controller@example.com' });
    await env.sleep(10 * DAY);
    await handle.signal(cancelInvoiceSignal, { reason: 'invoice reissued' });
    return handle;
  },
  // Recorded after the invoice-lifecycle-v2 change: disputes, promises, approvals, chargebacks, continue-as-new.
  'v2-dispute-promise-paid': disputePromisePaid,
  'v2-vip-approval-write-off-recovery': async (env, start) => {
    const handle = await start(-110, { customer: { vip: true } });
    await env.sleep(20 * DAY);
    await handle.executeUpdate(decideEscalationUpdate, { args: [{ level: 'agency', approved: true, decidedBy: 'cfo' }] });
    await env.sleep(60 * DAY);
    await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'ann', role: 'ar-manager' }] });
    await env.sleep(10 * DAY);
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'r-1', amount: usd(10_000) }] });
    return handle;
  },
  'v2-chargeback-reopened-cancelled': async (env, start) => {
    const handle = await start(-3);
    await env.sleep(DAY / 4);
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'card-1', amount: usd(125_000) }] });
    await env.sleep(10 * DAY);
    await handle.executeUpdate(reversePaymentUpdate, { args: [{ paymentId: 'card-1', reason: 'chargeback' }] });
    await env.sleep(10 * DAY);
    await handle.signal(cancelInvoiceSignal, { reason: 'invoice reissued' });
    return handle;
  },
  // Recorded after the invoice-lifecycle-v3 change: contact moved off a holiday, a paid invoice's age frozen.
  'v3-holiday-moved-paid': async (env, start) => {
    const holiday = addDays(isoDateOf(await env.currentTimeMs()), 2);
    const policy = { ...EVERY_DAY_POLICY, contact: { ...EVERY_DAY_POLICY.contact, holidays: [holiday] } };
    const handle = await start(1, { policy });
    await env.sleep(5 * DAY);
    await payInFull(handle);
    return handle;
  },
  // Recorded after the contact guard (v4): a hold's missed final notice sent when it ends, the hand-off after it.
  'v4-hold-resumed-final-notice-paid': async (env, start) => {
    const handle = await start(-3);
    await env.sleep(DAY / 4);
    await handle.executeUpdate(placeHoldUpdate, { args: [{ holdId: 'H-1', kind: 'vip', reason: 'key account review' }] });
    await env.sleep(37 * DAY); // the 7, 15 and 30-day notices fall inside the hold
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'H-1', releasedBy: 'manager' }] });
    await env.sleep(55 * DAY); // legal at day 90: its letter follows the final notice
    await payInFull(handle);
    return handle;
  },
  'v4-late-start-final-notice-before-legal-letter-paid': paidAfter(-95, 5 * DAY),
  'v4-small-balance-written-off': async (env, start) => {
    const handle = await start(-3);
    await env.sleep(DAY / 4);
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(124_950) }] });
    return handle;
  },
  'v4-write-off-signal-refused-then-decided': async (env, start) => {
    const handle = await start(-200, { amountMinor: 9_000_000 });
    await env.sleep(DAY / 2);
    await handle.signal(writeOffDecisionSignal, { approved: true, decidedBy: 'someone', role: 'collector' });
    await env.sleep(DAY / 2);
    await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'cfo@example.com', role: 'cfo' }] });
    return handle;
  },
  'v4-dispute-sla-breached-paid': async (env, start) => {
    const handle = await start(-2);
    await env.sleep(DAY / 4);
    await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-1', category: 'quality' }] });
    await env.sleep(10 * DAY);
    await handle.executeUpdate(resolveDisputeUpdate, { args: [{ disputeId: 'D-1', inFavourOf: 'company', resolvedBy: 'operations' }] });
    await env.sleep(DAY);
    await payInFull(handle);
    return handle;
  },
  // Recorded after customer outreach (v5): contact goes through the customer's outreach workflow.
  'v5-outreach-merged-paid': async (env, start) => {
    const policy = { ...EVERY_DAY_POLICY, contact: { ...EVERY_DAY_POLICY.contact, mergeWindowSeconds: 10 } };
    const customer = { customerId: 'C-V5-MERGED' };
    const handle = await start(5, { policy, customer });
    const other = await start(5, { policy, customer, amountMinor: 40_000 });
    await env.sleep(3 * DAY); // both upcoming reminders travel as one message
    await other.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-2', amount: usd(40_000) }] });
    await payInFull(handle);
    return handle;
  },
  'v5-outreach-withdrawn-on-hold-paid': async (env, start) => {
    const policy = NINE_TO_FIVE_POLICY;
    const handle = await start(5, { policy, customer: { customerId: 'C-V5-NIGHT', timeZone: 'Pacific/Auckland' } });
    const asked = Date.parse(`${addDays(isoDateOf(await env.currentTimeMs()), 2)}T09:00:00Z`);
    await env.sleep(asked + 60_000 - (await env.currentTimeMs())); // the request waits for 09:00 in Auckland
    await handle.executeUpdate(placeHoldUpdate, { args: [{ holdId: 'H-1', kind: 'vip', reason: 'account review' }] });
    await env.sleep(DAY);
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'H-1' }] });
    await env.sleep(DAY);
    await payInFull(handle);
    return handle;
  },
  // Recorded after channels (v6): a message that bounced is delivered again by the customer's outreach.
  'v6-outreach-redelivered-paid': async (env, start) => {
    const customer = { customerId: 'C-V6-BOUNCED' };
    const handle = await start(5, { customer });
    await env.sleep(3 * DAY); // the upcoming reminder goes out
    const invoiceId = handle.workflowId.slice('invoice-'.length);
    await env.client.workflow.getHandle(customerOutreachWorkflowId(customer.customerId))
      .signal(redeliverMessageSignal, { messageKey: `invoice-${invoiceId}/step/reminder-upcoming`, reason: 'email bounced (Permanent: mailbox does not exist)' });
    await env.sleep(DAY);
    await payInFull(handle);
    return handle;
  },
  // Recorded after fewer actions (v7): later requests signalled to the running outreach, steps upsert only worklist changes,
  // a payment posted by local activities in its update's task.
  'v7-fewer-actions-paid': async (env, start) => {
    const handle = await start(-1, { customer: { customerId: 'C-V7-LEAN' } });
    await env.sleep(40 * DAY); // the 7, 15 and 30-day notices, the call task, the 31-60 bucket
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(200_000) }] });
    return handle;
  },
  'v7-outreach-ended-restarted-paid': async (env, start) => {
    const customer = { customerId: 'C-V7-ENDED' };
    const handle = await start(-1, { customer });
    await env.sleep(3 * DAY); // the first request started the outreach
    await env.client.workflow.getHandle(customerOutreachWorkflowId(customer.customerId)).terminate('ended by an operator');
    await env.sleep(20 * DAY); // the next request's signal finds no outreach: the activity starts it again
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(200_000) }] });
    return handle;
  },
  // Recorded after the outreach calendar (v8): the customer's open hours fetched once; a zone corrected since turns the next
  // message back (nothing sent) until the new hours.
  'v8-outreach-calendar-zone-moved-paid': async (env, start, db) => {
    const policy = NINE_TO_FIVE_POLICY;
    const customer = { customerId: 'C-V8-MOVED', timeZone: 'UTC' };
    const handle = await start(4, { policy, customer });
    await env.sleep(3 * DAY); // the upcoming reminder, by the hours in UTC
    await db.query("UPDATE customers SET time_zone = 'America/Los_Angeles' WHERE customer_id = $1", [customer.customerId]);
    await env.sleep(3 * DAY); // the 1-day reminder, turned back at 09:00 UTC, sent at 09:00 in Los Angeles
    await payInFull(handle);
    return handle;
  },
  // Recorded after payments stopped waking the main loop (v9): a partial payment leaves its timer running; only a balance
  // too small to chase wakes it.
  'v9-partial-payment-asleep-paid': async (env, start) => {
    const handle = await start(-3);
    await env.sleep(DAY);
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(100_000) }] });
    await env.sleep(5 * DAY); // the 7-day reminder, for what is left
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-2', amount: usd(25_000) }] });
    return handle;
  },
  // Recorded after closes that post money closed the open tasks in their posting (v10): an approved write-off's decision,
  // posting and tasks in one activity; a payment that pays off closes the collector's call task itself.
  'v10-written-off-in-one-posting': async (env, start) => {
    const handle = await start(-179);
    await env.sleep(2 * DAY); // the write-off review opens on day 180
    await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'controller@example.com', role: 'ar-manager', note: 'uncollectible' }] });
    return handle;
  },
  'v10-paid-off-tasks-closed': paidAfter(-36, DAY), // the collector's call task opens at the start
  // Recorded after registration told the outreach of a customer's new zone (v11): it fetches the hours again before the next
  // message, so a zone that opens earlier is used at once.
  'v11-outreach-hours-changed-paid': async (env, start, db) => {
    const policy = NINE_TO_FIVE_POLICY;
    const customer = { customerId: 'C-V11-MOVED', timeZone: 'America/Los_Angeles' };
    const handle = await start(4, { policy, customer });
    await env.sleep(3 * DAY); // the upcoming reminder, at 09:00 in Los Angeles
    await db.query("UPDATE customers SET time_zone = 'UTC' WHERE customer_id = $1", [customer.customerId]);
    await env.client.workflow.getHandle(customerOutreachWorkflowId(customer.customerId)).signal(customerHoursChangedSignal, { timeZone: 'UTC' });
    await env.sleep(3 * DAY); // the 1-day reminder at 09:00 UTC, by the hours fetched again
    await payInFull(handle);
    return handle;
  },
  // Recorded after the outreach stopped waiting to merge for a customer with no other open invoice (v12): the first reminder
  // goes at once; once a second invoice is open, a reminder that went at once sends nothing, waits the window and merges.
  'v12-outreach-alone-then-merged-paid': async (env, start) => {
    const policy = { ...EVERY_DAY_POLICY, contact: { ...EVERY_DAY_POLICY.contact, mergeWindowSeconds: 10 } };
    const customer = { customerId: 'C-V12-ALONE' };
    const handle = await start(4, { policy, customer });
    await env.sleep(3 * DAY); // the upcoming reminder, alone and at once
    const second = await start(5, { policy, customer }); // its upcoming reminder falls on the first's 1-day reminder
    await env.sleep(3 * DAY); // one message for both, after the merge window
    await payInFull(handle);
    await second.signal(cancelInvoiceSignal, { reason: 'recorded' });
    return handle;
  },
  // Recorded after an invoice's start was recorded by a local activity in its first workflow task (v13): a new invoice
  // sleeps after one task; one registered overdue acts on its step in that same task.
  'v13-started-in-one-task-paid': paidAfter(10, 10 * DAY), // the upcoming reminder and the due-date notice
  'v13-overdue-start-in-one-task-paid': paidAfter(-36, DAY), // the collector's call task opens at the start
  // Recorded after a new invoice noted the release it was born at (v14) and stopped asking for the patches that release
  // has: no patch marker but that one, whatever path it takes.
  'v14-born-at-release-paid': paidAfter(10, 10 * DAY),
  'v14-born-at-release-written-off': fullLifeWrittenOff,
  'v14-born-at-release-dispute-promise-paid': disputePromisePaid,
  'v2-continued-as-new': async (env, start) => {
    const handle = await start(-20, { historyEventLimit: 40 });
    const firstRun = (await handle.describe()).runId;
    await Promise.all(Array.from({ length: 12 }, (_, i) => handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: `b-${i}`, amount: usd(1_000) }] })));
    await env.sleep(DAY);
    await handle.signal(cancelInvoiceSignal, { reason: 'recorded' });
    await handle.result();
    // The first run, which ends by continuing as new, is the history worth keeping.
    return env.client.workflow.getHandle(handle.workflowId, firstRun);
  },
};

/** Records the history so far of the outreach workflow of an invoice's customer (it runs for as long as the customer does). */
async function recordOutreachOf(env: TestWorkflowEnvironment, invoice: WorkflowHandle, file: string): Promise<void> {
  if (existsSync(file)) return;
  const { events } = await invoice.fetchHistory();
  const data = events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  const input = JSON.parse(Buffer.from(data ?? []).toString()) as InvoiceCollectionInput;
  const outreach = env.client.workflow.getHandle(customerOutreachWorkflowId(input.customer.customerId));
  writeFileSync(file, `${historyToJSON(await outreach.fetchHistory())}\n`);
  process.stdout.write(`recorded ${path.relative(process.cwd(), file)}\n`);
}

/** Payment plans, recorded as payment-plan-<scenario>.json: each returns the plan's handle once it has ended. */
type PlanScenario = (env: TestWorkflowEnvironment, start: Start, plans: PlanServiceDependencies) => Promise<WorkflowHandle>;
const PLAN_SCENARIOS: Record<string, PlanScenario> = {
  'v5-standard-plan-completed': async (env, start, plans) => {
    const invoice = await start(-40, { amountMinor: 90_000 });
    const invoiceId = invoice.workflowId.slice('invoice-'.length);
    await proposePlan(plans, { planId: 'PLAN-REC-1', invoiceIds: [invoiceId], termDays: 60, proposedBy: 'collector@example.com' });
    const plan = env.client.workflow.getHandle(planWorkflowId('PLAN-REC-1'));
    for (const [index, days] of [28, 30].entries()) {
      await env.sleep(days * DAY);
      await plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: `PLAN-PAY-${index + 1}`, amount: usd(45_000) }] });
    }
    return plan;
  },
};

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'record-histories-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: 54400 + Math.floor(Math.random() * 500), persistent: false });
  const env = await startTimeSkippingServer();
  const db = createPool(postgres.urlFor('postgres'));
  try {
    await migrateUp(postgres.urlFor('postgres'));
    await ensureDefaultPolicy(db);
    await registerSearchAttributes(env.connection, 'default');
    const activities = createActivities({ db, templates: new TemplateLibrary(), from: 'ar@example.com', companyName: 'Example Co.', collectionsPhone: '+1 555 0100' });
    const worker = await createCollectionsWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, activities });
    const start: Start = async (dueInDays, options = {}) => {
      const input: InvoiceCollectionInput = { ...invoiceInput({ ...options, now: await env.currentTimeMs(), dueInDays }), historyEventLimit: options.historyEventLimit };
      await saveInvoice(db, input);
      await startInvoiceCollection(env.client, TASK_QUEUE, input, await env.currentTimeMs());
      return env.client.workflow.getHandle(invoiceWorkflowId(input.invoice.invoiceId));
    };
    await worker.runUntil(async () => {
      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        const file = path.join(OUT, `invoice-collection-${name}.json`);
        if (existsSync(file)) continue;
        const handle = await scenario(env, start, db);
        if (!name.includes('continued-as-new')) await handle.result();
        writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
        process.stdout.write(`recorded ${path.relative(process.cwd(), file)}\n`);
        if (name.includes('outreach')) await recordOutreachOf(env, handle, path.join(OUT, `customer-outreach-${name}.json`));
      }
      for (const [name, scenario] of Object.entries(PLAN_SCENARIOS)) {
        const file = path.join(OUT, `payment-plan-${name}.json`);
        if (existsSync(file)) continue;
        const handle = await scenario(env, start, { db, client: env.client, taskQueue: TASK_QUEUE });
        await handle.result();
        writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
        process.stdout.write(`recorded ${path.relative(process.cwd(), file)}\n`);
      }
    });
  } finally {
    await db.end();
    await env.teardown();
    await postgres.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
