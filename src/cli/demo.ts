/** `--demo`: a handful of invoices at different ages, so the Web UI shows real collection timelines at once. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { addDays, isoDateOf } from '../domain/calendar';
import type { InvoiceRegistration } from '../invoices/registration';
import { registerInvoice } from '../invoices/registration';
import {
  invoiceWorkflowId, openDisputeUpdate, placeHoldUpdate, promiseToPayUpdate,
} from '../../workflows/invoice-collection/definitions';

type DemoCustomer = InvoiceRegistration['customer'];

const CUSTOMERS: DemoCustomer[] = [
  { customerId: 'techcorp', name: 'TechCorp Inc.', email: 'ap@techcorp.example', segment: 'enterprise', riskTier: 'orange' },
  { customerId: 'global-retail', name: 'Global Retail Co.', email: 'payables@globalretail.example', segment: 'strategic', riskTier: 'yellow' },
  { customerId: 'startupxyz', name: 'StartupXYZ LLC', email: 'founders@startupxyz.example', segment: 'smb', riskTier: 'red' },
  { customerId: 'city-of-springfield', name: 'City of Springfield', email: 'ap@springfield.example', segment: 'government', riskTier: 'green' },
  { customerId: 'mediagroup', name: 'MediaGroup Corp.', email: 'finance@mediagroup.example', segment: 'international', riskTier: 'orange' },
];

/** [customer index, days until due (negative: past due), amount in minor units, currency] */
const INVOICES: [number, number, number, string][] = [
  [3, 5, 1_250_000, 'USD'],
  [1, -2, 1_985_000, 'USD'],
  [0, -10, 2_450_000, 'USD'],
  [4, -20, 984_000, 'EUR'],
  [2, -34, 1_562_000, 'USD'],
  [1, -50, 420_000, 'GBP'],
  [0, -67, 24_500_000, 'USD'],
  [2, -95, 315_000, 'USD'],
  [4, -130, 7_800_000, 'JPY'],
  [2, -200, 89_900, 'USD'],
];

/** The demo's invoice ids, and those of them this run registered (a rerun on the same day registers none). */
export interface DemoLoad {
  ids: string[];
  created: string[];
}

/** Registers the demo invoices through the same path as the API; ids carry today's date so a rerun is a no-op. */
export async function loadDemo(deps: { db: Pool; client: Client; taskQueue: string }, now = Date.now()): Promise<DemoLoad> {
  const today = isoDateOf(now);
  const stamp = today.replace(/-/g, '');
  const ids: string[] = [];
  const created = new Set<string>();
  for (const [index, [customer, dueIn, amountMinor, currency]] of INVOICES.entries()) {
    const invoiceId = `DEMO-${stamp}-${String(index + 1).padStart(2, '0')}`;
    const registration = await registerInvoice(deps, {
      invoiceId,
      invoiceNumber: `${stamp}-${1001 + index}`,
      amount: { amountMinor, currency },
      issueDate: addDays(today, dueIn - 30),
      dueDate: addDays(today, dueIn),
      paymentLink: `https://pay.example.com/${invoiceId}`,
      customer: CUSTOMERS[customer],
    });
    ids.push(invoiceId);
    if (registration.created) created.add(invoiceId);
  }
  await showLifecycle(deps.client, ids, created, today);
  return { ids, created: [...created] };
}

/**
 * A dispute, a promise and a legal hold on three of the demo invoices, so those timelines show them
 * too; only on invoices this run registered, so a rerun leaves what the first run (and anyone since) did.
 */
async function showLifecycle(client: Client, ids: string[], created: Set<string>, today: string): Promise<void> {
  const handle = (index: number) => client.workflow.getHandle(invoiceWorkflowId(ids[index]));
  const attempts: [number, () => Promise<unknown>][] = [
    [2, () => handle(2).executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'demo-pricing', category: 'pricing', amount: { amountMinor: 450_000, currency: 'USD' }, reason: 'discount not applied' }] })],
    [4, () => handle(4).executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'demo-promise', amount: { amountMinor: 1_562_000, currency: 'USD' }, promisedDate: addDays(today, 7), takenBy: 'demo collector' }] })],
    [7, () => handle(7).executeUpdate(placeHoldUpdate, { args: [{ holdId: 'demo-legal', kind: 'legal', reason: 'customer disputes the contract in court' }] })],
  ];
  for (const [index, attempt] of attempts) {
    if (!created.has(ids[index])) continue;
    try {
      await attempt();
    } catch (error) {
      // The invoice refused it or has already ended (closed workflows answer "not found"): the demo stays as it is.
      if (!(error instanceof WorkflowUpdateFailedError) && !(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}
