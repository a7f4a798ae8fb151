/**
 * Audit export and replay on the whole engine: an invoice registered through the API is sent its
 * final notice and has a dispute task opened, a collector takes a promise, a manager resolves the
 * dispute, and it is paid. Why each notice and task happened is stored with it; the auditor route and
 * `collections audit export` write its history and a timeline naming the rule, the policy version,
 * the figures and who decided under which key; the export replays against the current code, and an
 * edited history is reported as nondeterministic at the edited event.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseKey } from '../../src/api/access/api-keys';
import type { AuditExport } from '../../src/audit/audit-export';
import { replayHistories } from '../../src/audit/history-replay';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { saveInvoice } from '../../src/invoices/invoice-store';
import { startInvoiceCollection } from '../../src/invoices/start-collection';
import { runCommandLine } from '../support/command-line';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';
import { invoiceInput } from '../support/invoice-fixtures';
import { workflowBundle } from '../support/temporal';
import { scratchDir } from '../support/scratch';

const TASK_QUEUE = 'audit-e2e';
const today = isoDateOf(Date.now());
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

let stack: E2eStack;
const keys = {} as Record<'erp' | 'collector' | 'manager' | 'auditor', string>;
let policy: { policyId: string; version: number };
const scratch = scratchDir('audit-e2e-');

beforeAll(async () => {
  stack = await startE2eStack(TASK_QUEUE);
  keys.erp = await stack.api.createKey('system', { holder: 'ERP' });
  keys.collector = await stack.api.createKey('collector', { holder: 'Carla Collector' });
  keys.manager = await stack.api.createKey('manager', { holder: 'Ann Lee', approverRole: 'ar-manager' });
  keys.auditor = await stack.api.createKey('auditor', { holder: 'Iris Auditor' });

  // 31 days past due: the day-30 final notice is the step that applies now.
  const registered = await stack.call('POST', '/invoices', {
    invoiceId: 'AU-1', invoiceNumber: 'N-AU-1', amount: usd(250_000), dueDate: addDays(today, -31),
    customer: { customerId: 'C-AU-1', name: 'Fabrikam Audit Ltd', email: 'ap@fabrikam.example', segment: 'smb', riskTier: 'yellow' },
  }, keys.erp);
  expect(registered.status).toBe(201);
  const sent = await eventually(() => stack.db.pool.query("SELECT status FROM communications WHERE invoice_id = 'AU-1'"),
    (result) => result.rows.some((row) => row.status === 'sent'), 60_000);
  expect(sent.rows.map((row) => row.status)).toContain('sent');
  policy = (await stack.call('GET', '/invoices/AU-1')).body.policy;

  expect((await stack.call('POST', '/invoices/AU-1/disputes', { disputeId: 'AU-D1', category: 'pricing', amount: usd(50_000), reason: 'price list' }, keys.erp)).status).toBe(201);
  expect((await stack.call('POST', '/invoices/AU-1/promises', { promiseId: 'AU-P1', amount: usd(100_000), promisedDate: addDays(today, 7) }, keys.collector)).status).toBe(201);
  expect((await stack.call('POST', '/invoices/AU-1/disputes/AU-D1/resolution', { inFavourOf: 'company', note: 'price list was agreed' }, keys.manager)).status).toBe(200);
  const paid = await stack.call('POST', '/invoices/AU-1/payments', { paymentId: 'AU-PAY-1', amount: usd(250_000) }, keys.erp);
  expect(paid.body).toMatchObject({ balance: usd(0) });
  await eventually(() => stack.call('GET', '/invoices/AU-1'), (answer) => answer.body?.status === 'paid');
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

test('why is stored with every notice and task: the policy version, the rule and the figures', async () => {
  const notices = await stack.db.pool.query("SELECT template, why FROM communications WHERE invoice_id = 'AU-1'");
  expect(notices.rows).toEqual([{
    template: 'final-notice',
    why: {
      policyId: policy.policyId, policyVersion: policy.version, rule: 'dunning step day 30 "final-notice"',
      inputs: expect.objectContaining({ balanceMinor: 250_000, currency: 'USD', daysPastDue: 31, interestMinor: expect.any(Number), lateFeeMinor: expect.any(Number), segment: 'smb', riskTier: 'yellow' }),
    },
  }]);
  const tasks = await stack.db.pool.query("SELECT kind, why FROM tasks WHERE invoice_id = 'AU-1'");
  expect(tasks.rows).toEqual([{
    kind: 'dispute',
    why: {
      policyId: policy.policyId, policyVersion: policy.version, rule: 'dispute routing: pricing to sales',
      inputs: expect.objectContaining({ balanceMinor: 250_000, collectibleMinor: 200_000, daysPastDue: 31 }),
    },
  }]);
  // Open, or cancelled once the invoice was paid: the worklist shows why either way.
  const worklist = [...(await stack.call('GET', '/tasks?status=open', undefined, keys.manager)).body.tasks, ...(await stack.call('GET', '/tasks?status=cancelled', undefined, keys.manager)).body.tasks];
  expect(worklist).toEqual(expect.arrayContaining([expect.objectContaining({ invoiceId: 'AU-1', why: tasks.rows[0].why })]));
});

/** The text's line for the first timeline entry of `type`. */
const lineOf = (text: string, type: string) => text.split('\n').find((line) => new RegExp(`#\\d+ +${type} `).test(line)) ?? '';

function expectTimelineText(text: string): void {
  expect(text).toMatch(/^Audit of workflow invoice-AU-1: 1 run, exported /);
  const notice = lineOf(text, 'notice_sent');
  expect(notice).toContain('Final notice "final-notice"');
  expect(notice).toContain(`why: dunning step day 30 "final-notice" (policy ${policy.policyId}@${policy.version}; balance $2,500.00, 31 days past due`);
  expect(lineOf(text, 'dispute_task_opened')).toContain('why: dispute routing: pricing to sales');
  const managerKey = parseKey(keys.manager)?.keyId as string;
  expect(lineOf(text, 'resolveDispute')).toContain(`decided by Ann Lee under key ${managerKey}`);
  expect(lineOf(text, 'promiseToPay')).toContain(`decided by Carla Collector under key ${parseKey(keys.collector)?.keyId}`);
}

test('the auditor route answers the export and its timeline; only auditors and managers may read it', async () => {
  const exported = await stack.call('GET', '/invoices/AU-1/audit', undefined, keys.auditor);
  expect(exported.status).toBe(200);
  const audit = exported.body as AuditExport;
  expect(audit).toMatchObject({ workflowId: 'invoice-AU-1', runs: [{ runId: expect.any(String) }] });
  expect(audit.runs[0].history.events[0]).toMatchObject({ eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' });
  expect(audit.timeline.find((entry) => entry.type === 'resolveDispute')).toMatchObject({
    kind: 'update', decidedBy: { holder: 'Ann Lee', keyId: parseKey(keys.manager)?.keyId }, details: { disputeId: 'AU-D1', inFavourOf: 'company' },
  });

  const text = await stack.api.fetch('/invoices/AU-1/audit?format=text', { key: keys.manager });
  expect(text.status).toBe(200);
  expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
  expectTimelineText(await text.text());

  expect((await stack.call('GET', '/invoices/AU-1/audit', undefined, keys.erp)).status).toBe(403);
  expect((await stack.call('GET', '/invoices/AU-1/audit', undefined, keys.collector)).status).toBe(403);
  expect((await stack.call('GET', '/invoices/AU-NONE/audit', undefined, keys.auditor)).status).toBe(404);
  expect((await stack.call('GET', '/invoices/AU-1/audit?format=xml', undefined, keys.auditor)).body.errors).toEqual([{ field: 'query.format', reason: 'must be "json" or "text"' }]);
}, 60_000);

test('collections audit export writes the history and the timeline; the export replays, an edited one does not', async () => {
  const out = path.join(scratch, 'export');
  const exported = await runCommandLine({ TEMPORAL_ADDRESS: stack.env.address, TEMPORAL_NAMESPACE: 'default' }, ['audit', 'export', 'AU-1', '--out', out]);
  expect(exported).toMatchObject({ code: 0, stderr: '' });
  expect(exported.stdout).toMatch(/^invoice-AU-1: 1 run\(s\), \d+ timeline entries\n/);
  const historyFile = path.join(out, 'AU-1.history.json');
  expectTimelineText(readFileSync(path.join(out, 'AU-1.timeline.txt'), 'utf8'));

  expect(await replayHistories([historyFile], { workflowBundle: workflowBundle() })).toEqual([
    { source: expect.stringContaining('AU-1.history.json run 1'), workflowId: 'invoice-AU-1', status: 'replayed' },
  ]);

  // The last activity the workflow scheduled, edited into another: the code no longer matches the history there.
  const audit = JSON.parse(readFileSync(historyFile, 'utf8')) as AuditExport;
  const scheduled = audit.runs[0].history.events.filter((event) => event.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
  const edited = scheduled[scheduled.length - 1];
  (edited.activityTaskScheduledEventAttributes as { activityType: { name: string } }).activityType.name = 'editedActivity';
  const editedFile = path.join(scratch, 'edited.json');
  writeFileSync(editedFile, JSON.stringify(audit.runs[0].history));
  const [outcome] = await replayHistories([editedFile], { workflowBundle: workflowBundle() });
  expect(outcome).toMatchObject({ workflowId: 'invoice-AU-1', status: 'nondeterminism', eventId: Number(edited.eventId), message: expect.stringContaining("scheduled event 'editedActivity'") });

  const cli = await runCommandLine({}, ['audit', 'replay', historyFile, editedFile]);
  expect(cli.code).toBe(1);
  expect(cli.stdout).toContain(`${historyFile} run 1 (${audit.runs[0].runId}): replayed\n`);
  expect(cli.stdout).toContain(`${editedFile}: nondeterminism at event ${edited.eventId}: `);
}, 180_000);

test('an export holds every run across continue-as-new, oldest first, and each replays', async () => {
  // Registered as the API does, then started with a small history limit so the workflow continues as new.
  const input = { ...invoiceInput({ now: Date.now(), dueInDays: -20 }), historyEventLimit: 40 };
  const { invoiceId } = input.invoice;
  await saveInvoice(stack.db.pool, input);
  await startInvoiceCollection(stack.env.client, TASK_QUEUE, input);
  const handle = stack.env.client.workflow.getHandle(`invoice-${invoiceId}`);
  const firstRun = (await handle.describe()).runId;
  for (let i = 1; (await handle.describe()).runId === firstRun && i <= 20; i += 1) {
    await stack.call('POST', `/invoices/${invoiceId}/payments`, { paymentId: `CAN-${i}`, amount: usd(1_000) }, keys.erp);
  }
  const lastRun = (await handle.describe()).runId;
  expect(lastRun).not.toBe(firstRun);

  const audit = (await stack.call('GET', `/invoices/${invoiceId}/audit`, undefined, keys.auditor)).body as AuditExport;
  expect(audit.runs.length).toBeGreaterThanOrEqual(2);
  expect(audit.runs[0].runId).toBe(firstRun);
  expect(audit.runs.at(-1)?.runId).toBe(lastRun);
  expect(audit.timeline.filter((entry) => entry.kind === 'continued_as_new')).toHaveLength(audit.runs.length - 1);
  expect(audit.timeline.find((entry) => entry.type === 'notice_sent')?.why?.rule).toBe('dunning step day 15 "reminder-15-days"');
  const file = path.join(scratch, 'continued.json');
  writeFileSync(file, JSON.stringify(audit));
  const outcomes = await replayHistories([file], { workflowBundle: workflowBundle() });
  expect(outcomes.map((outcome) => outcome.status)).toEqual(audit.runs.map(() => 'replayed'));

  // A run exported right after continuing as new holds only its start: nothing ran, so nothing can differ (the SDK's replayer would wait forever).
  const justContinued = { ...audit, runs: [...audit.runs.slice(0, -1), { ...audit.runs.at(-1)!, history: { events: audit.runs.at(-1)!.history.events.slice(0, 1) } }] };
  const justContinuedFile = path.join(scratch, 'just-continued.json');
  writeFileSync(justContinuedFile, JSON.stringify(justContinued));
  const early = await replayHistories([justContinuedFile], { workflowBundle: workflowBundle() });
  expect(early.map((outcome) => outcome.status)).toEqual(audit.runs.map(() => 'replayed'));
}, 300_000); // up to twenty payments through the API on a busy machine before the run continues as new

test('without a running engine the export says so', async () => {
  const answer = await runCommandLine({ TEMPORAL_ADDRESS: '127.0.0.1:1' }, ['audit', 'export', 'AU-1']);
  expect(answer).toMatchObject({ code: 1, stderr: expect.stringContaining('no Temporal server answers at 127.0.0.1:1: the engine is not running') });
});
