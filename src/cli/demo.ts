/** `--demo`: a handful of invoices at different ages, so the Web UI shows real collection timelines at once. */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { addDays, isoDateOf } from '../domain/calendar';
import type { RegisterInvoiceRequest } from '../api/request-schemas';
import { registerInvoice } from '../invoices/registration';
import {
  invoiceWorkflowId, openDisputeUpdate, placeHoldUpdate, promiseToPayUpdate,
} from '../../workflows/invoice-collection/definitions';

type DemoCustomer = RegisterInvoiceRequest['customer'];

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

/** Registers the demo invoices through the same path as the API; ids carry today's date so a rerun is a no-op. */
export async function loadDemo(deps: { db: Pool; client: Client; taskQueue: string }, now = Date.now()): Promise<string[]> {
  const today = isoDateOf(now);
  const stamp = today.replace(/-/g, '');
  const ids: string[] = [];
  for (const [index, [customer, dueIn, amountMinor, currency]] of INVOICES.entries()) {
    const invoiceId = `DEMO-${stamp}-${String(index + 1).padStart(2, '0')}`;
    await registerInvoice(deps, {
      invoiceId,
      invoiceNumber: `${stamp}-${1001 + index}`,
      amount: { amountMinor, currency },
      issueDate: addDays(today, dueIn - 30),
      dueDate: addDays(today, dueIn),
      paymentLink: `https://pay.example.com/${invoiceId}`,
      customer: CUSTOMERS[customer],
    });
    ids.push(invoiceId);
  }
  await showLifecycle(deps.client, ids, today);
  return ids;
}

/** A dispute, a promise and a legal hold on three of the demo invoices, so those timelines show them too. */
async function showLifecycle(client: Client, ids: string[], today: string): Promise<void> {
  const handle = (index: number) => client.workflow.getHandle(invoiceWorkflowId(ids[index]));
  const attempts = [
    () => handle(2).executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'demo-pricing', category: 'pricing', amount: { amountMinor: 450_000, currency: 'USD' }, reason: 'discount not applied' }] }),
    () => handle(4).executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'demo-promise', amount: { amountMinor: 1_562_000, currency: 'USD' }, promisedDate: addDays(today, 7), takenBy: 'demo collector' }] }),
    () => handle(7).executeUpdate(placeHoldUpdate, { args: [{ holdId: 'demo-legal', kind: 'legal', reason: 'customer disputes the contract in court' }] }),
  ];
  for (const attempt of attempts) {
    try {
      await attempt();
    } catch (error) {
      // A rerun finds these already applied or the invoice moved on: the demo stays as it is.
      if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    }
  }
}
