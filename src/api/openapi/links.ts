/**
 * OpenAPI links: where the id of what an operation creates comes from, so a client generator or a
 * stateful fuzzer can follow a registration to the invoice's payments, disputes and holds, a
 * dispute to its resolution, a plan to its payments. Each creating operation names the runtime
 * expression of every path parameter it can supply; it links to every operation whose path
 * parameters it supplies all of, the new one among them.
 */
import { OPERATIONS, type Operation } from './operations';

const INVOICE_IN_PATH = { invoiceId: '$request.path.invoiceId' };

/** What each creating operation creates (a registration: the invoice and its customer) and the ids it carries over from its path. */
const SUPPLIES: Record<string, { creates: Record<string, string>; carries?: Record<string, string> }> = {
  registerInvoice: { creates: { invoiceId: '$request.body#/invoiceId', customerId: '$request.body#/customer/customerId' } },
  recordPayment: { creates: { paymentId: '$request.body#/paymentId' }, carries: INVOICE_IN_PATH },
  openDispute: { creates: { disputeId: '$request.body#/disputeId' }, carries: INVOICE_IN_PATH },
  placeHold: { creates: { holdId: '$request.body#/holdId' }, carries: INVOICE_IN_PATH },
  proposeSettlement: { creates: { offerId: '$request.body#/offerId' }, carries: INVOICE_IN_PATH },
  proposePlan: { creates: { planId: '$request.body#/planId' } },
  createSubscription: { creates: { subscriptionId: '$response.body#/subscriptionId' } },
  savePolicy: { creates: { policyId: '$response.body#/policyId', version: '$response.body#/version' } },
};

const pathParameters = (operation: Operation) => [...operation.path.matchAll(/:(\w+)/g)].map((match) => match[1]);

/** The links of an operation's successful answers, by the target's operationId; undefined when it creates nothing. */
export function linksOf(operation: Operation): Record<string, { operationId: string; parameters: Record<string, string> }> | undefined {
  const source = SUPPLIES[operation.operationId];
  if (!source) return undefined;
  const supplies = { ...source.carries, ...source.creates };
  const links: Record<string, { operationId: string; parameters: Record<string, string> }> = {};
  for (const target of OPERATIONS) {
    const needed = pathParameters(target);
    if (target === operation || needed.length === 0 || !needed.every((name) => name in supplies)) continue;
    // Only to what was created: a payment's link to its invoice's other routes adds nothing the registration's do not.
    if (!needed.some((name) => name in source.creates)) continue;
    links[target.operationId] = { operationId: target.operationId, parameters: Object.fromEntries(needed.map((name) => [name, supplies[name]])) };
  }
  return links;
}

/** The creating operations, for the test that holds each to an operation the document has. */
export const LINK_SOURCES: readonly string[] = Object.keys(SUPPLIES);
