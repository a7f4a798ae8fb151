/** Moving running invoices to another policy version, one (`/invoices/{id}/policy`) or all of a policy's. */
import { Router } from 'express';
import { z } from 'zod';
import { moveInvoicesToVersion, moveInvoiceToPolicy, type PolicyMoveDependencies } from '../../invoices/policy-move';
import { callerOf } from '../access/access-control';
import { parseRequest } from '../problem';
import { businessKey, policyVersionNumber, policyVersionParam, text } from '../request-schemas';

const policyId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a policy id: lower-case letters, digits and dashes').max(100);

/** Moving one invoice: to `version` of its policy, or of `policyId`. Who moved it is the caller's key. */
export const moveOneSchema = z.object({ policyId: policyId.optional(), version: policyVersionNumber, reason: text(500).optional() }).strict();
/** Moving every open invoice of older versions (or the listed ones). Who moved them is the caller's key. */
export const moveAllSchema = z.object({ reason: text(500).optional(), invoiceIds: z.array(businessKey).min(1).max(10_000).optional() }).strict();

export function policyMoveRoutes(deps: PolicyMoveDependencies): Router {
  const router = Router();

  router.post('/invoices/:invoiceId/policy', async (req, res) => {
    const { invoiceId } = parseRequest(z.object({ invoiceId: businessKey }), req.params, 'path');
    const request = parseRequest(moveOneSchema, req.body, 'body');
    res.json(await moveInvoiceToPolicy(deps, invoiceId, { ...request, movedBy: callerOf(res).holder }));
  });

  router.post('/policies/:policyId/versions/:version/move-invoices', async (req, res) => {
    const params = parseRequest(z.object({ policyId, version: policyVersionParam }), req.params, 'path');
    const request = parseRequest(moveAllSchema, req.body, 'body');
    res.json(await moveInvoicesToVersion(deps, params.policyId, params.version, { ...request, movedBy: callerOf(res).holder }));
  });

  return router;
}
