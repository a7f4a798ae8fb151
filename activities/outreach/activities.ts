/**
 * A customer's outreach from the outside: the way in from an invoice's or a plan's workflow (a
 * workflow cannot signal-with-start, so this activity does, with the worker's own client), and when
 * the customer may next be contacted (their zone and country are read from the customer record
 * now, so a correction applies to the next message).
 */
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { nextContactWindow, type ContactRules } from '../../src/notices/contact-window';
import { customerOutreachWorkflowId, requestContactSignal, type ContactRequest, type OutreachInput } from '../../workflows/customer-outreach/definitions';

export function createOutreachActivities(db: Pool) {
  return {
    /** Hands a request to the customer's outreach workflow, starting it if needed; a repeat is ignored there. */
    async requestCustomerContact(input: { outreach: OutreachInput; request: ContactRequest }): Promise<void> {
      const context = Context.current();
      await context.client.workflow.signalWithStart('customerOutreach', {
        workflowId: customerOutreachWorkflowId(input.outreach.customer.customerId),
        taskQueue: context.info.taskQueue,
        args: [input.outreach],
        signal: requestContactSignal,
        signalArgs: [input.request],
      });
    },

    /** The first instant at or after `notBefore` (epoch ms) inside the customer's business hours on an open day. */
    async contactWindowOpens(input: { customerId: string; rules: ContactRules; notBefore: number }): Promise<number> {
      const found = await db.query<{ time_zone: string | null; country: string | null }>(
        'SELECT time_zone, country FROM customers WHERE customer_id = $1', [input.customerId]);
      const where = found.rows[0] ?? {};
      return nextContactWindow(input.notBefore, input.rules, { timeZone: where.time_zone, country: where.country });
    },
  };
}
