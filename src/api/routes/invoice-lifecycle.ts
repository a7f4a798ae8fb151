/**
 * /v1/invoices/{id}/…: what happens to an invoice after registration — disputes, promises to pay,
 * holds, escalation approvals, charge waivers, settlement offers, chargebacks, bankruptcy notices
 * and write-off decisions. Each is a workflow update: the answer is the invoice's new state, and a
 * refusal names the field and the reason, with nothing applied.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { Router, type Request } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import {
  decideEscalationUpdate, decideSettlementUpdate, decideWriteOffUpdate, invoiceWorkflowId, openDisputeUpdate, placeHoldUpdate,
  promiseToPayUpdate, proposeSettlementUpdate, releaseHoldUpdate, reportBankruptcyUpdate, resolveDisputeUpdate, reversePaymentUpdate,
  waiveChargesUpdate,
} from '../../../workflows/invoice-collection/definitions';
import {
  bankruptcySchema, escalationDecisionSchema, openDisputeSchema, placeHoldSchema, promiseToPaySchema, releaseHoldSchema, resolveDisputeSchema,
  reversalSchema, settlementDecisionSchema, settlementOfferSchema, waiveChargesSchema,
} from '../lifecycle-request-schemas';
import { fromWorkflowRefusal, invoiceClosed, notFound, parseRequest } from '../problem';
import { businessKey, writeOffDecisionSchema } from '../request-schemas';

export interface LifecycleRouteDependencies {
  db: Pool;
  client: Client;
}

/** One action: where it is posted, and how a request becomes the workflow update it runs. */
interface Action {
  path: string;
  created?: boolean;
  /** Validates the body (a problem names the failing field) and answers how to run the update on the invoice's workflow. */
  prepare: (rawBody: unknown, ids: Record<string, string>) => (handle: WorkflowHandle) => Promise<unknown>;
}

/** An action typed end to end: the body schema's output and the path's ids build exactly the update's input. */
function action<S extends z.ZodType, A>(a: {
  path: string;
  body: S;
  update: UpdateDefinition<unknown, [A]>;
  /** Builds the update's input from the body and the path's ids. */
  args: (body: z.output<S>, ids: Record<string, string>) => A;
  created?: boolean;
}): Action {
  return {
    path: a.path,
    created: a.created,
    prepare: (rawBody, ids) => {
      const input = a.args(parseRequest(a.body, rawBody, 'body'), ids);
      return (handle) => handle.executeUpdate(a.update, { args: [input] });
    },
  };
}

const ACTIONS: Action[] = [
  action({ path: '/disputes', body: openDisputeSchema, update: openDisputeUpdate, args: (body) => body, created: true }),
  action({ path: '/disputes/:disputeId/resolution', body: resolveDisputeSchema, update: resolveDisputeUpdate, args: (body, p) => ({ ...body, disputeId: p.disputeId }) }),
  action({ path: '/promises', body: promiseToPaySchema, update: promiseToPayUpdate, args: (body) => body, created: true }),
  action({ path: '/holds', body: placeHoldSchema, update: placeHoldUpdate, args: (body) => body, created: true }),
  action({ path: '/holds/:holdId/release', body: releaseHoldSchema, update: releaseHoldUpdate, args: (body, p) => ({ ...body, holdId: p.holdId }) }),
  action({ path: '/escalation-decisions', body: escalationDecisionSchema, update: decideEscalationUpdate, args: (body) => body }),
  action({ path: '/charge-waivers', body: waiveChargesSchema, update: waiveChargesUpdate, args: (body) => body }),
  action({ path: '/settlement-offers', body: settlementOfferSchema, update: proposeSettlementUpdate, args: (body) => body, created: true }),
  action({ path: '/settlement-offers/:offerId/decision', body: settlementDecisionSchema, update: decideSettlementUpdate, args: (body, p) => ({ ...body, offerId: p.offerId }) }),
  action({ path: '/payments/:paymentId/reversal', body: reversalSchema, update: reversePaymentUpdate, args: (body, p) => ({ ...body, paymentId: p.paymentId }) }),
  action({ path: '/bankruptcy', body: bankruptcySchema, update: reportBankruptcyUpdate, args: (body) => body }),
  action({ path: '/write-off-decision', body: writeOffDecisionSchema, update: decideWriteOffUpdate, args: (body) => body }),
];

const pathIds = z.record(z.string(), businessKey);

export function lifecycleRoutes(deps: LifecycleRouteDependencies): Router {
  const router = Router();
  for (const { path, prepare, created } of ACTIONS) {
    router.post(`/invoices/:invoiceId${path}`, async (req: Request, res) => {
      const { invoiceId, ...ids } = parseRequest(pathIds, req.params, 'path');
      const run = prepare(req.body, ids);
      const invoice = await deps.db.query<{ status: string }>('SELECT status FROM invoices WHERE invoice_id = $1', [invoiceId]);
      if (invoice.rowCount === 0) throw notFound(`invoice ${invoiceId}`);
      try {
        const answer = await run(deps.client.workflow.getHandle(invoiceWorkflowId(invoiceId)));
        res.status(created ? 201 : 200).json(answer);
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw fromWorkflowRefusal(error, Object.keys(ids));
        if (error instanceof WorkflowNotFoundError) {
          throw invoiceClosed(invoiceId, invoice.rows[0].status);
        }
        throw error;
      }
    });
  }
  return router;
}
