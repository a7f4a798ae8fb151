/**
 * The shapes of the API's answers, for its OpenAPI document. Requests are validated by the schemas
 * in src/api and src/domain and documented from them; answers built from a validated schema (a
 * policy) reuse it, and the envelopes the routes build inline are declared here. Objects stay open
 * (extra fields allowed) where the answer is a read model that grows.
 */
import { CONTACT_CHANNELS } from '../../domain/contact-channels';
import { z } from 'zod';
import { collectionsPolicySchema, toneSchema } from '../../domain/policy/schema';
import { reviewQuery } from '../routes/webhooks';
import { DELIVERY_STATUSES, outboundEventTypeSchema } from '../../events/subscriptions';

/** One failing field of a problem. */
const fieldProblemSchema = z.object({
  field: z.string().describe('where: `body.<path>`, `path.<name>`, `query.<name>` or `header.<name>`'),
  reason: z.string(),
});

/** RFC 9457 problem details, as src/api/problem.ts sends them. */
export const problemSchema = z.looseObject({
  type: z.string().describe('a relative URI naming the kind of problem, such as /problems/validation-error'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  instance: z.string().optional().describe('the request path'),
  errors: z.array(fieldProblemSchema).optional().describe('every failing field, with the reason'),
});

const readModel = (description: string) => z.looseObject({}).describe(description);
const timestamp = z.string().describe('ISO 8601 date-time');

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  postgres: z.string().describe('"ok", or why Postgres cannot be reached'),
  temporal: z.string().describe('"ok", or why Temporal cannot be reached'),
});

export const livenessSchema = z.object({ status: z.literal('ok') });

export const readinessSchema = healthSchema.extend({
  status: z.enum(['ok', 'degraded', 'stopping']).describe('`stopping`: shutting down, finishing the requests it has'),
});

export const cancelAcceptedSchema = z.object({ invoiceId: z.string(), accepted: z.literal('cancel') });

export const invoiceEventsSchema = z.object({
  invoiceId: z.string(),
  events: z.array(z.looseObject({ type: z.string(), summary: z.string(), occurredAt: timestamp, data: z.unknown() })),
});

export const taskListSchema = z.object({ tasks: z.array(readModel('a task of the collectors\' worklist')) });

export const doNotDunAnswerSchema = z.object({ customerId: z.string(), doNotDun: z.boolean(), reason: z.string(), by: z.string().describe('the API key\'s holder') });

export const communicationsSchema = z.object({ customerId: z.string(), messages: z.array(readModel('a message sent to the customer')) });

/** How a customer is reached: channels in order of preference, a named contact per channel. */
export const customerContactsSchema = z.object({
  customerId: z.string(),
  channels: z.array(z.enum(CONTACT_CHANNELS)),
  contacts: z.array(z.object({ channel: z.enum(CONTACT_CHANNELS), name: z.string().nullable(), address: z.string(), unusableReason: z.string().nullable() })),
  doNotContact: z.object({ on: z.boolean(), reason: z.string().nullable() }),
});

export const letterListSchema = z.object({ letters: z.array(readModel('a printable letter queued by the letter channel')) });

export const letterPrintedSchema = z.object({ letterId: z.string(), status: z.literal('printed'), printedAt: z.string() });

export const webhookEventListSchema = z.object({ status: reviewQuery.shape.status.unwrap(), events: z.array(readModel('a stored webhook event')) });

/** What a webhook answers for an event it verified and stored. */
export const webhookAnswerSchema = z.looseObject({
  provider: z.string(),
  eventId: z.string(),
  type: z.string(),
  status: z.enum(['applied', 'ignored', 'unmatched', 'refused']),
  invoiceId: z.string().optional(),
  reason: z.string().optional(),
  result: z.unknown().optional(),
  duplicate: z.boolean().optional(),
});

export const deliveryAnswerSchema = z.looseObject({ eventId: z.string(), type: z.string() });

/** A subscriber to outbound events, as listed: never its signing secret. */
export const subscriptionSchema = z.object({
  subscriptionId: z.string(),
  url: z.string(),
  eventTypes: z.array(outboundEventTypeSchema).nullable().describe('the types it receives; null for every type'),
  description: z.string().nullable(),
  active: z.boolean(),
  createdBy: z.string().describe('the API key\'s holder'),
  createdAt: timestamp,
  deactivatedBy: z.string().nullable(),
  deactivatedAt: timestamp.nullable(),
});

export const subscriptionCreatedSchema = subscriptionSchema.extend({
  signingSecret: z.string().describe('whsec_ and base64: the Standard Webhooks secret deliveries are signed with; shown this once'),
});

export const subscriptionListSchema = z.object({ subscriptions: z.array(subscriptionSchema) });

export const deliveryListSchema = z.object({
  subscriptionId: z.string(),
  deliveries: z.array(z.object({
    eventId: z.string().describe('the webhook-id every attempt carries'),
    type: outboundEventTypeSchema,
    invoiceId: z.string(),
    occurredAt: timestamp,
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastAttemptAt: timestamp.nullable(),
    nextAttemptAt: timestamp.nullable().describe('when a pending delivery is tried next'),
    lastStatusCode: z.number().int().nullable().describe('the receiver\'s HTTP status at the last attempt; null when it did not answer'),
    lastError: z.string().nullable(),
    deliveredAt: timestamp.nullable(),
    createdAt: timestamp,
  })).describe('newest first'),
});

export const policyVersionListSchema = z.object({
  policy: collectionsPolicySchema,
  versions: z.array(z.object({ version: z.number().int().positive(), createdAt: timestamp, name: z.string() })).describe('newest first'),
});

export const policyValidSchema = z.object({ valid: z.literal(true), policy: collectionsPolicySchema });

export const policyLintSchema = z.object({
  warnings: z.array(z.looseObject({ rule: z.string(), stepId: z.string().describe('empty for a policy-wide rule'), path: z.string(), message: z.string(), fix: z.string() })),
});

export const templateCatalogSchema = z.object({
  templates: z.array(z.string()).describe('every template\'s name'),
  catalog: z.array(z.looseObject({ name: z.string(), kind: z.enum(['email', 'call-script', 'letter']), tones: z.array(toneSchema) })),
});

/** Answers that are read models of the engine (an invoice's state, a plan, a recommendation): open objects. */
export const readModelOf = readModel;
