/**
 * Every operation of the API, for its OpenAPI document: which schema validates each request part
 * (the very schemas the routes parse with) and what each answers. Who may call it comes from
 * src/api/access/route-access.ts; the errors every route shares are added by the document builder.
 */
import { z, type ZodType } from 'zod';
import { businessKey } from '../../domain/invoice-messages';
import { collectionsPolicySchema } from '../../domain/policy/schema';
import { genericEventSchema } from '../../webhooks/generic-events';
import { codecPayloadsSchema } from '../../encryption/codec-server';
import {
  bankruptcySchema, escalationDecisionSchema, openDisputeSchema, placeHoldSchema, promiseToPaySchema, releaseHoldSchema, resolveDisputeSchema,
  reversalSchema, settlementDecisionSchema, settlementOfferSchema, waiveChargesSchema,
} from '../lifecycle-request-schemas';
import { cancelInvoiceSchema, recordPaymentSchema, registerInvoiceSchema, writeOffDecisionSchema } from '../request-schemas';
import { doNotDunSchema } from '../routes/customers';
import { customerContactSchema } from '../../customers/customer-contacts';
import { letterIdSchema, letterListQuery, letterPrintedBodySchema } from '../routes/letters';
import { newSubscriptionSchema } from '../../events/subscriptions';
import { deactivateSubscriptionSchema, deliveryListQuery, subscriptionIdSchema } from '../routes/subscriptions';
import { resendEvent } from '../routes/delivery-webhook';
import { planApprovalSchema, planCancelSchema, planPaymentSchema, planProposalSchema, recommendQuery } from '../routes/plans';
import { policyParams, renderQuery, versionParams, versionQuery } from '../routes/policies';
import { moveAllSchema, moveOneSchema } from '../routes/policy-moves';
import { taskListQuery } from '../routes/tasks';
import { auditExportSchema, auditQuery } from '../routes/audit';
import { previewQuery } from '../routes/templates';
import { reviewQuery, stripeEnvelope } from '../routes/webhooks';
import {
  cancelAcceptedSchema, communicationsSchema, customerContactsSchema, letterListSchema, letterPrintedSchema, deliveryAnswerSchema, deliveryListSchema, doNotDunAnswerSchema, healthSchema, livenessSchema, readinessSchema, invoiceEventsSchema, policyLintSchema,
  policyValidSchema, policyVersionListSchema, readModelOf, subscriptionCreatedSchema, subscriptionListSchema, subscriptionSchema, taskListSchema,
  templateCatalogSchema, webhookAnswerSchema, webhookEventListSchema,
} from './response-schemas';
import { DOCS_ASSETS } from './docs-page';

/** One answer: its description and, for JSON, its schema; other media types by name. */
export interface Answer {
  description: string;
  schema?: ZodType;
  /** Media types other than JSON, each with what it holds. */
  media?: Record<string, 'text' | 'binary'>;
}

/** A request body: its schema (named in the document's components), and fields the server fills in when absent. */
export interface Body {
  name: string;
  schema: ZodType;
  /** Required by the schema but assigned by the server when the body leaves them out. */
  serverAssigned?: readonly string[];
}

export interface Operation {
  method: 'GET' | 'POST';
  /** As express serves it below /v1, `:name` for a path parameter. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  body?: Body;
  query?: ZodType;
  /** Headers a request must carry (signed webhooks), with what each holds. */
  headers?: Record<string, string>;
  answers: Record<number, Answer>;
  /** Error statuses this route answers besides the ones every route of its kind shares. */
  errors?: number[];
}

/** Each path parameter's schema, as the routes parse it. */
export const PATH_PARAMETERS: Record<string, ZodType> = {
  invoiceId: businessKey, paymentId: businessKey, disputeId: businessKey, holdId: businessKey, offerId: businessKey,
  planId: businessKey, customerId: businessKey, subscriptionId: subscriptionIdSchema, letterId: letterIdSchema,
  policyId: policyParams.shape.policyId,
  version: versionParams.shape.version,
  // The route looks the name up in the template library: an unknown one is a 404.
  name: z.string().min(1).describe('a template\'s name, as GET /templates lists them'),
  asset: z.enum(DOCS_ASSETS as [string, ...string[]]),
};

const json = (description: string, schema?: ZodType): Answer => ({ description, schema: schema ?? readModelOf(description) });
const invoiceState = json('the invoice\'s new state: balance, status and what is open on it');
const INVOICE = '/invoices/:invoiceId';

const invoice = (path: string, operationId: string, summary: string, body: Body, created = false, errors: number[] = []): Operation => ({
  method: 'POST', path: `${INVOICE}${path}`, operationId, summary, tag: 'Invoices', body,
  answers: created ? { 201: invoiceState } : { 200: invoiceState }, errors: [404, 409, ...errors],
});

const policyDocument: Body = { name: 'CollectionsPolicyDocument', schema: collectionsPolicySchema, serverAssigned: ['version'] };
const webhookAnswers = {
  200: json('applied, or ignored (a type the engine does not act on)', webhookAnswerSchema),
  202: json('kept for review: no invoice matches, or the invoice refused the event', webhookAnswerSchema),
};

export const OPERATIONS: readonly Operation[] = [
  { method: 'GET', path: '/health', operationId: 'getHealth', summary: 'Whether the API reaches Postgres and Temporal', tag: 'Health',
    answers: { 200: json('both reachable', healthSchema), 503: json('one of them is not', healthSchema) } },
  { method: 'GET', path: '/health/live', operationId: 'getLiveness', summary: 'Whether the process answers (it checks no dependency)', tag: 'Health',
    answers: { 200: json('the process is up', livenessSchema) } },
  { method: 'GET', path: '/health/ready', operationId: 'getReadiness', summary: 'Whether to send it requests: Postgres and Temporal reachable, and not shutting down', tag: 'Health',
    answers: { 200: json('ready', readinessSchema), 503: json('a dependency is unreachable, or the API is stopping', readinessSchema) } },

  { method: 'POST', path: '/invoices', operationId: 'registerInvoice', summary: 'Register an invoice and start its collection workflow', tag: 'Invoices',
    body: { name: 'RegisterInvoice', schema: registerInvoiceSchema },
    answers: { 201: json('registered; its workflow started'), 200: json('the same invoice was registered before: nothing started') }, errors: [409] },
  { method: 'GET', path: INVOICE, operationId: 'getInvoice', summary: 'Status, balance, days past due, aging bucket, next action and recent history', tag: 'Invoices',
    answers: { 200: json('the invoice') }, errors: [404] },
  { method: 'GET', path: `${INVOICE}/events`, operationId: 'listInvoiceEvents', summary: 'The account\'s append-only collection timeline', tag: 'Invoices',
    answers: { 200: json('the timeline, oldest first', invoiceEventsSchema) }, errors: [404] },
  { method: 'GET', path: `${INVOICE}/audit`, operationId: 'exportInvoiceAudit', summary: 'The audit export: every run\'s history, and a timeline with why and who decided', tag: 'Invoices',
    query: auditQuery, answers: { 200: { description: 'the export (JSON), or its timeline as text (`?format=text`)', schema: auditExportSchema, media: { 'text/plain': 'text' } } }, errors: [404] },
  { method: 'POST', path: `${INVOICE}/payments`, operationId: 'recordPayment', summary: 'Record a payment (idempotent by paymentId)', tag: 'Invoices',
    body: { name: 'Payment', schema: recordPaymentSchema }, answers: { 200: json('the new balance') }, errors: [404, 409] },
  invoice('/payments/:paymentId/reversal', 'reversePayment', 'A chargeback or returned payment: owed again', { name: 'PaymentReversal', schema: reversalSchema }),
  { method: 'POST', path: `${INVOICE}/cancel`, operationId: 'cancelInvoice', summary: 'The invoice was voided: stop collecting', tag: 'Invoices',
    body: { name: 'CancelInvoice', schema: cancelInvoiceSchema }, answers: { 202: json('the cancellation is on its way', cancelAcceptedSchema) }, errors: [404, 409] },
  invoice('/disputes', 'openDispute', 'Open a dispute', { name: 'OpenDispute', schema: openDisputeSchema }, true),
  invoice('/disputes/:disputeId/resolution', 'resolveDispute', 'Resolve a dispute', { name: 'ResolveDispute', schema: resolveDisputeSchema }),
  invoice('/promises', 'promiseToPay', 'Record a promise to pay', { name: 'PromiseToPay', schema: promiseToPaySchema }, true),
  invoice('/holds', 'placeHold', 'Place a VIP, legal or seasonal hold', { name: 'PlaceHold', schema: placeHoldSchema }, true),
  invoice('/holds/:holdId/release', 'releaseHold', 'Release a hold', { name: 'ReleaseHold', schema: releaseHoldSchema }),
  invoice('/settlement-offers', 'proposeSettlement', 'Offer to settle for less', { name: 'SettlementOffer', schema: settlementOfferSchema }, true),
  invoice('/bankruptcy', 'reportBankruptcy', 'A bankruptcy notice: contact stops, the write-off review opens', { name: 'BankruptcyNotice', schema: bankruptcySchema }),
  invoice('/settlement-offers/:offerId/decision', 'decideSettlement', 'Approve or decline a settlement offer above the limit',
    { name: 'SettlementDecision', schema: settlementDecisionSchema }),
  invoice('/escalation-decisions', 'decideEscalation', 'Approve or decline an escalation waiting for approval', { name: 'EscalationDecision', schema: escalationDecisionSchema }),
  invoice('/charge-waivers', 'waiveCharges', 'Waive interest, late fees or both', { name: 'ChargeWaiver', schema: waiveChargesSchema }),
  invoice('/write-off-decision', 'decideWriteOff', 'Decide an open write-off review, in the key\'s approver role',
    { name: 'WriteOffDecision', schema: writeOffDecisionSchema }, false, [403]),
  { method: 'POST', path: `${INVOICE}/policy`, operationId: 'moveInvoiceToPolicy', summary: 'Move a running invoice to another policy version', tag: 'Policies',
    body: { name: 'MoveInvoiceToPolicy', schema: moveOneSchema }, answers: { 200: json('the move') }, errors: [404, 409] },

  { method: 'POST', path: '/plans', operationId: 'proposePlan', summary: 'Propose a payment plan', tag: 'Payment plans',
    body: { name: 'PlanProposal', schema: planProposalSchema },
    answers: { 201: json('accepted: the plan runs'), 202: json('a custom plan waiting for a manager\'s approval') }, errors: [404, 409] },
  { method: 'GET', path: '/plans/recommendation', operationId: 'recommendPlanTerms', summary: 'Plan terms recommended from the customer\'s payment history',
    tag: 'Payment plans', query: recommendQuery, answers: { 200: json('the recommendation') }, errors: [404] },
  { method: 'GET', path: '/plans/:planId', operationId: 'getPlan', summary: 'A payment plan and its installments', tag: 'Payment plans',
    answers: { 200: json('the plan') }, errors: [404] },
  { method: 'POST', path: '/plans/:planId/approval', operationId: 'decidePlan', summary: 'Approve or decline a custom plan, in the key\'s approver role', tag: 'Payment plans',
    body: { name: 'PlanApproval', schema: planApprovalSchema }, answers: { 200: json('the plan after the decision') }, errors: [403, 404, 409] },
  { method: 'POST', path: '/plans/:planId/payments', operationId: 'payPlan', summary: 'Record a payment towards a plan (idempotent by paymentId)', tag: 'Payment plans',
    body: { name: 'Payment', schema: planPaymentSchema },
    answers: { 201: json('allocated to the plan\'s installments'), 200: json('the same payment was recorded before') }, errors: [404, 409] },
  { method: 'POST', path: '/plans/:planId/cancel', operationId: 'cancelPlan', summary: 'Cancel a plan: dunning resumes', tag: 'Payment plans',
    body: { name: 'PlanCancel', schema: planCancelSchema }, answers: { 200: json('the cancelled plan') }, errors: [404, 409] },

  { method: 'GET', path: '/tasks', operationId: 'listTasks', summary: 'The collectors\' worklist, highest priority first', tag: 'Tasks',
    query: taskListQuery, answers: { 200: json('the tasks', taskListSchema) } },

  { method: 'POST', path: '/customers/:customerId/do-not-dun', operationId: 'setDoNotDun', summary: 'Set or lift "do not dun" for a customer', tag: 'Customers',
    body: { name: 'DoNotDun', schema: doNotDunSchema }, answers: { 202: json('the flag is on its way to every invoice of the customer', doNotDunAnswerSchema) }, errors: [404] },
  { method: 'GET', path: '/customers/:customerId/communications', operationId: 'listCommunications', summary: 'What was sent to a customer, when, for which invoices',
    tag: 'Customers', answers: { 200: json('the communication timeline', communicationsSchema) }, errors: [404] },
  { method: 'GET', path: '/customers/:customerId/contact', operationId: 'getCustomerContact', summary: 'How a customer is reached: channels in order of preference, a contact per channel',
    tag: 'Customers', answers: { 200: json('the channels and contacts', customerContactsSchema) }, errors: [404] },
  { method: 'POST', path: '/customers/:customerId/contact', operationId: 'changeCustomerContact', summary: 'Change a customer\'s channels or contacts (a contact given replaces, null removes)',
    tag: 'Customers', body: { name: 'CustomerContactChange', schema: customerContactSchema }, answers: { 200: json('the channels and contacts now', customerContactsSchema) }, errors: [404] },

  { method: 'GET', path: '/letters', operationId: 'listLetters', summary: 'Printable letters queued by the letter channel, oldest first', tag: 'Letters',
    query: letterListQuery, answers: { 200: json('the letters', letterListSchema) } },
  { method: 'GET', path: '/letters/:letterId/pdf', operationId: 'getLetterPdf', summary: 'A letter as a printable PDF', tag: 'Letters',
    answers: { 200: { description: 'the letter', media: { 'application/pdf': 'binary' } } }, errors: [404] },
  { method: 'POST', path: '/letters/:letterId/printed', operationId: 'markLetterPrinted', summary: 'Mark a letter printed and posted', tag: 'Letters',
    body: { name: 'LetterPrinted', schema: letterPrintedBodySchema }, answers: { 200: json('the letter\'s status', letterPrintedSchema) }, errors: [404] },

  { method: 'POST', path: '/subscriptions', operationId: 'createSubscription', summary: 'Subscribe a URL to outbound events; answers the signing secret, once',
    tag: 'Subscriptions', body: { name: 'NewSubscription', schema: newSubscriptionSchema },
    answers: { 201: json('subscribed: keep the signing secret, it is not shown again', subscriptionCreatedSchema) } },
  { method: 'GET', path: '/subscriptions', operationId: 'listSubscriptions', summary: 'Every subscriber to outbound events, active ones first', tag: 'Subscriptions',
    answers: { 200: json('the subscriptions, without their secrets', subscriptionListSchema) } },
  { method: 'POST', path: '/subscriptions/:subscriptionId/deactivate', operationId: 'deactivateSubscription',
    summary: 'Stop a subscription: nothing more is sent, waiting deliveries are cancelled', tag: 'Subscriptions',
    body: { name: 'DeactivateSubscription', schema: deactivateSubscriptionSchema }, answers: { 200: json('the subscription, inactive', subscriptionSchema) }, errors: [404] },
  { method: 'GET', path: '/subscriptions/:subscriptionId/deliveries', operationId: 'listSubscriptionDeliveries',
    summary: 'A subscription\'s recent deliveries: status, attempts, last error', tag: 'Subscriptions', query: deliveryListQuery,
    answers: { 200: json('the deliveries, newest first', deliveryListSchema) }, errors: [404] },

  { method: 'GET', path: '/webhook-events', operationId: 'listWebhookEvents', summary: 'Stored webhook events for review', tag: 'Webhooks',
    query: reviewQuery, answers: { 200: json('the events', webhookEventListSchema) } },
  { method: 'POST', path: '/webhooks/stripe', operationId: 'receiveStripeEvent', summary: 'Stripe events, verified with the Stripe SDK', tag: 'Webhooks',
    body: { name: 'StripeEvent', schema: stripeEnvelope }, headers: { 'Stripe-Signature': 'Stripe\'s signature of the raw body' },
    answers: webhookAnswers, errors: [404, 503] },
  { method: 'POST', path: '/webhooks/generic', operationId: 'receiveGenericEvent', summary: 'Payments, reversals and disputes from other gateways and ERPs', tag: 'Webhooks',
    body: { name: 'GenericEvent', schema: genericEventSchema },
    headers: {
      'Webhook-Id': 'the event\'s id, unique per event (a redelivery keeps it)',
      'Webhook-Timestamp': 'seconds since the epoch when it was signed (at most 5 minutes from the server\'s clock)',
      'Webhook-Signature': 'sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" under WEBHOOK_SECRET>',
    },
    answers: webhookAnswers, errors: [404, 503] },
  { method: 'POST', path: '/webhooks/resend', operationId: 'receiveDeliveryEvent', summary: 'Resend\'s delivery events: delivered, bounced, complained', tag: 'Webhooks',
    body: { name: 'DeliveryEvent', schema: resendEvent },
    headers: { 'svix-id': 'the event\'s id', 'svix-timestamp': 'seconds since the epoch when it was signed', 'svix-signature': 'the Standard Webhooks signature' },
    answers: { 200: json('recorded', deliveryAnswerSchema) }, errors: [404] },

  { method: 'POST', path: '/policies/validate', operationId: 'validatePolicy', summary: 'Check a policy without saving it', tag: 'Policies',
    body: policyDocument, answers: { 200: json('valid, with its defaults filled in', policyValidSchema) } },
  { method: 'POST', path: '/policies/lint', operationId: 'lintPolicy', summary: 'Advice on a valid policy', tag: 'Policies',
    body: policyDocument, answers: { 200: json('the warnings, in step order', policyLintSchema) } },
  { method: 'POST', path: '/policies', operationId: 'savePolicy', summary: 'Save a policy as its next version', tag: 'Policies', body: policyDocument,
    answers: { 201: json('saved as a new version', collectionsPolicySchema), 200: json('identical to the latest version: nothing stored', collectionsPolicySchema) },
    errors: [409] },
  { method: 'POST', path: '/policies/:policyId/versions/:version/move-invoices', operationId: 'moveInvoicesToVersion',
    summary: 'Move every open invoice on an older version (or the listed ones) to this version', tag: 'Policies',
    body: { name: 'MoveInvoicesToVersion', schema: moveAllSchema }, answers: { 200: json('what moved') }, errors: [404, 409] },
  { method: 'GET', path: '/policies/:policyId', operationId: 'getPolicy', summary: 'The latest version and the list of versions', tag: 'Policies',
    answers: { 200: json('the policy', policyVersionListSchema) }, errors: [404] },
  { method: 'GET', path: '/policies/:policyId/versions/:version', operationId: 'getPolicyVersion', summary: 'One version of a policy', tag: 'Policies',
    answers: { 200: json('the version', collectionsPolicySchema) }, errors: [404] },
  { method: 'GET', path: '/policies/:policyId/checklist', operationId: 'getPolicyChecklist', summary: 'The follow-up checklist', tag: 'Policies',
    query: renderQuery, answers: { 200: { description: 'Markdown', media: { 'text/markdown': 'text' } } }, errors: [404] },
  { method: 'GET', path: '/policies/:policyId/diagram', operationId: 'getPolicyDiagram', summary: 'The policy as a flowchart', tag: 'Policies',
    query: renderQuery, answers: { 200: { description: 'Mermaid', media: { 'text/vnd.mermaid': 'text' } } }, errors: [404] },
  { method: 'GET', path: '/policies/:policyId/strategy-pack.xlsx', operationId: 'getStrategyPackWorkbook', summary: 'The strategy pack as an Excel workbook',
    tag: 'Policies', query: versionQuery,
    answers: { 200: { description: 'the workbook', media: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'binary' } } }, errors: [404] },
  { method: 'GET', path: '/policies/:policyId/strategy-pack.md', operationId: 'getStrategyPackDocument', summary: 'The strategy pack as one Markdown document',
    tag: 'Policies', query: versionQuery, answers: { 200: { description: 'Markdown', media: { 'text/markdown': 'text' } } }, errors: [404] },

  { method: 'GET', path: '/templates', operationId: 'listTemplates', summary: 'Every template with its kind and tones', tag: 'Templates',
    answers: { 200: json('the catalog', templateCatalogSchema) } },
  { method: 'GET', path: '/templates/:name/preview', operationId: 'previewTemplate', summary: 'A template rendered with example data', tag: 'Templates',
    query: previewQuery,
    answers: { 200: { description: 'the preview: JSON, HTML (emails and letters) or text', schema: readModelOf('the rendered parts'), media: { 'text/html': 'text', 'text/plain': 'text' } } },
    errors: [404] },

  { method: 'POST', path: '/codec/decode', operationId: 'decodePayloads', summary: 'Temporal\'s codec server: decrypt payloads of a workflow history',
    tag: 'Temporal codec', body: { name: 'CodecPayloads', schema: codecPayloadsSchema },
    answers: { 200: json('the payloads, decrypted (payloads not encrypted come back as they were)', codecPayloadsSchema) } },
  { method: 'POST', path: '/codec/encode', operationId: 'encodePayloads', summary: 'Temporal\'s codec server: encrypt payloads with the current key',
    tag: 'Temporal codec', body: { name: 'CodecPayloads', schema: codecPayloadsSchema }, answers: { 200: json('the payloads, encrypted', codecPayloadsSchema) } },

  { method: 'GET', path: '/openapi.json', operationId: 'getOpenApiDocument', summary: 'This document', tag: 'Reference',
    answers: { 200: json('the OpenAPI 3.1 document of this API') } },
  { method: 'GET', path: '/docs', operationId: 'getApiReference', summary: 'The interactive API reference (Swagger UI), served offline', tag: 'Reference',
    answers: { 200: { description: 'the page', media: { 'text/html': 'text' } } } },
  { method: 'GET', path: '/docs/:asset', operationId: 'getApiReferenceAsset', summary: 'A script, style sheet or icon of the interactive reference', tag: 'Reference',
    answers: { 200: { description: 'the file', media: { 'text/css': 'text', 'text/javascript': 'text', 'image/png': 'binary' } } }, errors: [404] },
];
