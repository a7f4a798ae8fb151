/**
 * Temporal Cloud billable actions read from workflow histories.
 *
 * The list counted, from Temporal Cloud's own pages (https://docs.temporal.io/cloud/actions and the
 * Actions section of https://docs.temporal.io/cloud/pricing):
 *   - workflow started: a client start, a continue-as-new run, a child workflow start (a child is
 *     two: the parent's initiation and the attempted execution);
 *   - signal-with-start: one action in all, whether or not it starts the workflow;
 *   - signal: one per signal received, from a client or from another workflow (counted once, where it
 *     lands, so a signal between two measured workflows is not counted twice);
 *   - update: one per update accepted (a rejected update is also billed but leaves no history event;
 *     none is sent here);
 *   - timer started, including the implicit timer of a TypeScript `condition` with a timeout;
 *   - search-attribute upsert: one per UpsertWorkflowSearchAttributes command, however many
 *     attributes it carries (attributes given at start are free; TemporalChangeVersion is exempt);
 *   - activity started or retried: one per attempt;
 *   - local activities and side effects: all markers of one workflow task are one action;
 *   - workflow execution options updated;
 *   - activity heartbeats that reach the server: not in the history; estimated by the caller;
 *   - queries: not in the history; the benchmarks send none.
 * Not billed: workflow tasks (and their heartbeats, which matter only with local activities), activity
 * completions, timers firing, workflow completion. Patch markers (`patched()`) are counted apart:
 * the pages bill markers only as local activities, so they are shown but left out of the total.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

/** Action counts by kind, and the finer contributors (activity types, signal and update names) behind them. */
export interface ActionCount {
  byKind: Map<string, number>;
  byContributor: Map<string, number>;
  total: number;
  historyEvents: number;
  runs: number;
  /** Patch markers, one per workflow task that records any: shown, not in the total. */
  patchMarkerTasks: number;
  /** Each billable action with the time of its event, in history order. */
  actions: { at: string; kind: string; contributor: string; detail: string }[];
}

export function emptyCount(): ActionCount {
  return { byKind: new Map(), byContributor: new Map(), total: 0, historyEvents: 0, runs: 0, patchMarkerTasks: 0, actions: [] };
}

function add(count: ActionCount, kind: string, contributor: string, n = 1, event?: HistoryEvent): void {
  if (n === 0) return;
  const seconds = Number(event?.eventTime?.seconds ?? 0);
  for (let i = 0; i < n; i += 1) count.actions.push({ at: event ? new Date(seconds * 1000).toISOString() : '', kind, contributor, detail: detailOf(event) });
  count.byKind.set(kind, (count.byKind.get(kind) ?? 0) + n);
  count.byContributor.set(contributor, (count.byContributor.get(contributor) ?? 0) + n);
  count.total += n;
}

/** What a timeline line adds to its contributor: an upsert's attributes, a timer's duration. */
function detailOf(event: HistoryEvent | undefined): string {
  const fields = Object.keys(event?.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
  if (fields.length > 0) return fields.join(', ');
  const timeout = event?.timerStartedEventAttributes?.startToFireTimeout?.seconds;
  return timeout === undefined || timeout === null ? '' : `${(Number(timeout) / 3600).toFixed(1)} h`;
}

/** Adds one run's history to a count. */
export function countRun(count: ActionCount, events: HistoryEvent[]): void {
  count.runs += 1;
  count.historyEvents += events.length;
  // Signal-with-start writes the start and its signal before the first workflow task starts (the
  // real server puts the signal second, the Java test server third); a continued run never has one.
  const firstTask = events.findIndex((event) => event.eventType === T.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  const firstSignal = events.findIndex((event) => event.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
  const continuedRun = Boolean(events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId);
  const signalWithStart = !continuedRun && firstSignal > 0 && (firstTask < 0 || firstSignal < firstTask);
  const markerTasks = new Map<string, HistoryEvent>();
  const patchTasks = new Set<string>();
  for (const [index, event] of events.entries()) {
    switch (event.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const continued = Boolean(event.workflowExecutionStartedEventAttributes?.continuedExecutionRunId);
        if (!signalWithStart) add(count, continued ? 'continue-as-new' : 'workflow started', continued ? 'continue-as-new' : 'workflow start', 1, event);
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const name = event.workflowExecutionSignaledEventAttributes?.signalName ?? '?';
        add(count, signalWithStart && index === firstSignal ? 'signal-with-start' : 'signal received', `signal ${name}`, 1, event);
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        add(count, 'update', `update ${event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? '?'}`, 1, event);
        break;
      case T.EVENT_TYPE_TIMER_STARTED:
        add(count, 'timer started', 'timers (sleeps and condition timeouts)', 1, event);
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (fields.some((field) => field !== 'TemporalChangeVersion')) add(count, 'search-attribute upsert', 'search-attribute upserts', 1, event);
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        add(count, 'activity attempt', `activity ${event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?'}`, 1, event);
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        // Retries leave no event of their own: the started event of the last attempt carries its number.
        const retries = (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1;
        add(count, 'activity retry', 'activity retries', retries, event);
        break;
      }
      case T.EVENT_TYPE_MARKER_RECORDED: {
        const task = String(event.markerRecordedEventAttributes?.workflowTaskCompletedEventId ?? index);
        if (event.markerRecordedEventAttributes?.markerName === 'core_patch') patchTasks.add(task);
        else if (!markerTasks.has(task)) markerTasks.set(task, event);
        break;
      }
      case T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        add(count, 'child workflow', 'child workflows', 2, event);
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
        add(count, 'workflow options updated', 'workflow options updated', 1, event);
        break;
      default:
    }
  }
  for (const marker of markerTasks.values()) add(count, 'local activity / side effect', 'local activities and side effects', 1, marker);
  count.patchMarkerTasks += patchTasks.size;
}

/** Every run of a workflow, newest first, following continue-as-new back to the first. */
export async function historiesOf(handle: WorkflowHandle): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined;
  for (;;) {
    const events = (await handle.client.getHandle(handle.workflowId, runId).fetchHistory()).events ?? [];
    runs.push(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) return runs;
  }
}

/** Counts every run of a workflow. */
export async function countWorkflow(handle: WorkflowHandle): Promise<ActionCount> {
  const count = emptyCount();
  for (const events of await historiesOf(handle)) countRun(count, events);
  return count;
}
