/**
 * A customer's outreach from the outside: the way in from an invoice's or a plan's workflow (a
 * workflow cannot signal-with-start, so this activity does, with the worker's own client), and when
 * the customer may next be contacted (their zone and country are read from the customer record
 * now, so a correction applies to the next message); and what the customer owes as a whole.
 */
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { AccountStanding } from '../../src/domain/account-standing';
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

    /** What the customer owes past due in one currency, over all their invoices (the read model), for a step's account condition. */
    async customerStanding(input: { customerId: string; currency: string }): Promise<AccountStanding> {
      const found = await db.query<{ overdue_minor: string; overdue_invoices: string }>(
        `SELECT coalesce(sum(balance_minor), 0) AS overdue_minor, count(*) AS overdue_invoices FROM invoices
         WHERE customer_id = $1 AND currency = $2 AND status IN ('in_collection', 'write_off_review') AND balance_minor > 0`,
        [input.customerId, input.currency]);
      const row = found.rows[0];
      return { currency: input.currency, overdueMinor: Number(row?.overdue_minor ?? 0), overdueInvoices: Number(row?.overdue_invoices ?? 0) };
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
