/**
 * Where an update's time goes, read from the workflow's history: the server stamps each event, so
 * the gaps between the events of one update (its workflow task, the activities it waits for, its
 * completion) split the round trip the client saw into stages.
 */
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

/** One stage: from which event to which, and how long it took. */
export interface Stage {
  label: string;
  ms: number;
}

const NAMES: Record<number, string> = {
  [T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED]: 'workflow task scheduled',
  [T.EVENT_TYPE_WORKFLOW_TASK_STARTED]: 'workflow task started',
  [T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED]: 'workflow task completed',
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]: 'update accepted',
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED]: 'update completed',
  [T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]: 'activity scheduled',
  [T.EVENT_TYPE_ACTIVITY_TASK_STARTED]: 'activity started',
  [T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED]: 'activity completed',
  [T.EVENT_TYPE_TIMER_STARTED]: 'timer started',
  [T.EVENT_TYPE_TIMER_FIRED]: 'timer fired',
  [T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES]: 'search attributes upserted',
};

function nameOf(event: HistoryEvent): string {
  const type = Number(event.eventType);
  const name = NAMES[type] ?? temporal.api.enums.v1.EventType[type]?.replace('EVENT_TYPE_', '').toLowerCase() ?? String(type);
  const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
  return activity ? `${name} (${activity})` : name;
}

function msOf(event: HistoryEvent): number {
  const time = event.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
}

/**
 * The stages of the update `updateId` (or the first one found), from the client's send to its answer:
 * client → the workflow task that took it, each event to the next, update completed → client.
 * Activity events are labelled with their type; the history is ordered by event id, not time.
 */
export function updateStages(events: HistoryEvent[], sentAt: number, answeredAt: number, updateId?: string): Stage[] {
  const accepted = events.findIndex((event) => event.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    && (!updateId || event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId));
  if (accepted < 0) return [];
  const id = events[accepted].workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId;
  let first = accepted;
  while (first > 0 && events[first].eventType !== T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) first -= 1;
  const last = events.findIndex((event, index) => index > accepted && event.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
    && event.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === (updateId ?? id));
  if (last < 0) return [];
  const slice = events.slice(first, last + 1);
  const stages: Stage[] = [{ label: `client sends → ${nameOf(slice[0])}`, ms: msOf(slice[0]) - sentAt }];
  for (let i = 1; i < slice.length; i += 1) stages.push({ label: `${nameOf(slice[i - 1])} → ${nameOf(slice[i])}`, ms: msOf(slice[i]) - msOf(slice[i - 1]) });
  stages.push({ label: 'update completed → client has the answer', ms: answeredAt - msOf(slice[slice.length - 1]) });
  return stages;
}

/** Median of each stage over many updates with the same sequence of stages (the most common one). */
export function medianStages(runs: Stage[][]): { stages: Stage[]; runs: number } {
  const bySignature = new Map<string, Stage[][]>();
  for (const run of runs) {
    const signature = run.map((stage) => stage.label).join('|');
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), run]);
  }
  const common = [...bySignature.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const stages = (common[0] ?? []).map((stage, index) => {
    const values = common.map((run) => run[index].ms).sort((a, b) => a - b);
    return { label: stage.label, ms: values[Math.floor((values.length - 1) / 2)] };
  });
  return { stages, runs: common.length };
}
