/**
 * The engine's side of the cron comparison: the same invoices started as workflows on the
 * time-skipping server, each payment sent as the `recordPayment` update at its instant, and what
 * reached each customer read back from the invoices' histories (the outreach tells each invoice how
 * its request went, at the moment it went).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { saveInvoice } from '../src/invoices/invoice-store';
import { startInvoiceCollection } from '../src/invoices/start-collection';
import { customerOutreachWorkflowId, type ContactOutcome } from '../workflows/customer-outreach/definitions';
import { invoiceWorkflowId, recordPaymentUpdate } from '../workflows/invoice-collection/definitions';
import { benchInvoice } from './bench-invoices';
import type { PaymentStream } from './payment-stream';
import { settled, type TimeSkippingStack } from './time-skipping-stack';

const SIGNALED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;

export interface EngineDelivery { invoiceId: string; requestId: string; at: number }
export interface EngineOutcome { deliveries: EngineDelivery[]; stopMs: number[] }

/** The handles that exist: an invoice's outreach starts only with its first contact. */
async function existing(handles: WorkflowHandle[]): Promise<WorkflowHandle[]> {
  const found = await Promise.all(handles.map((handle) => handle.describe().then(() => handle, () => undefined)));
  return found.filter((handle): handle is WorkflowHandle => handle !== undefined);
}

export async function runEngine(stack: TimeSkippingStack, stream: PaymentStream): Promise<EngineOutcome> {
  const { env } = stack;
  const now = await env.currentTimeMs();
  for (const planned of stream.invoices) {
    const input = benchInvoice(planned.invoiceId, now, planned.dueDay, planned.amountMinor);
    await saveInvoice(stack.db, input);
    await startInvoiceCollection(env.client, stack.taskQueue, input, now);
  }
  const handleOf = (invoiceId: string) => env.client.workflow.getHandle(invoiceWorkflowId(invoiceId));
  const stopMs: number[] = [];
  const paid = stream.invoices.filter((planned) => planned.paidAt !== null).sort((a, b) => (a.paidAt as number) - (b.paidAt as number));
  for (const planned of paid) {
    const wait = (planned.paidAt as number) - (await env.currentTimeMs());
    if (wait > 0) await env.sleep(wait);
    const invoice = handleOf(planned.invoiceId);
    // An update that lands the instant a timer fires stops the time-skipping server: let it settle first.
    await settled(await existing([invoice, env.client.workflow.getHandle(customerOutreachWorkflowId(`C-${planned.invoiceId}`))]));
    const sentAt = await env.currentTimeMs();
    await invoice.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: `${planned.invoiceId}-PAY`, amount: { amountMinor: planned.amountMinor, currency: 'USD' } }] });
    stopMs.push((await env.currentTimeMs()) - sentAt);
  }
  const end = stream.startsAt + stream.days * 86_400_000 - (await env.currentTimeMs());
  if (end > 0) await env.sleep(end);
  const deliveries = (await Promise.all(stream.invoices.map((planned) => deliveriesOf(handleOf(planned.invoiceId), planned.invoiceId)))).flat();
  return { deliveries, stopMs };
}

/** Messages that reached the customer for an invoice: the outreach's answers saying sent (or kept in the outbox). */
async function deliveriesOf(handle: WorkflowHandle, invoiceId: string): Promise<EngineDelivery[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).flatMap((event) => {
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (event.eventType !== SIGNALED || signal?.signalName !== 'contactOutcome') return [];
    const data = signal.input?.payloads?.[0]?.data;
    const outcome = JSON.parse(Buffer.from(data ?? []).toString()) as ContactOutcome;
    if (outcome.delivery !== 'sent' && outcome.delivery !== 'outbox') return [];
    const at = Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
    return [{ invoiceId, requestId: outcome.requestId, at }];
  });
}
