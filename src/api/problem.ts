/**
 * The one place that turns errors into RFC 9457 problem+json: every 4xx names the field and the
 * reason; anything unexpected is a 500 without internals.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ZodError, type output, type ZodType } from 'zod';
import { ConflictError, InvalidFieldError, InvoiceClosedError, NotFoundError } from '../invoices/invoice-errors';
import type { Logger } from '../logger';
import { PolicyNotFoundError } from '../policies/policy-store';
import { fieldRefusalOf } from '../../workflows/invoice-collection/refusals';
import { CALLER_FIELD_REASON, CALLER_FIELDS } from './access/caller-fields';

/** One failing field. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** An error that is the client's to fix (or a conflict with current state), with its HTTP status. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail);
  }
}

/** A 422 for one field. */
export function fieldProblem(field: string, reason: string): ProblemError {
  return new ProblemError(422, 'Invalid request', `${field}: ${reason}`, [{ field, reason }]);
}

/** A 409 for an invoice whose workflow has ended. */
export function invoiceClosed(invoiceId: string, status: string): ProblemError {
  return new ProblemError(409, 'Invoice closed', `invoice ${invoiceId} is ${status}; its collection has ended`);
}

export function notFound(what: string): ProblemError {
  return new ProblemError(404, 'Not found', `${what} does not exist`);
}

/** zod's wording, made plainer for the case clients hit most. */
function reasonOf(issue: ZodError['issues'][number]): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'is required';
  return issue.message;
}

/** One problem per failing field; an unknown field is named itself, and one that says who acted is refused as such. */
function problemsOf(issue: ZodError['issues'][number], location: string): FieldProblem[] {
  if (issue.code !== 'unrecognized_keys') return [{ field: [location, ...issue.path].join('.'), reason: reasonOf(issue) }];
  return issue.keys.map((key) => ({
    field: [location, ...issue.path, key].join('.'),
    reason: CALLER_FIELDS.includes(key) ? CALLER_FIELD_REASON : 'is not a field of this request: remove it',
  }));
}

export function fromZod(error: ZodError, location: 'body' | 'query' | 'path'): ProblemError {
  const errors = error.issues.flatMap((issue) => problemsOf(issue, location));
  return new ProblemError(422, 'Invalid request', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
}

/**
 * A workflow's refusal: a field refusal becomes a 422 on that field, located in the path when the
 * route took it from there (`pathFields`) and in the body otherwise; a refusal of a field the route
 * took from the caller's key (`keyFields`, each with what it was) is a 403; any other refusal is a 409.
 */
export function fromWorkflowRefusal(error: Error & { cause?: unknown }, pathFields: readonly string[] = [],
  keyFields: Readonly<Record<string, string>> = {}): ProblemError {
  const refusal = fieldRefusalOf(error.cause);
  const fromKey = refusal && Object.hasOwn(keyFields, refusal.field) ? keyFields[refusal.field] : undefined;
  if (refusal && fromKey !== undefined) {
    const reason = `${fromKey}: ${refusal.reason}`;
    return new ProblemError(403, 'Forbidden', `header.authorization: ${reason}`, [{ field: 'header.authorization', reason }]);
  }
  if (refusal) {
    const location = pathFields.includes(refusal.field.split('.')[0]) ? 'path' : 'body';
    const field = `${location}.${refusal.field}`;
    return new ProblemError(422, 'Invalid request', `${field}: ${refusal.reason}`, [{ field, reason: refusal.reason }]);
  }
  const cause = error.cause instanceof Error ? error.cause : error;
  return new ProblemError(409, 'Not applicable now', cause.message);
}

/** Parses a request part with its schema, or throws the 422 naming every failing field. */
export function parseRequest<S extends ZodType>(schema: S, value: unknown, location: 'body' | 'query' | 'path'): output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(result.error, location);
  return result.data;
}

const SLUGS: Record<number, string> = {
  400: 'malformed-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed', 409: 'conflict', 413: 'payload-too-large',
  415: 'unsupported-media-type', 422: 'validation-error', 429: 'too-many-requests', 500: 'internal-error', 503: 'service-unavailable',
};

export function sendProblem(res: Response, problem: ProblemError, instance?: string): void {
  res.status(problem.status).type('application/problem+json').json({
    type: `/problems/${SLUGS[problem.status] ?? 'error'}`,
    title: problem.title,
    status: problem.status,
    detail: problem.message,
    ...(instance ? { instance } : {}),
    ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
  });
}

/** Unknown routes are problems too. */
export const notFoundRoute: RequestHandler = (req, res) => {
  sendProblem(res, new ProblemError(404, 'Not found', `no route for ${req.method} ${req.path}`), req.originalUrl);
};

/**
 * The neutral errors of the invoice and policy modules, in HTTP terms. Their fields are paths in
 * the request body; a workflow's refusal that reaches here unmapped is located in the body too.
 */
function fromDomainError(error: unknown): ProblemError | undefined {
  if (error instanceof NotFoundError) return notFound(error.what);
  if (error instanceof PolicyNotFoundError) return new ProblemError(404, 'Not found', error.message);
  if (error instanceof InvalidFieldError) return fieldProblem(`body.${error.field}`, error.reason);
  if (error instanceof InvoiceClosedError) return invoiceClosed(error.invoiceId, error.status);
  if (error instanceof ConflictError) {
    const errors = error.field ? [{ field: `body.${error.field.field}`, reason: error.field.reason }] : [];
    return new ProblemError(409, error.title, error.message, errors);
  }
  if (error instanceof WorkflowUpdateFailedError) return fromWorkflowRefusal(error);
  return undefined;
}

/** Errors from body parsing carry `type` and `status`; map the ones a client can cause. */
function fromBodyParser(error: { type?: string; status?: number; message?: string } | null | undefined): ProblemError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return new ProblemError(400, 'Malformed JSON', 'body: is not a JSON object', [{ field: 'body', reason: 'is not a JSON object (malformed, or a bare value)' }]);
    case 'entity.too.large':
      return new ProblemError(413, 'Payload too large', 'body: is larger than the 1 MB limit', [{ field: 'body', reason: 'is larger than the 1 MB limit' }]);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ProblemError(415, 'Unsupported encoding', `body: ${error.message}`, [{ field: 'body', reason: String(error.message) }]);
    default: {
      if (!(error.status && error.status >= 400 && error.status < 500)) return undefined;
      // express's own refusal of a path it cannot decode ("Failed to decode param '%E0%A4%A'").
      const undecodable = /^Failed to decode param '(.*)'$/.exec(String(error.message));
      const field = undecodable ? 'path' : 'request';
      const reason = undecodable ? `has a part that is not valid percent-encoding: ${undecodable[1]}` : String(error.message ?? 'is malformed');
      return new ProblemError(400, 'Bad request', `${field}: ${reason}`, [{ field, reason }]);
    }
  }
}

export function problemHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = error instanceof ProblemError ? error
      : error instanceof ZodError ? fromZod(error, 'body')
        : fromDomainError(error) ?? fromBodyParser(error);
    if (problem) {
      sendProblem(res, problem, req.originalUrl);
      return;
    }
    log.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    // Nothing here says whether a retry would help: an unexpected failure may well repeat.
    sendProblem(res, new ProblemError(500, 'Internal error', 'the server could not complete the request; the failure has been logged'), req.originalUrl);
  };
}
