/**
 * /v1/invoices/{id}/…: what happens to an invoice after registration — disputes, promises to pay,
 * holds, escalation approvals, charge waivers, settlement offers, chargebacks, bankruptcy notices
 * and write-off decisions. Each is a workflow update: the answer is the invoice's new state, and a
 * refusal names the field and the reason, with nothing applied.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { Router, type Request, type Response } from 'express';
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
import { callerOf } from '../access/access-control';
import { callerUpdateId } from '../../audit/caller-update-id';
import type { ApiCaller } from '../access/api-keys';
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
  prepare: (rawBody: unknown, ids: Record<string, string>, caller: ApiCaller) => (handle: WorkflowHandle) => Promise<unknown>;
  /** The update's fields taken from the caller's key, each with what it was: the workflow refusing one is a 403. */
  keyFields?: (caller: ApiCaller) => Record<string, string>;
}

/**
 * An action typed end to end: the body schema's output, the path's ids and the caller build exactly
 * the update's input; who acted always comes from the caller's key.
 */
function action<S extends z.ZodType, A>(a: {
  path: string;
  body: S;
  update: UpdateDefinition<unknown, [A]>;
  /** Builds the update's input from the body, the path's ids and the caller. */
  args: (body: z.output<S>, ids: Record<string, string>, caller: ApiCaller) => A;
  created?: boolean;
  keyFields?: Action['keyFields'];
}): Action {
  return {
    path: a.path,
    created: a.created,
    keyFields: a.keyFields,
    prepare: (rawBody, ids, caller) => {
      const input = a.args(parseRequest(a.body, rawBody, 'body'), ids, caller);
      // The update's id names the caller's key, so the history says under which key it was decided.
      return (handle) => handle.executeUpdate(a.update, { args: [input], updateId: callerUpdateId(caller.keyId) });
    },
  };
}

/** What the workflow checks a write-off approval's role against: the approver role the key carries. */
const approverRoleOf = (caller: ApiCaller) => ({
  role: caller.approverRole ? `this key's write-off approver role "${caller.approverRole}"` : 'this key carries no write-off approver role',
});

const ACTIONS: Action[] = [
  action({ path: '/disputes', body: openDisputeSchema, update: openDisputeUpdate, args: (body) => body, created: true }),
  action({ path: '/disputes/:disputeId/resolution', body: resolveDisputeSchema, update: resolveDisputeUpdate,
    args: (body, p, caller) => ({ ...body, disputeId: p.disputeId, resolvedBy: caller.holder }) }),
  action({ path: '/promises', body: promiseToPaySchema, update: promiseToPayUpdate, args: (body, _p, caller) => ({ ...body, takenBy: caller.holder }), created: true }),
  action({ path: '/holds', body: placeHoldSchema, update: placeHoldUpdate, args: (body) => body, created: true }),
  action({ path: '/holds/:holdId/release', body: releaseHoldSchema, update: releaseHoldUpdate,
    args: (body, p, caller) => ({ ...body, holdId: p.holdId, releasedBy: caller.holder }) }),
  action({ path: '/escalation-decisions', body: escalationDecisionSchema, update: decideEscalationUpdate, args: (body, _p, caller) => ({ ...body, decidedBy: caller.holder }) }),
  action({ path: '/charge-waivers', body: waiveChargesSchema, update: waiveChargesUpdate, args: (body, _p, caller) => ({ ...body, decidedBy: caller.holder }) }),
  action({ path: '/settlement-offers', body: settlementOfferSchema, update: proposeSettlementUpdate,
    args: (body, _p, caller) => ({ ...body, proposedBy: caller.holder }), created: true }),
  action({ path: '/settlement-offers/:offerId/decision', body: settlementDecisionSchema, update: decideSettlementUpdate,
    args: (body, p, caller) => ({ ...body, offerId: p.offerId, decidedBy: caller.holder }) }),
  action({ path: '/payments/:paymentId/reversal', body: reversalSchema, update: reversePaymentUpdate, args: (body, p) => ({ ...body, paymentId: p.paymentId }) }),
  action({ path: '/bankruptcy', body: bankruptcySchema, update: reportBankruptcyUpdate, args: (body, _p, caller) => ({ ...body, reportedBy: caller.holder }) }),
  action({ path: '/write-off-decision', body: writeOffDecisionSchema, update: decideWriteOffUpdate, keyFields: approverRoleOf,
    args: (body, _p, caller) => ({ ...body, decidedBy: caller.holder, ...(caller.approverRole ? { role: caller.approverRole } : {}) }) }),
];

const pathIds = z.record(z.string(), businessKey);

export function lifecycleRoutes(deps: LifecycleRouteDependencies): Router {
  const router = Router();
  for (const { path, prepare, created, keyFields } of ACTIONS) {
    router.post(`/invoices/:invoiceId${path}`, async (req: Request, res: Response) => {
      const { invoiceId, ...ids } = parseRequest(pathIds, req.params, 'path');
      const caller = callerOf(res);
      const run = prepare(req.body, ids, caller);
      const invoice = await deps.db.query<{ status: string }>('SELECT status FROM invoices WHERE invoice_id = $1', [invoiceId]);
      if (invoice.rowCount === 0) throw notFound(`invoice ${invoiceId}`);
      try {
        const answer = await run(deps.client.workflow.getHandle(invoiceWorkflowId(invoiceId)));
        res.status(created ? 201 : 200).json(answer);
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw fromWorkflowRefusal(error, Object.keys(ids), keyFields?.(caller));
        if (error instanceof WorkflowNotFoundError) {
          throw invoiceClosed(invoiceId, invoice.rows[0].status);
        }
        throw error;
      }
    });
  }
  return router;
}
