/**
 * A customer's outreach from the outside: the way in from an invoice's or a plan's workflow (a
 * workflow cannot signal-with-start, so this activity does, with the worker's own client), when the
 * customer may be contacted (their zone and country are read from the customer record each time, so
 * a correction applies to the next message); and what the customer owes as a whole.
 */
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { AccountStanding } from '../../src/domain/account-standing';
import type { ContactCalendar } from '../../src/domain/contact-calendar';
import { contactCalendar, nextContactWindow, type ContactRules, type CustomerWhereabouts } from '../../src/notices/contact-window';
import type { CustomerMessageInput, NoticeOutcome } from '../notices/activities';
import { customerOutreachWorkflowId, requestContactSignal, type ContactRequest, type OutreachInput } from '../../workflows/customer-outreach/definitions';
import { CLOSED_STATUSES } from '../../workflows/invoice-collection/definitions';

/**
 * A message tried inside the customer's hours: answered (with how many other invoices of the customer
 * are open, so the outreach knows whether the next message may have company to merge with); not sent
 * because their hours had moved (a new calendar to wait by); or not sent because it went without
 * waiting to merge and the customer has other open invoices after all.
 */
export type MessageAttempt =
  | { kind: 'answered'; outcomes: NoticeOutcome[]; othersOpen?: number }
  | { kind: 'outside-hours'; calendar: ContactCalendar }
  | { kind: 'company'; othersOpen: number };

/** The sending the outreach's first attempt at a message goes through once it knows the customer's hours hold. */
export type SendCustomerMessage = (message: CustomerMessageInput) => Promise<NoticeOutcome[]>;

export function createOutreachActivities(db: Pool, sendCustomerMessage: SendCustomerMessage) {
  /** The customer's zone and country as their record has them now. */
  async function whereabouts(customerId: string): Promise<CustomerWhereabouts> {
    const found = await db.query<{ time_zone: string | null; country: string | null }>('SELECT time_zone, country FROM customers WHERE customer_id = $1', [customerId]);
    const row = found.rows[0];
    return { timeZone: row?.time_zone, country: row?.country };
  }

  /** The customer's open invoices other than those a message speaks for. */
  async function othersOpen(customerId: string, message: CustomerMessageInput): Promise<number> {
    const found = await db.query<{ open: string }>(
      'SELECT count(*) AS open FROM invoices WHERE customer_id = $1 AND status <> ALL($2) AND invoice_id <> ALL($3)',
      [customerId, CLOSED_STATUSES, message.notices.map((notice) => notice.event.invoiceId)]);
    return Number(found.rows[0]?.open ?? 0);
  }

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

    /** The first instant at or after `notBefore` (epoch ms) inside the customer's business hours on an open day (outreach before its calendar). */
    async contactWindowOpens(input: { customerId: string; rules: ContactRules; notBefore: number }): Promise<number> {
      return nextContactWindow(input.notBefore, input.rules, await whereabouts(input.customerId));
    },

    /** The customer's open hours for the next months, which the outreach workflow reads for each message instead of asking. */
    async contactCalendar(input: { customerId: string; rules: ContactRules; from: number }): Promise<ContactCalendar> {
      return contactCalendar(input.from, input.rules, await whereabouts(input.customerId));
    },

    /**
     * A message's first attempt: sent only if `at` is inside the customer's hours as their record has
     * them now (a corrected zone or country applies to the next message); otherwise nothing leaves and
     * the outreach gets a new calendar to wait by. A message that did not wait to merge (`alone`) is
     * sent only while no other invoice of the customer is open: one that is could be asking right now.
     */
    async sendMessageInWindow(input: { message: CustomerMessageInput; customerId: string; rules: ContactRules; at: number; alone?: boolean }): Promise<MessageAttempt> {
      const where = await whereabouts(input.customerId);
      // `at` is the workflow's clock, which the calendar is read by (a test server's skipped time, too).
      if (nextContactWindow(input.at, input.rules, where) > input.at) return { kind: 'outside-hours', calendar: contactCalendar(input.at, input.rules, where) };
      const others = await othersOpen(input.customerId, input.message);
      if (input.alone && others > 0) return { kind: 'company', othersOpen: others };
      return { kind: 'answered', outcomes: await sendCustomerMessage(input.message), othersOpen: others };
    },
  };
}
