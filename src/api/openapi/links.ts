/**
 * OpenAPI links: where the id of what an operation creates comes from, so a client generator or a
 * stateful fuzzer can follow a registration to the invoice's payments, disputes and holds, a
 * dispute to its resolution, a plan to its payments. Each creating operation names the runtime
 * expression of every path parameter it can supply; it links to every operation whose path
 * parameters it supplies all of, the new one among them.
 */
import { OPERATIONS, type Operation } from './operations';

/** The parameters each creating operation supplies: the id it creates first, then those it carries over. */
const SUPPLIES: Record<string, Record<string, string>> = {
  registerInvoice: { invoiceId: '$request.body#/invoiceId', customerId: '$request.body#/customer/customerId' },
  recordPayment: { paymentId: '$request.body#/paymentId', invoiceId: '$request.path.invoiceId' },
  openDispute: { disputeId: '$request.body#/disputeId', invoiceId: '$request.path.invoiceId' },
  placeHold: { holdId: '$request.body#/holdId', invoiceId: '$request.path.invoiceId' },
  proposeSettlement: { offerId: '$request.body#/offerId', invoiceId: '$request.path.invoiceId' },
  proposePlan: { planId: '$request.body#/planId' },
  createSubscription: { subscriptionId: '$response.body#/subscriptionId' },
  savePolicy: { policyId: '$response.body#/policyId', version: '$response.body#/version' },
};

const pathParameters = (operation: Operation) => [...operation.path.matchAll(/:(\w+)/g)].map((match) => match[1]);

/** The links of an operation's successful answers, by the target's operationId; undefined when it creates nothing. */
export function linksOf(operation: Operation): Record<string, { operationId: string; parameters: Record<string, string> }> | undefined {
  const supplies = SUPPLIES[operation.operationId];
  if (!supplies) return undefined;
  const created = Object.keys(supplies)[0];
  const links: Record<string, { operationId: string; parameters: Record<string, string> }> = {};
  for (const target of OPERATIONS) {
    const needed = pathParameters(target);
    if (target === operation || needed.length === 0 || !needed.every((name) => name in supplies)) continue;
    // Following a payment to its invoice's other routes adds nothing a registration's links do not.
    if (!needed.includes(created) && operation.operationId !== 'registerInvoice') continue;
    links[target.operationId] = { operationId: target.operationId, parameters: Object.fromEntries(needed.map((name) => [name, supplies[name]])) };
  }
  return links;
}

/** The creating operations, for the test that holds each to an operation the document has. */
export const LINK_SOURCES: readonly string[] = Object.keys(SUPPLIES);
