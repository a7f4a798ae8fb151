/**
 * /v1/customers/{customerId}/…: the account as a whole, kept by the customer's outreach workflow:
 * its "do not dun" flag (every invoice of the customer stops contacting them until it is lifted)
 * its communication timeline (what was sent when, for which invoices), and how the customer is
 * reached (channels in order of preference, a named contact per channel).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { businessKey, text } from '../../domain/invoice-messages';
import { latestPolicy } from '../../policies/policy-store';
import { communicationTimelineQuery, customerOutreachWorkflowId, setDoNotDunSignal } from '../../../workflows/customer-outreach/definitions';
import { callerOf } from '../access/access-control';
import { fieldProblem, notFound, parseRequest } from '../problem';
import { changeCustomerContacts, ContactChangeRefused, customerContactSchema, readContacts } from '../../customers/customer-contacts';

export const doNotDunSchema = z.object({
  on: z.boolean({ error: 'must be true or false' }),
  reason: text(500),
}).strict();

const customerPath = z.object({ customerId: businessKey }).strict();

export interface CustomerRouteDependencies {
  db: Pool;
  client: Client;
  taskQueue: string;
}

export function customerRoutes(deps: CustomerRouteDependencies): Router {
  const router = Router();

  async function customerOf(customerId: string): Promise<{ name: string; email: string | null }> {
    const found = await deps.db.query<{ name: string; email: string | null }>('SELECT name, email FROM customers WHERE customer_id = $1', [customerId]);
    if (!found.rows[0]) throw notFound(`customer ${customerId}`);
    return found.rows[0];
  }

  router.post('/customers/:customerId/do-not-dun', async (req, res) => {
    const { customerId } = parseRequest(customerPath, req.params, 'path');
    const body = parseRequest(doNotDunSchema, req.body, 'body');
    const customer = await customerOf(customerId);
    const by = callerOf(res).holder;
    // Signal-with-start: the flag holds from now on, whether or not an invoice has asked to contact the customer yet.
    const { contact } = await latestPolicy(deps.db);
    await deps.client.workflow.signalWithStart('customerOutreach', {
      workflowId: customerOutreachWorkflowId(customerId),
      taskQueue: deps.taskQueue,
      args: [{ customer: { customerId, name: customer.name, ...(customer.email ? { email: customer.email } : {}) }, contact }],
      signal: setDoNotDunSignal,
      signalArgs: [{ on: body.on, reason: body.reason, by }],
    });
    res.status(202).json({ customerId, doNotDun: body.on, reason: body.reason, by });
  });

  router.get('/customers/:customerId/communications', async (req, res) => {
    const { customerId } = parseRequest(customerPath, req.params, 'path');
    await customerOf(customerId);
    try {
      const messages = await deps.client.workflow.getHandle(customerOutreachWorkflowId(customerId)).query(communicationTimelineQuery);
      res.json({ customerId, messages });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      res.json({ customerId, messages: [] }); // nothing has been sent to this customer yet
    }
  });

  router.get('/customers/:customerId/contact', async (req, res) => {
    const { customerId } = parseRequest(customerPath, req.params, 'path');
    const contacts = await readContacts(deps.db, customerId);
    if (!contacts) throw notFound(`customer ${customerId}`);
    res.json(contacts);
  });

  router.post('/customers/:customerId/contact', async (req, res) => {
    const { customerId } = parseRequest(customerPath, req.params, 'path');
    const body = parseRequest(customerContactSchema, req.body, 'body');
    try {
      const contacts = await changeCustomerContacts(deps.db, customerId, body);
      if (!contacts) throw notFound(`customer ${customerId}`);
      res.json(contacts);
    } catch (error) {
      if (error instanceof ContactChangeRefused) throw fieldProblem(`body.${error.field}`, error.reason);
      throw error;
    }
  });

  return router;
}
