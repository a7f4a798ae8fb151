/**
 * `plans propose|approve|show|cancel|recommend`: payment plans from a terminal, through the running
 * engine: its Temporal server and worker, and its database for recommendations (DATABASE_URL, else
 * the running engine's embedded Postgres). Input is checked with the zod messages the plan's workflow
 * takes, and who acts is `--by`: the command line runs on the operator's machine, without an API key.
 */
import { createConnection } from 'node:net';
import { parseArgs } from 'node:util';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Client } from 'pg';
import { z, type output, type ZodType } from 'zod';
import { loadConfig, type Config } from '../config';
import { embeddedPostgresUrl } from '../db/embedded-postgres';
import { createPool } from '../db/pool';
import { businessKey } from '../domain/invoice-messages';
import { formatMoney, type Money } from '../domain/money';
import { planApprovalMessage, planCancelMessage, planProposalMessage } from '../domain/payment-plan-messages';
import { ConflictError, NotFoundError } from '../invoices/invoice-errors';
import { createLogger } from '../logger';
import {
  approvePlan, cancelPlan, proposePlan, readPlan, recommendTerms, type PlanServiceDependencies,
} from '../plans/plan-service';
import { fieldRefusalOf } from '../../workflows/invoice-collection/refusals';
import type { InstallmentView, PlanDecision, PlanState } from '../../workflows/payment-plan/definitions';
import { EMBEDDED_DATABASE, openTemporal } from './infrastructure';

const USAGE = [
  'usage: plans propose <planId> --invoices INV-1,INV-2 --term-days DAYS --by NAME [--installments N] [--first-installment MINOR --currency USD] [--json]',
  '         a standard plan (the policy\'s 30, 60 or 90 days, one installment a month) starts at once; any other is custom and waits for approval',
  '         --first-installment is a down payment in minor units (cents)',
  '       plans approve <planId> --by NAME --approver-role ROLE [--decline] [--note TEXT] [--json]',
  '         decide on a custom plan; the approver role (ar-manager, controller, cfo …) must be allowed the plan\'s total',
  '       plans show <planId> [--json]                                   the schedule, what each installment and invoice received, every payment',
  '       plans cancel <planId> --by NAME --reason TEXT [--json]         end a plan; its invoices resume dunning',
  '       plans recommend --customer ID [--invoices INV-1,INV-2] [--json] terms from the balance and the customer\'s payment history',
  '       They need the running engine ("npm start", or TEMPORAL_ADDRESS with its worker); recommend reads DATABASE_URL or its embedded Postgres.',
].join('\n');

/** A command's answer: its exit code. 2 is a usage error (a flag missing or refused), 1 a refusal or failure. */
type ExitCode = number;

/** The flag (or argument) each field of a plan message comes from, for error messages. */
const FLAG_OF: Record<string, string> = {
  planId: '<planId>', customerId: '--customer', invoiceIds: '--invoices', termDays: '--term-days', installmentCount: '--installments',
  'firstInstallment.amountMinor': '--first-installment', 'firstInstallment.currency': '--currency', firstInstallment: '--first-installment',
  proposedBy: '--by', decidedBy: '--by', cancelledBy: '--by', role: '--approver-role', approved: '--decline', note: '--note', reason: '--reason',
};

function flagOf(field: string): string {
  const path = field.split('.');
  return FLAG_OF[field] ?? FLAG_OF[path.filter((part) => !/^\d+$/.test(part)).join('.')] ?? FLAG_OF[path[0]] ?? field;
}

/** The engine cannot be reached: the message says what to start or set. */
class EngineNotRunningError extends Error {}

/** parseArgs with this command's flags; unknown flags and stray arguments are usage errors. */
function parseFlags(args: string[], flags: Record<string, 'string' | 'boolean'>, positionals: number):
{ values: Record<string, string | boolean | undefined>; positionals: string[] } | undefined {
  const options = Object.fromEntries(Object.entries({ ...flags, json: 'boolean' as const }).map(([name, type]) => [name, { type }]));
  try {
    const parsed = parseArgs({ args, allowPositionals: true, options });
    if (parsed.positionals.length > positionals) throw new Error(`unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return undefined;
  }
}

/** Validates with a plan message; prints every failing field as its flag and the reason. */
function validated<S extends ZodType>(schema: S, input: Record<string, unknown>): output<S> | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const value = issue.path.reduce<unknown>((part, key) => (part as Record<PropertyKey, unknown> | undefined)?.[key], input);
    const reason = value === undefined ? 'is required' : issue.message;
    const field = issue.path.join('.');
    const invoice = issue.path[0] === 'invoiceIds' && typeof value === 'string' ? ` ("${value}")` : '';
    process.stderr.write(`${flagOf(field)}${invoice}: ${reason}\n`);
  }
  process.stderr.write(`${USAGE}\n`);
  return undefined;
}

/** A number when the flag holds one; otherwise the text itself, which the schema refuses as not a number. */
function numberOf(value: string | boolean | undefined): number | string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^[+-]?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

function listOf(value: string | boolean | undefined): string[] | undefined {
  return typeof value === 'string' ? value.split(',').map((id) => id.trim()).filter(Boolean) : undefined;
}

const text = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined);

/** Whether something listens at host:port (a refused connection is an engine that is not running). */
export function listens(address: string): Promise<boolean> {
  const [, host, port] = /^(.*):(\d+)$/.exec(address) ?? [];
  if (!host) return Promise.resolve(true); // an address without a port: let the client say what is wrong
  return new Promise((resolve) => {
    const socket = createConnection({ host: host.replace(/^\[|\]$/g, ''), port: Number(port), timeout: 5000 });
    const done = (answer: boolean) => { socket.destroy(); resolve(answer); };
    socket.once('connect', () => done(true)).once('timeout', () => done(false)).once('error', () => done(false));
  });
}

/** Temporal at the configured address, with a worker on the task queue: otherwise the engine is not running. */
async function openPlans(config: Config): Promise<{ deps: PlanServiceDependencies; close(): Promise<void> }> {
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  const notRunning = (what: string) => new EngineNotRunningError(
    `${what}: the engine is not running. Start it with "npm start", or set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE) to the engine's Temporal`);
  if (!(await listens(address))) throw notRunning(`no Temporal server answers at ${address}`);
  const temporal = await openTemporal(config, createLogger('error'), { allowDevServer: false })
    .catch((error: unknown) => { throw notRunning(`cannot connect to Temporal at ${address} (${error instanceof Error ? error.message : String(error)})`); });
  const queue = await temporal.client.workflowService.describeTaskQueue({
    namespace: config.temporal.namespace, taskQueue: { name: config.temporal.taskQueue }, taskQueueType: 1, // workflow tasks
  });
  if ((queue.pollers ?? []).length === 0) {
    await temporal.close();
    throw notRunning(`no worker polls task queue "${config.temporal.taskQueue}" on ${address} (namespace ${config.temporal.namespace})`);
  }
  // The plan updates never read the database; the pool connects on its first query, so none is opened.
  const db = createPool(config.databaseUrl ?? embeddedPostgresUrl(config.embeddedPostgresPort, EMBEDDED_DATABASE), 1);
  return {
    deps: { db, client: temporal.client, taskQueue: config.temporal.taskQueue },
    close: async () => { await db.end(); await temporal.close(); },
  };
}

/** The engine's database: DATABASE_URL, else the running engine's embedded Postgres. */
async function openDatabase(config: Config): Promise<Pick<PlanServiceDependencies, 'db'> & { close(): Promise<void> }> {
  const url = config.databaseUrl ?? embeddedPostgresUrl(config.embeddedPostgresPort, EMBEDDED_DATABASE);
  const probe = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await probe.connect();
  } catch (error) {
    const where = config.databaseUrl ? 'DATABASE_URL' : `the engine's embedded Postgres (port ${config.embeddedPostgresPort})`;
    throw new EngineNotRunningError(`${where} does not answer (${(error as Error).message}): start the engine with "npm start", or set DATABASE_URL`);
  } finally {
    await probe.end().catch(() => undefined);
  }
  const db = createPool(url, 2);
  return { db, close: () => db.end() };
}

/** Runs `work` on the engine and turns its refusals into messages naming the flag; answers the exit code. */
async function onEngine<T extends { close(): Promise<void> }>(open: () => Promise<T>, work: (engine: T) => Promise<ExitCode>): Promise<ExitCode> {
  let engine: T | undefined;
  try {
    engine = await open();
    return await work(engine);
  } catch (error) {
    const refusal = error instanceof WorkflowUpdateFailedError ? fieldRefusalOf(error.cause) : undefined;
    if (refusal) process.stderr.write(`${flagOf(refusal.field)}: ${refusal.reason}\n`);
    else if (error instanceof WorkflowUpdateFailedError) process.stderr.write(`${error.cause instanceof Error ? error.cause.message : error.message}\n`);
    else if (error instanceof EngineNotRunningError || error instanceof ConflictError || error instanceof NotFoundError) process.stderr.write(`${error.message}\n`);
    else throw error;
    return 1;
  } finally {
    await engine?.close();
  }
}

const money = (value: Money | null | undefined) => (value ? formatMoney(value) : '-');

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  return [header, ...rows].map((row) => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')}`);
}

function schedule(installments: InstallmentView[]): string[] {
  return table(['#', 'DUE', 'AMOUNT', 'PAID', 'STATUS', 'INVOICES'], installments.map((i) => [
    String(i.number), i.dueDate, money(i.amount), money(i.paid), i.status,
    i.parts.map((part) => `${part.invoiceId} ${money(part.amount)}`).join(', '),
  ]));
}

function decisionText(decision: PlanDecision): string {
  const lines = decision.outcome === 'accepted'
    ? [`Plan ${decision.planId} accepted (${decision.kind}): ${money(decision.total)} in ${decision.installments?.length} installments; its invoices stop dunning while it runs.`]
    : [`Plan ${decision.planId} waits for approval (${decision.kind}): ${decision.reason}.`,
      `Decide with "collections plans approve ${decision.planId} --by NAME --approver-role ROLE" (or --decline). Dated from the approval:`];
  return [...lines, '', ...schedule(decision.installments ?? []), ''].join('\n');
}

function stateText(plan: PlanState): string {
  const terms = plan.terms
    ? `${plan.terms.termDays} days, ${plan.terms.installmentCount} installments${plan.terms.firstInstallmentMinor && plan.total ? `, first ${money({ amountMinor: plan.terms.firstInstallmentMinor, currency: plan.total.currency })}` : ''}`
    : '-';
  const approval = plan.approval
    ? `${plan.approval.approved ? 'approved' : 'declined'} by ${plan.approval.decidedBy}${plan.approval.role ? ` (${plan.approval.role})` : ''}${plan.approval.note ? `: ${plan.approval.note}` : ''}`
    : '-';
  const lines = [
    `Plan ${plan.planId}: ${plan.status}${plan.kind ? ` (${plan.kind})` : ''}${plan.reason ? `, ${plan.reason}` : ''}`,
    `  customer   ${plan.customerId ?? '-'}`,
    `  terms      ${terms}`,
    `  proposed   by ${plan.proposedBy ?? '-'}; ${approval === '-' ? 'no approval' : approval}`,
    `  agreed     ${plan.agreementDate ?? '-'}`,
    `  total      ${money(plan.total)}   paid ${money(plan.paid)}   remaining ${money(plan.remaining)}`,
  ];
  if (plan.installments.length > 0) lines.push('', ...schedule(plan.installments));
  if (plan.invoices.length > 0) {
    lines.push('', ...table(['INVOICE', 'NUMBER', 'COVERED', 'PAID', 'IN PLAN'], plan.invoices.map((invoice) => [
      invoice.invoiceId, invoice.invoiceNumber, money(invoice.amount), money(invoice.paid), invoice.left ?? (invoice.joined ? 'joined' : 'not yet'),
    ])));
  }
  if (plan.payments.length > 0) {
    lines.push('', ...table(['PAYMENT', 'AMOUNT', 'RECEIVED', 'PARTS'], plan.payments.map((payment) => [
      payment.paymentId, money(payment.amount), payment.receivedAt,
      payment.parts.map((part) => `#${part.installment} ${part.invoiceId} ${money({ amountMinor: part.amountMinor, currency: payment.amount.currency })}${part.refused ? ` (refused: ${part.refused})` : ''}`).join(', '),
    ])));
  }
  return `${lines.join('\n')}\n`;
}

function print(json: boolean, value: unknown, asText: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : asText());
}

async function propose(args: string[]): Promise<ExitCode> {
  const flags = parseFlags(args, { invoices: 'string', 'term-days': 'string', installments: 'string', 'first-installment': 'string', currency: 'string', by: 'string' }, 1);
  if (!flags) return 2;
  const { values, positionals: [planId] } = flags;
  const down = values['first-installment'] !== undefined || values.currency !== undefined;
  const proposal = validated(planProposalMessage, {
    planId, invoiceIds: listOf(values.invoices), termDays: numberOf(values['term-days']), installmentCount: numberOf(values.installments),
    firstInstallment: down ? { amountMinor: numberOf(values['first-installment']), currency: text(values.currency) } : undefined, proposedBy: text(values.by),
  });
  if (!proposal) return 2;
  return onEngine(() => openPlans(loadConfig()), async ({ deps }) => {
    const decision = await proposePlan(deps, proposal);
    if (decision.outcome === 'refused') {
      if (values.json) print(true, decision, () => '');
      process.stderr.write(`${flagOf(decision.field ?? 'planId')}: ${decision.reason}\nplan ${decision.planId} refused; a plan id is used once, so propose again under another\n`);
      return 1;
    }
    print(values.json === true, decision, () => decisionText(decision));
    return 0;
  });
}

async function approve(args: string[]): Promise<ExitCode> {
  const flags = parseFlags(args, { by: 'string', 'approver-role': 'string', decline: 'boolean', note: 'string' }, 1);
  if (!flags) return 2;
  const { values, positionals: [planId] } = flags;
  const id = validated(planProposalMessage.pick({ planId: true }), { planId });
  const approval = validated(planApprovalMessage, { approved: values.decline !== true, decidedBy: text(values.by), role: text(values['approver-role']), note: text(values.note) });
  if (!id || !approval) return 2;
  if (approval.approved && !approval.role) {
    process.stderr.write('--approver-role: is required to approve: the role of the policy\'s approval hierarchy you approve in (ar-manager, controller, cfo …)\n');
    return 2;
  }
  return onEngine(() => openPlans(loadConfig()), async ({ deps }) => {
    const plan = await approvePlan(deps, id.planId, approval);
    print(values.json === true, plan, () => stateText(plan));
    return 0;
  });
}

async function show(args: string[]): Promise<ExitCode> {
  const flags = parseFlags(args, {}, 1);
  const id = flags && validated(planProposalMessage.pick({ planId: true }), { planId: flags.positionals[0] });
  if (!flags || !id) return 2;
  return onEngine(() => openPlans(loadConfig()), async ({ deps }) => {
    const plan = await readPlan(deps, id.planId);
    print(flags.values.json === true, plan, () => stateText(plan));
    return 0;
  });
}

async function cancel(args: string[]): Promise<ExitCode> {
  const flags = parseFlags(args, { by: 'string', reason: 'string' }, 1);
  if (!flags) return 2;
  const { values, positionals: [planId] } = flags;
  const id = validated(planProposalMessage.pick({ planId: true }), { planId });
  const request = validated(planCancelMessage, { reason: text(values.reason), cancelledBy: text(values.by) });
  if (!id || !request) return 2;
  return onEngine(() => openPlans(loadConfig()), async ({ deps }) => {
    const plan = await cancelPlan(deps, id.planId, request);
    print(values.json === true, plan, () => stateText(plan));
    return 0;
  });
}

const recommendRequest = z.object({ customerId: businessKey, invoiceIds: planProposalMessage.shape.invoiceIds.optional() });

async function recommend(args: string[]): Promise<ExitCode> {
  const flags = parseFlags(args, { customer: 'string', invoices: 'string' }, 0);
  if (!flags) return 2;
  const { values } = flags;
  const query = validated(recommendRequest, { customerId: text(values.customer), invoiceIds: listOf(values.invoices) });
  if (!query) return 2;
  return onEngine(() => openDatabase(loadConfig()), async ({ db }) => {
    const advice = await recommendTerms({ db }, query.customerId, query.invoiceIds);
    print(values.json === true, advice, () => {
      const owed = `Customer ${advice.customerId} owes ${money(advice.owed)} on ${advice.invoiceIds.join(', ')}.`;
      if (!advice.recommended) return `${owed}\nNo plan recommended: ${advice.reasons.join('; ')}.\n`;
      const { termDays, installmentCount, firstInstallmentMinor } = advice.terms;
      const first = firstInstallmentMinor ? ` --first-installment ${firstInstallmentMinor} --currency ${advice.owed.currency}` : '';
      return [owed,
        `Recommended: a ${advice.kind} plan of ${termDays} days in ${installmentCount} installments${firstInstallmentMinor ? `, the first ${money({ amountMinor: firstInstallmentMinor, currency: advice.owed.currency })}` : ''}.`,
        ...advice.reasons.map((reason) => `  - ${reason}`),
        `Propose it with "collections plans propose <planId> --invoices ${advice.invoiceIds.join(',')} --term-days ${termDays} --installments ${installmentCount}${first} --by NAME".`,
        ''].join('\n');
    });
    return 0;
  });
}

const COMMANDS: Record<string, (args: string[]) => Promise<ExitCode>> = { propose, approve, show, cancel, recommend };

/** Runs a `plans` sub-command with its arguments; answers the exit code. */
export async function runPlanCommand(args: string[]): Promise<ExitCode> {
  const [mode, ...rest] = args;
  const command = mode !== undefined && Object.hasOwn(COMMANDS, mode) ? COMMANDS[mode] : undefined;
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  return command(rest);
}
