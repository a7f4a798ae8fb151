/**
 * /v1/invoices/{invoiceId}/audit: the audit export of an invoice's workflow, for auditors and
 * managers: every run's full history (to replay) and the timeline read from it, or (`?format=text`)
 * that timeline as text, one line per event with why and who decided.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { exportInvoiceAudit } from '../../audit/audit-export';
import { timelineText } from '../../audit/timeline-text';
import { notFound, parseRequest } from '../problem';
import { invoiceIdParams } from '../request-schemas';

/** The export's query: the whole export as JSON (default), or the timeline as text. */
export const auditQuery = z.object({
  format: z.enum(['json', 'text'], { error: 'must be "json" or "text"' }).default('json'),
}).strict();

const why = z.object({
  policyId: z.string(), policyVersion: z.number().int(), rule: z.string().describe('the step or rule: `dunning step day 30 "final-notice"`, `promise broken` …'),
  inputs: z.looseObject({ balanceMinor: z.number().int(), currency: z.string(), daysPastDue: z.number().int(), interestMinor: z.number().int(), lateFeeMinor: z.number().int() }),
}).describe('why: the policy id and version, the rule, and the figures it decided on');

/** The export as the route answers it (the OpenAPI document's schema). */
export const auditExportSchema = z.object({
  workflowId: z.string(),
  exportedAt: z.string().describe('ISO 8601 date-time'),
  runs: z.array(z.object({
    runId: z.string(),
    history: z.object({ events: z.array(z.looseObject({ eventId: z.string(), eventTime: z.string(), eventType: z.string() })) })
      .describe('the run\'s full history as `temporal workflow show --output json` writes it; `collections audit replay` replays it'),
  })).describe('every run across continue-as-new, oldest first'),
  timeline: z.array(z.object({
    at: z.string(), runId: z.string(), eventId: z.number().int(),
    kind: z.enum(['started', 'action', 'signal', 'update', 'continued_as_new', 'closed']),
    type: z.string(), what: z.string(), why: why.optional(),
    decidedBy: z.object({ holder: z.string().optional(), role: z.string().optional(), keyId: z.string().optional() }).optional()
      .describe('the API key\'s holder, the approver role it decided in, and the key\'s id'),
    details: z.record(z.string(), z.unknown()).optional(),
  })),
});

export interface AuditRouteDependencies {
  db: Pool;
  client: Client;
}

export function auditRoutes(deps: AuditRouteDependencies): Router {
  const router = Router();
  router.get('/invoices/:invoiceId/audit', async (req, res) => {
    const { invoiceId } = parseRequest(invoiceIdParams, req.params, 'path');
    const { format } = parseRequest(auditQuery, req.query, 'query');
    const registered = await deps.db.query('SELECT 1 FROM invoices WHERE invoice_id = $1', [invoiceId]);
    if (registered.rowCount === 0) throw notFound(`invoice ${invoiceId}`);
    try {
      const audit = await exportInvoiceAudit(deps.client, invoiceId);
      if (format === 'text') res.type('text/plain; charset=utf-8').send(timelineText(audit));
      else res.json(audit);
    } catch (error) {
      // Registered, but its workflow is not (yet) started, or its history is past the namespace's retention.
      if (error instanceof WorkflowNotFoundError) throw notFound(`the workflow of invoice ${invoiceId}`);
      throw error;
    }
  });
  return router;
}
