/**
 * Replays workflow histories against the current workflow code: each history either replays, or
 * stops at its first nondeterminism (a command the code no longer issues at that event). Takes
 * single-run history files (`temporal workflow show --output json`, `historyToJSON`) and audit
 * exports (several runs), or folders of them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { customerOutreachWorkflowId } from '../../workflows/customer-outreach/definitions';
import { invoiceWorkflowId } from '../../workflows/invoice-collection/definitions';
import { planWorkflowId } from '../../workflows/payment-plan/definitions';
import { WORKFLOWS_PATH } from '../temporal/worker';
import type { AuditExport } from './audit-export';
import { attributesOf, decodePayloads, eventTypeOf, type HistoryEventJson, type HistoryJson } from './history-json';

/** How one history replayed. */
export type ReplayOutcome =
  | { source: string; workflowId: string; status: 'replayed' }
  | { source: string; workflowId: string; status: 'nondeterminism'; eventId: number | null; message: string }
  | { source: string; workflowId: string; status: 'failed'; message: string };

/** The workflow code to replay against: a pre-built bundle (tests), else the workflows are bundled now. */
export interface ReplayOptions {
  workflowBundle?: ReplayWorkerOptions['workflowBundle'];
  /** The engine's data converter, when its payloads are encrypted. */
  dataConverter?: DataConverter;
}

interface SourcedHistory {
  source: string;
  workflowId: string;
  history: HistoryJson;
}

/**
 * The workflow id a history ran under, from its start input (histories carry none, and the workflows
 * key their side effects by it, so replaying under another id would not be the same run).
 */
export function workflowIdOf(history: HistoryJson): string {
  const started = history.events[0]?.workflowExecutionStartedEventAttributes as { input?: unknown } | undefined;
  const [input] = decodePayloads(started?.input) as [{ invoice?: { invoiceId: string }; planId?: string; customer?: { customerId: string } } | undefined];
  if (input?.invoice) return invoiceWorkflowId(input.invoice.invoiceId);
  if (input?.planId) return planWorkflowId(input.planId);
  return input?.customer ? customerOutreachWorkflowId(input.customer.customerId) : 'replayed-workflow';
}

/** The JSON files a path names: the file itself, or every `.json` file under a folder, sorted. */
function jsonFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target).sort().flatMap((name) => {
    const inner = path.join(target, name);
    return statSync(inner).isDirectory() ? jsonFiles(inner) : name.endsWith('.json') ? [inner] : [];
  });
}

/** The histories a file holds: one (a history file) or one per run (an audit export). */
function historiesIn(file: string): SourcedHistory[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Partial<AuditExport> & Partial<HistoryJson>;
  if (Array.isArray(json.runs)) {
    return json.runs.map((run, index) => ({ source: `${file} run ${index + 1} (${run.runId})`, workflowId: json.workflowId ?? workflowIdOf(run.history), history: run.history }));
  }
  if (Array.isArray(json.events)) return [{ source: file, workflowId: workflowIdOf(json as HistoryJson), history: json as HistoryJson }];
  throw new Error(`${file} is neither a workflow history ({"events": [...]}) nor an audit export ({"runs": [...]})`);
}

/** The history event id a nondeterminism message names (`HistoryEvent(id: 12, …)`), if it names one. */
export function eventIdInMessage(message: string): number | null {
  const match = /HistoryEvent\(\s*id:\s*(\d+)/.exec(message);
  return match ? Number(match[1]) : null;
}

/** The SDK's own words without the wrapping it adds (`… Details: Workflow activation completion failed: Failure { failure: Some(Failure { message: "…"`). */
function briefOf(message: string): string {
  return /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1] ?? message.replace(/^.*Details: /s, '');
}

/** Replays one history; answers the error it stopped at, if any. */
async function replayOnce(worker: ReplayWorkerOptions, workflowId: string, events: HistoryEventJson[]): Promise<unknown> {
  for await (const result of Worker.runReplayHistories(worker, [{ workflowId, history: historyFromJSON({ events }) }])) return result.error;
  return undefined;
}

/**
 * The event a nondeterminism stopped at. The SDK's message often names no event, so the history is
 * cut after each workflow task start (the shape of a history read while a task runs) and the
 * shortest prefix that still fails is found by bisection: the task completed last in it issued
 * commands the code no longer issues. Its event is the command the message quotes, else the task's
 * first command, else the task's completion.
 */
async function nondeterministicEvent(worker: ReplayWorkerOptions, history: SourcedHistory, message: string): Promise<number | null> {
  const named = eventIdInMessage(message);
  if (named !== null) return named;
  const { events } = history.history;
  const cuts = events.flatMap((event, index) => (eventTypeOf(event) === 'WORKFLOW_TASK_STARTED' ? [index + 1] : [])).slice(1);
  cuts.push(events.length);
  let [low, high] = [0, cuts.length - 1]; // cuts[high] fails (the whole history did)
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (await replayOnce(worker, history.workflowId, events.slice(0, cuts[middle]))) high = middle;
    else low = middle + 1;
  }
  const prefix = events.slice(0, cuts[high]);
  const completed = prefix.map(eventTypeOf).lastIndexOf('WORKFLOW_TASK_COMPLETED');
  if (completed < 0) return null;
  const commands = prefix.slice(completed + 1).filter((event) => !/^WORKFLOW_TASK_|^ACTIVITY_TASK_(STARTED|COMPLETED|FAILED|TIMED_OUT)|SIGNALED$|FIRED$/.test(eventTypeOf(event)));
  const quoted = /scheduled event '([^']+)'/.exec(message)?.[1];
  const matching = quoted ? commands.find((event) => (attributesOf(event).activityType as { name?: string } | undefined)?.name === quoted) : undefined;
  return Number((matching ?? commands[0] ?? prefix[completed]).eventId);
}

/** Replays one history against the workflow code; a nondeterminism is pinned to its event. */
async function replayOne(worker: ReplayWorkerOptions, history: SourcedHistory): Promise<ReplayOutcome> {
  const { source, workflowId } = history;
  // A run read before its first workflow task was scheduled (just continued as new) ran no code, and
  // the SDK's replayer waits for that task forever: there is nothing to compare.
  if (!history.history.events.some((event) => eventTypeOf(event) === 'WORKFLOW_TASK_SCHEDULED')) return { source, workflowId, status: 'replayed' };
  const error = await replayOnce(worker, workflowId, history.history.events);
  if (!error) return { source, workflowId, status: 'replayed' };
  const message = briefOf(error instanceof Error ? error.message : String(error));
  if (!(error instanceof DeterminismViolationError)) return { source, workflowId, status: 'failed', message };
  return { source, workflowId, status: 'nondeterminism', eventId: await nondeterministicEvent(worker, history, message), message };
}

/** Replays every history the paths hold (files or folders), one after another; the workflow code is bundled once. */
export async function replayHistories(paths: readonly string[], options: ReplayOptions = {}): Promise<ReplayOutcome[]> {
  const histories = paths.flatMap(jsonFiles).flatMap(historiesIn);
  if (histories.length === 0) return [];
  const worker: ReplayWorkerOptions = {
    workflowBundle: options.workflowBundle ?? await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: QUIET }),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  };
  const outcomes: ReplayOutcome[] = [];
  for (const history of histories) outcomes.push(await replayOne(worker, history));
  return outcomes;
}

const QUIET = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** One line for a person: `<source>: replayed`, or `<source>: nondeterminism at event <id>: <message>`. */
export function replayLine(outcome: ReplayOutcome): string {
  switch (outcome.status) {
    case 'replayed':
      return `${outcome.source}: replayed`;
    case 'nondeterminism':
      return `${outcome.source}: nondeterminism at event ${outcome.eventId ?? '?'}: ${outcome.message}`;
    case 'failed':
      return `${outcome.source}: replay failed: ${outcome.message}`;
  }
}
