/**
 * The audit timeline of a workflow, read from its history alone (every run, oldest first): what was
 * started, every side effect it decided (a notice, a task, a posting, a timeline entry) with why, and
 * every signal and update it received with who decided under which key.
 */
import { CALLER_FIELDS } from '../api/access/caller-fields';
import { whyOf, type Why } from '../domain/why';
import { attributesOf, decodePayload, decodePayloads, eventTypeOf, type HistoryEventJson, type HistoryJson } from './history-json';
import { keyIdOfUpdate } from './caller-update-id';

/** Who decided a signal or an update: the API key's holder, the approver role it decided in, the key's id (either may be all that is known). */
export interface DecidedBy {
  holder?: string;
  role?: string;
  keyId?: string;
}

/** One line of the audit timeline, tied to the history event it was read from. */
export interface AuditEntry {
  at: string;
  runId: string;
  eventId: number;
  kind: 'started' | 'action' | 'signal' | 'update' | 'continued_as_new' | 'closed';
  /** The timeline entry's type (`notice_sent`, `call_task_opened` …), the signal's or update's name, or the activity's. */
  type: string;
  what: string;
  why?: Why;
  decidedBy?: DecidedBy;
  /** A signal's or update's arguments without who sent them (that is `decidedBy`). */
  details?: Record<string, unknown>;
}

/** One run of a workflow and its history. */
export interface AuditRun {
  runId: string;
  history: HistoryJson;
}

/** The collection event an activity's input carries (directly, as `event`, or in a contact request's notice). */
interface CarriedEvent {
  type: string;
  summary: string;
  data?: Record<string, unknown>;
}

function carriedEvent(input: unknown): CarriedEvent | undefined {
  const value = input as { idempotencyKey?: string; event?: unknown; request?: { notice?: { event?: unknown } } } | undefined;
  if (!value || typeof value !== 'object') return undefined;
  if (typeof value.idempotencyKey === 'string' && 'summary' in value) return value as unknown as CarriedEvent;
  return (value.event ?? value.request?.notice?.event) as CarriedEvent | undefined;
}

const CLOSED: Record<string, string> = {
  WORKFLOW_EXECUTION_COMPLETED: 'workflow completed',
  WORKFLOW_EXECUTION_FAILED: 'workflow failed',
  WORKFLOW_EXECUTION_TERMINATED: 'workflow terminated',
  WORKFLOW_EXECUTION_CANCELED: 'workflow cancelled',
  WORKFLOW_EXECUTION_TIMED_OUT: 'workflow timed out',
};

/** Who sent a message, from the fields the API fills in from the caller's key; the rest are its details. */
function splitCaller(args: unknown, keyId?: string): { decidedBy?: DecidedBy; details?: Record<string, unknown> } {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return args === undefined ? {} : { details: { value: args } };
  const record = args as Record<string, unknown>;
  const holderField = CALLER_FIELDS.find((field) => field !== 'role' && typeof record[field] === 'string');
  const details = Object.fromEntries(Object.entries(record).filter(([field]) => !CALLER_FIELDS.includes(field)));
  if (!holderField && !keyId) return { details };
  const role = typeof record.role === 'string' ? record.role : undefined;
  return { decidedBy: { ...(holderField ? { holder: record[holderField] as string } : {}), ...(role ? { role } : {}), ...(keyId ? { keyId } : {}) }, details };
}

function startedEntry(attributes: Record<string, unknown>): Pick<AuditEntry, 'what' | 'type'> {
  const type = (attributes.workflowType as { name?: string } | undefined)?.name ?? 'workflow';
  const [input] = decodePayloads(attributes.input) as [{ invoice?: { invoiceId?: string }; policy?: { policyId?: string; version?: number }; carried?: unknown } | undefined];
  const policy = input?.policy ? `, policy ${input.policy.policyId}@${input.policy.version}` : '';
  const subject = input?.invoice?.invoiceId ? ` for invoice ${input.invoice.invoiceId}` : '';
  const how = attributes.continuedExecutionRunId ? 'continued as new' : 'started';
  return { type, what: `${type} ${how}${subject}${policy}` };
}

function actionEntry(event: HistoryEventJson, attributes: Record<string, unknown>): Pick<AuditEntry, 'what' | 'type' | 'why'> {
  const activity = (attributes.activityType as { name?: string } | undefined)?.name ?? 'activity';
  const [input] = decodePayloads(attributes.input);
  const carried = carriedEvent(input);
  const summary = decodePayload(event.userMetadata?.summary);
  const what = typeof summary === 'string' ? summary : carried?.summary ?? activity;
  const why = whyOf(carried?.data) ?? undefined;
  return { type: carried?.type ?? activity, what, ...(why ? { why } : {}) };
}

function messageEntry(kind: 'signal' | 'update', name: string, args: unknown, keyId?: string): Pick<AuditEntry, 'what' | 'type' | 'decidedBy' | 'details'> {
  const { decidedBy, details } = splitCaller(args, keyId);
  return { type: name, what: `${kind} ${name}${details && Object.keys(details).length > 0 ? ` ${JSON.stringify(details)}` : ''}`, ...(decidedBy ? { decidedBy } : {}), ...(details ? { details } : {}) };
}

/** The entry an event makes, if it makes one (timers, workflow tasks and activity results do not). */
function entryOf(event: HistoryEventJson): Omit<AuditEntry, 'at' | 'runId' | 'eventId'> | undefined {
  const type = eventTypeOf(event);
  const attributes = attributesOf(event);
  switch (type) {
    case 'WORKFLOW_EXECUTION_STARTED':
      return { kind: 'started', ...startedEntry(attributes) };
    case 'ACTIVITY_TASK_SCHEDULED':
      return { kind: 'action', ...actionEntry(event, attributes) };
    case 'WORKFLOW_EXECUTION_SIGNALED':
      return { kind: 'signal', ...messageEntry('signal', String(attributes.signalName), decodePayloads(attributes.input)[0]) };
    case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED': {
      const request = attributes.acceptedRequest as { meta?: { updateId?: string }; input?: { name?: string; args?: unknown } } | undefined;
      return { kind: 'update', ...messageEntry('update', request?.input?.name ?? 'update', decodePayloads(request?.input?.args)[0], keyIdOfUpdate(request?.meta?.updateId)) };
    }
    case 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW':
      return { kind: 'continued_as_new', type: 'continued_as_new', what: 'continued as new (the history had grown large)' };
    default:
      return CLOSED[type] ? { kind: 'closed', type: type.toLowerCase(), what: CLOSED[type] } : undefined;
  }
}

/** The audit timeline of every run, oldest first. */
export function auditTimeline(runs: readonly AuditRun[]): AuditEntry[] {
  return runs.flatMap(({ runId, history }) => history.events.flatMap((event) => {
    const entry = entryOf(event);
    return entry ? [{ at: event.eventTime, runId, eventId: Number(event.eventId), ...entry }] : [];
  }));
}
