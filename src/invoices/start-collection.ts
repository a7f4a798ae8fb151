/** Starts an invoice's collection workflow, once: the id comes from the invoice, and a repeat start is a no-op. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { agingBucket } from '../domain/aging';
import { daysPastDue, startOfDateUtc } from '../domain/calendar';
import { formatMoney } from '../domain/money';
import {
  AgingBucketAttr, BalanceDueAttr, CollectionStatusAttr, CurrencyAttr, CustomerIdAttr, DaysPastDueAttr, DueDateAttr,
  EscalationLevelAttr, invoiceWorkflowId, RiskTierAttr, type InvoiceCollectionInput,
} from '../../workflows/invoice-collection/definitions';
import { invoiceCollection } from '../../workflows/invoice-collection/workflow';

/** Starts the workflow; returns false when it already exists (running or finished). */
export async function startInvoiceCollection(client: Client, taskQueue: string, input: InvoiceCollectionInput, now = Date.now()): Promise<boolean> {
  const { invoice, customer, policy } = input;
  const age = daysPastDue(invoice.dueDate, now);
  // A client that encrypts payloads (PAYLOAD_ENCRYPTION_KEYS) keeps amounts out of search attributes too.
  const amountsPrivate = client.options.loadedDataConverter.payloadCodecs.length > 0;
  try {
    await client.workflow.start(invoiceCollection, {
      workflowId: invoiceWorkflowId(invoice.invoiceId),
      taskQueue,
      args: [amountsPrivate ? { ...input, amountsPrivate } : input],
      // A paid or written-off invoice must never be dunned again by a repeated registration.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: `Invoice #${invoice.invoiceNumber}: ${customer.name}, ${formatMoney(invoice.amount)} due ${invoice.dueDate}`,
      staticDetails: `Policy ${policy.policyId} v${policy.version}; segment ${customer.segment}, risk ${customer.riskTier}`,
      // Attributes set at start are free; the workflow upserts only what changes later.
      typedSearchAttributes: [
        { key: CustomerIdAttr, value: customer.customerId },
        { key: CollectionStatusAttr, value: age > 0 ? 'in_collection' : 'scheduled' },
        { key: AgingBucketAttr, value: agingBucket(age, policy.agingBuckets) },
        { key: RiskTierAttr, value: customer.riskTier },
        { key: CurrencyAttr, value: invoice.amount.currency },
        { key: EscalationLevelAttr, value: 'none' },
        ...(amountsPrivate ? [] : [{ key: BalanceDueAttr, value: invoice.amount.amountMinor }]),
        { key: DaysPastDueAttr, value: age },
        { key: DueDateAttr, value: new Date(startOfDateUtc(invoice.dueDate)) },
      ],
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
