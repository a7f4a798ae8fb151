/**
 * The error answers of the OpenAPI document: every one RFC 9457 problem+json (src/api/problem.ts),
 * each with an example of what the API sends for it.
 */
export { problemSchema } from './response-schemas';

type Response = Record<string, unknown>;

const PROBLEM = { $ref: '#/components/schemas/Problem' };

function problem(description: string, example: Record<string, unknown>, headers?: Record<string, { description: string; schema: Response }>): Response {
  return { description, ...(headers ? { headers } : {}), content: { 'application/problem+json': { schema: PROBLEM, example } } };
}

const example = (status: number, slug: string, title: string, field: string | undefined, reason: string, instance = '/v1/invoices/INV-1001') => ({
  type: `/problems/${slug}`, title, status, detail: field ? `${field}: ${reason}` : reason, instance,
  ...(field ? { errors: [{ field, reason }] } : {}),
});

const FORBIDDEN_REASON = 'a collector key may not POST /v1/invoices/:invoiceId/write-off-decision; it takes a key of role manager or admin';

const retryAfter = { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } } };

/** Each error status: the component's name and the response. */
export const ERROR_RESPONSES: Record<number, { name: string; response: Response }> = {
  400: { name: 'MalformedRequest', response: problem('Malformed JSON (or malformed signature headers on a webhook)',
    example(400, 'malformed-request', 'Malformed JSON', 'body', 'is not a JSON object (malformed, or a bare value)')) },
  401: { name: 'Unauthorized', response: problem('No valid API key: missing, malformed, unknown or revoked',
    example(401, 'unauthorized', 'Unauthorized', 'header.authorization', 'an API key is required: send "Authorization: Bearer <key>"'),
    { 'WWW-Authenticate': { description: 'Bearer realm="collections-engine", with error="invalid_token" when a key was sent', schema: { type: 'string' } } }) },
  403: { name: 'Forbidden', response: problem('The key\'s role may not call this route, or its approver role is not allowed the amount', {
    ...example(403, 'forbidden', 'Forbidden', 'header.authorization', FORBIDDEN_REASON), detail: FORBIDDEN_REASON,
  }) },
  404: { name: 'NotFound', response: problem('The invoice, plan, customer, policy or template does not exist, or the webhook is not configured on this server',
    example(404, 'not-found', 'Not found', undefined, 'invoice INV-1001 does not exist')) },
  409: { name: 'Conflict', response: problem('A conflict with the current state (the invoice is closed, a different invoice under a known id, a version conflict), or an Idempotency-Key still being answered or already used for another request',
    example(409, 'conflict', 'Invoice closed', undefined, 'invoice INV-1001 is paid; its collection has ended'), retryAfter) },
  413: { name: 'PayloadTooLarge', response: problem('The body is larger than 1 MB',
    example(413, 'payload-too-large', 'Payload too large', 'body', 'is larger than the 1 MB limit')) },
  415: { name: 'UnsupportedMediaType', response: problem('The body is not sent as application/json',
    example(415, 'unsupported-media-type', 'Unsupported media type', 'header.content-type', 'must be application/json')) },
  422: { name: 'ValidationError', response: problem('Invalid fields, each named with the reason (`body.…`, `path.…`, `query.…`, `header.…`); nothing is applied',
    example(422, 'validation-error', 'Invalid request', 'body.amount.amountMinor', 'must be an integer number of minor units (cents), not a decimal')) },
  431: { name: 'RequestHeaderFieldsTooLarge', response: problem('The request line and headers are larger than 16 KB (a URL that long, or too many headers); answered by the HTTP server before any route',
    example(431, 'request-header-fields-too-large', 'Request header fields too large', 'headers', 'the request line and headers are larger than 16 KB (a URL that long, or too many headers)')) },
  429: { name: 'TooManyRequests', response: problem('This API key has made too many requests in the current window',
    example(429, 'too-many-requests', 'Too many requests', 'header.authorization', 'this API key has made more than 600 requests in 60 s; retry after the seconds in Retry-After'),
    retryAfter) },
  503: { name: 'ServiceUnavailable', response: problem('The event is stored but could not be applied yet: deliver it again',
    example(503, 'service-unavailable', 'Service unavailable', undefined, 'event evt_1QmZ2F2eZvKYlo2C is stored but not applied: Temporal is unreachable', '/v1/webhooks/stripe'),
    retryAfter) },
};

/** A webhook's 401: its signature does not hold (no API key is involved). */
export const SIGNATURE_REFUSED = {
  name: 'SignatureRefused',
  response: problem('The signature does not match the body, or its timestamp is more than 5 minutes from the server\'s clock',
    example(401, 'unauthorized', 'Unauthorized', 'header.webhook-signature', 'does not match the body and timestamp signed with the shared secret', '/v1/webhooks/generic'),
    { 'WWW-Authenticate': { description: 'Signature realm="webhooks"', schema: { type: 'string' } } }),
};
