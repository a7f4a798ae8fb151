/** Registering an invoice: ledger first, then its workflow; a repeat converges instead of duplicating. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { PolicyNotFoundError, policyVersion } from '../policies/policy-store';
import { customerHoursChangedSignal, customerOutreachWorkflowId } from '../../workflows/customer-outreach/definitions';
import { invoiceWorkflowId, type CustomerDetails, type InvoiceCollectionInput, type InvoiceDetails } from '../../workflows/invoice-collection/definitions';
import { ConflictError, InvalidFieldError } from './invoice-errors';
import { saveRegistration } from './invoice-store';
import { startInvoiceCollection } from './start-collection';

const DEFAULT_POLICY_ID = DEFAULT_POLICY.policyId;

/** An invoice to register, as validated at the edge (the API's request schema is one source of it). */
export interface InvoiceRegistration extends InvoiceDetails {
  /** The policy to collect under (its newest version); the default policy when absent. */
  policyId?: string;
  customer: CustomerDetails;
}

export interface RegistrationResult {
  /** True when this request created the invoice; false for a repeat of an identical one. */
  created: boolean;
  workflowId: string;
  policy: { policyId: string; version: number };
}

export interface RegistrationDependencies {
  db: Pool;
  client: Client;
  taskQueue: string;
}

/**
 * Saves the invoice and starts its workflow. If the start failed after the save (Temporal down, the
 * process killed), repeating the request starts it then, under the policy version and with the
 * customer saved the first time; without a repeat, the worker's reconciliation starts it with the
 * same input (reconcile-registrations.ts).
 */
export async function registerInvoice(deps: RegistrationDependencies, request: InvoiceRegistration): Promise<RegistrationResult> {
  const { invoiceId, invoiceNumber, amount, issueDate, dueDate, paymentLink, customer } = request;
  const invoice = { invoiceId, invoiceNumber, amount, issueDate, dueDate, paymentLink };
  // Read first only when the request says where the customer is: a change there makes the outreach's hours stale.
  const hoursBefore = customer.timeZone !== undefined || customer.country !== undefined ? await customerHours(deps.db, customer.customerId) : undefined;
  const policyId = request.policyId ?? DEFAULT_POLICY_ID;
  const saved = await saveRegistration(deps.db, { invoice, customer, policy: { policyId } }).catch((error: unknown) => {
    if (error instanceof PolicyNotFoundError) throw new InvalidFieldError('policyId', `no policy "${policyId}" is stored`);
    throw error;
  });
  if (saved.outcome === 'conflict') {
    throw new ConflictError('Conflict', `invoiceId: invoice ${invoiceId} is already registered with different details`,
      { field: 'invoiceId', reason: 'is already registered with a different number, amount, currency, dates or customer' });
  }
  // A repeat starts the workflow (if the first request never did) with the input saved the first
  // time, as reconciliation would: the pinned policy version and the customer as first registered.
  // Customer details other than the id do not make a repeat a conflict, so they may differ here.
  const input: InvoiceCollectionInput = {
    invoice,
    customer: saved.firstCustomer ?? customer,
    policy: await policyVersion(deps.db, saved.policy.policyId, saved.policy.version),
  };
  await startInvoiceCollection(deps.client, deps.taskQueue, input);
  if (hoursBefore && hoursChanged(hoursBefore, customer)) await tellOutreachHoursChanged(deps.client, customer);
  return {
    created: saved.outcome === 'created',
    workflowId: invoiceWorkflowId(invoiceId),
    policy: saved.policy,
  };
}

/** The customer's time zone and country as stored; undefined for a customer not yet known. */
async function customerHours(db: Pool, customerId: string): Promise<{ time_zone: string | null; country: string | null } | undefined> {
  const result = await db.query<{ time_zone: string | null; country: string | null }>('SELECT time_zone, country FROM customers WHERE customer_id = $1', [customerId]);
  return result.rows[0];
}

/** Whether the registration moved the customer to another zone or country (an absent value keeps the stored one). */
function hoursChanged(before: { time_zone: string | null; country: string | null }, customer: CustomerDetails): boolean {
  return (customer.timeZone !== undefined && customer.timeZone !== before.time_zone) || (customer.country !== undefined && customer.country !== before.country);
}

/**
 * Tells the customer's outreach to fetch their hours again before its next message, so a zone that
 * opens earlier is used at once. Without it the send still re-checks the hours (a message is never
 * sent outside them); no outreach running means none holds stale hours.
 */
async function tellOutreachHoursChanged(client: Client, customer: CustomerDetails): Promise<void> {
  try {
    await client.workflow.getHandle(customerOutreachWorkflowId(customer.customerId))
      .signal(customerHoursChangedSignal, { timeZone: customer.timeZone, country: customer.country });
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
