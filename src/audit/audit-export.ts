/**
 * The audit export of an invoice's workflow: the full history of every run (across continue-as-new,
 * oldest first, each in the JSON the replayer reads) and the timeline read from it.
 */
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { invoiceWorkflowId } from '../../workflows/invoice-collection/definitions';
import { auditTimeline, type AuditEntry, type AuditRun } from './audit-timeline';
import { attributesOf, decodedHistory, type HistoryJson } from './history-json';

/** What `collections audit export` writes and `GET /v1/invoices/{id}/audit` answers. */
export interface AuditExport {
  workflowId: string;
  exportedAt: string;
  runs: AuditRun[];
  timeline: AuditEntry[];
}

/** The run this run continued, if it was started by continue-as-new. */
function previousRunId(history: HistoryJson): string | undefined {
  const started = history.events[0];
  const previous = started ? attributesOf(started).continuedExecutionRunId : undefined;
  return typeof previous === 'string' && previous !== '' ? previous : undefined;
}

/**
 * Every run of the workflow's latest chain, oldest first: from the latest run back through each
 * start's `continuedExecutionRunId` (the history itself, so no visibility query that may lag).
 */
export async function workflowRuns(client: Client, workflowId: string): Promise<AuditRun[]> {
  const latest = await client.workflow.getHandle(workflowId).describe();
  const runs: AuditRun[] = [];
  for (let runId: string | undefined = latest.runId; runId; runId = previousRunId(runs[0].history)) {
    const history = JSON.parse(historyToJSON(await client.workflow.getHandle(workflowId, runId).fetchHistory())) as HistoryJson;
    runs.unshift({ runId, history });
  }
  return runs;
}

/** The export of an invoice's workflow (`invoice-<invoiceId>`); throws WorkflowNotFoundError when there is none. */
export async function exportInvoiceAudit(client: Client, invoiceId: string, now = new Date()): Promise<AuditExport> {
  const workflowId = invoiceWorkflowId(invoiceId);
  const runs = await workflowRuns(client, workflowId);
  // Payload codecs (encryption) apply to reading only: the histories are exported as the server keeps them, to replay.
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  const readable = await Promise.all(runs.map(async (run) => ({ runId: run.runId, history: await decodedHistory(run.history, codecs) })));
  return { workflowId, exportedAt: now.toISOString(), runs, timeline: auditTimeline(readable) };
}
