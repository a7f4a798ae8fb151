/**
 * /v1/plans: payment plans. Propose one (answered accepted, awaiting approval or refused with the
 * field and the reason), approve or decline a custom plan, read it, record a payment towards it,
 * cancel it, and recommend terms for a customer. Who acted comes from the caller's API key.
 */
import { Router } from 'express';
import { z } from 'zod';
import { BUSINESS_KEY_PATTERN, businessKey } from '../../domain/invoice-messages';
import { planApprovalMessage, planCancelMessage, planPaymentMessage, planProposalMessage } from '../../domain/payment-plan-messages';
import { approvePlan, cancelPlan, payPlan, proposePlan, readPlan, recommendTerms, type PlanServiceDependencies } from '../../plans/plan-service';
import { callerOf } from '../access/access-control';
import { fromWorkflowRefusal, parseRequest } from '../problem';
import { WorkflowUpdateFailedError } from '@temporalio/client';

export const planProposalSchema = planProposalMessage.omit({ proposedBy: true });
export const planApprovalSchema = planApprovalMessage.omit({ decidedBy: true, role: true });
export const planPaymentSchema = planPaymentMessage;
export const planCancelSchema = planCancelMessage.omit({ cancelledBy: true });
const planPath = z.object({ planId: businessKey }).strict();
/** Invoice ids separated by commas, spaces allowed around them. */
const INVOICE_ID_LIST = new RegExp(`^ *${BUSINESS_KEY_PATTERN} *(, *${BUSINESS_KEY_PATTERN} *)*$`);

export const recommendQuery = z.object({
  customerId: businessKey,
  /** Comma-separated invoice ids; default: every open invoice of the customer. */
  invoiceIds: z.string().max(5_000).regex(INVOICE_ID_LIST, 'must be invoice ids separated by commas').optional(),
}).strict();

/** A plan's refusal of an update, in problem+json: its field is in the body. */
async function toPlan<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw fromWorkflowRefusal(error);
    throw error;
  }
}

export function planRoutes(deps: PlanServiceDependencies): Router {
  const router = Router();

  router.post('/plans', async (req, res) => {
    const body = parseRequest(planProposalSchema, req.body, 'body');
    const decision = await toPlan(() => proposePlan(deps, { ...body, proposedBy: callerOf(res).holder }));
    if (decision.outcome === 'refused') {
      const field = `body.${decision.field ?? 'planId'}`;
      res.status(422).type('application/problem+json').json({
        type: '/problems/plan-refused', title: 'Payment plan refused', status: 422, detail: `${field}: ${decision.reason}`, instance: req.originalUrl,
        errors: [{ field, reason: decision.reason }], decision,
      });
      return;
    }
    res.status(decision.outcome === 'accepted' ? 201 : 202).json(decision);
  });

  router.get('/plans/recommendation', async (req, res) => {
    const query = parseRequest(recommendQuery, req.query, 'query');
    const invoiceIds = query.invoiceIds?.split(',').map((id) => id.trim());
    res.json(await recommendTerms(deps, query.customerId, invoiceIds));
  });

  router.get('/plans/:planId', async (req, res) => {
    const { planId } = parseRequest(planPath, req.params, 'path');
    res.json(await readPlan(deps, planId));
  });

  router.post('/plans/:planId/approval', async (req, res) => {
    const { planId } = parseRequest(planPath, req.params, 'path');
    const body = parseRequest(planApprovalSchema, req.body, 'body');
    const caller = callerOf(res);
    try {
      res.json(await approvePlan(deps, planId, { ...body, decidedBy: caller.holder, ...(caller.approverRole ? { role: caller.approverRole } : {}) }));
    } catch (error) {
      // The approver's role comes from the key: a role not allowed the plan's total is the key's to fix.
      if (error instanceof WorkflowUpdateFailedError) {
        throw fromWorkflowRefusal(error, [], { role: caller.approverRole ? `this key's approver role "${caller.approverRole}"` : 'this key carries no approver role' });
      }
      throw error;
    }
  });

  router.post('/plans/:planId/payments', async (req, res) => {
    const { planId } = parseRequest(planPath, req.params, 'path');
    const body = parseRequest(planPaymentSchema, req.body, 'body');
    const result = await toPlan(() => payPlan(deps, planId, body));
    res.status(result.duplicate ? 200 : 201).json(result);
  });

  router.post('/plans/:planId/cancel', async (req, res) => {
    const { planId } = parseRequest(planPath, req.params, 'path');
    const body = parseRequest(planCancelSchema, req.body, 'body');
    res.json(await toPlan(() => cancelPlan(deps, planId, { ...body, cancelledBy: callerOf(res).holder })));
  });

  return router;
}
