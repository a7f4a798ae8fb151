/**
 * /v1/webhooks/…: payment providers and ERPs tell the engine about payments, refunds and disputes.
 * These routes take no API key: each request is authenticated by its signature over the raw body
 * (so this router reads the body itself, and is mounted before the JSON parser). A webhook whose
 * secret is not configured is not served: 404, naming the variable that switches it on (a sender
 * retries any answer but a 2xx, so its events land once the operator sets it). A request without
 * its signature headers is refused first, configured or not. A verified event is stored, then
 * applied (src/webhooks/webhook-inbox.ts):
 *
 *   200  applied (or ignored: a type the engine does not act on); the invoice's new balance
 *   202  kept for review: no invoice matches (`unmatched`), or the invoice refused it (`refused`)
 *   400  signature headers missing or malformed, body not JSON; 401 signature wrong or stale
 *   422  (generic) a body that is not a valid event, naming the field; nothing is stored
 *   404  not configured on this server
 *   503  the event is stored but could not be applied yet: deliver it again
 *
 * GET /v1/webhook-events lists stored events for review (unmatched by default). It shows payloads,
 * so it sits outside /v1/webhooks/ and takes an API key like every other route.
 */
import express, { Router, type Request, type Response } from 'express';
import Stripe from 'stripe';
import { z } from 'zod';
import type { ApiDependencies } from '../app';
import { loadConfig } from '../../config';
import { GENERIC_HEADERS, genericAction, genericEventSchema, verifyGenericSignature, WebhookSignatureError } from '../../webhooks/generic-events';
import { stripeAction } from '../../webhooks/stripe-events';
import type { VerifiedEvent } from '../../webhooks/webhook-event';
import { listEvents, receiveEvent, type EventAnswer } from '../../webhooks/webhook-inbox';
import { parseRequest, ProblemError } from '../problem';

/** The webhooks' signing secrets; a webhook without its secret is not served. */
export interface WebhookSecrets {
  /** Stripe's endpoint signing secret (whsec_…), STRIPE_WEBHOOK_SECRET. */
  stripeSecret?: string;
  /** The generic webhook's shared HMAC secret, WEBHOOK_SECRET. */
  genericSecret?: string;
  /** Resend's delivery events' signing secret (whsec_…), RESEND_WEBHOOK_SECRET. */
  resendSecret?: string;
}

declare module '../app' {
  interface ApiDependencies {
    /** The webhooks' secrets; taken from the configuration (src/config.ts) when not given. */
    webhooks?: WebhookSecrets;
  }
}

const ANSWER_STATUS: Record<Exclude<EventAnswer['status'], 'failed'>, number> = { applied: 200, ignored: 200, unmatched: 202, refused: 202 };

// The signature covers the bytes as sent: parse nothing before it is checked.
const rawJson = express.raw({ type: 'application/json', limit: '1mb' });

const rawBodyOf = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

function notConfigured(webhook: string, variable: string): ProblemError {
  return new ProblemError(404, 'Not found', `the ${webhook} webhook is not configured on this server: set ${variable}`);
}

/** A signature header's value; a request without it is refused (400), the sender's to fix, configured or not. */
export function signatureHeader(req: Request, name: string): string {
  const value = req.headers[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ProblemError(400, 'Bad request', `header.${name}: is required`, [{ field: `header.${name}`, reason: 'is required' }]);
  }
  return value;
}

function signatureProblem(res: Response, error: WebhookSignatureError): ProblemError {
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Signature realm="webhooks"');
  const title = error.status === 401 ? 'Unauthorized' : 'Bad request';
  return new ProblemError(error.status, title, `${error.field}: ${error.reason}`, [{ field: error.field, reason: error.reason }]);
}

/** The parts of a Stripe event read before it is stored. */
export const stripeEnvelope = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(200),
  created: z.number().int(),
  data: z.object({ object: z.looseObject({}) }),
});

/** Verifies a Stripe request with the Stripe SDK (signature and five-minute tolerance) and reads its event. */
function verifiedStripeEvent(req: Request, res: Response, secret: string): VerifiedEvent {
  const header = signatureHeader(req, 'stripe-signature');
  let event: unknown;
  try {
    event = Stripe.webhooks.constructEvent(rawBodyOf(req), header, secret);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      const stale = /tolerance/i.test(error.message);
      throw signatureProblem(res, new WebhookSignatureError(401, 'header.stripe-signature',
        stale ? 'its timestamp is more than 5 minutes from the server\'s clock' : 'does not match the body signed with the endpoint\'s secret'));
    }
    if (error instanceof SyntaxError) throw new ProblemError(400, 'Malformed JSON', 'body: is not JSON', [{ field: 'body', reason: 'is not JSON' }]);
    throw error;
  }
  const envelope = parseRequest(stripeEnvelope, event, 'body');
  return { provider: 'stripe', eventId: envelope.id, type: envelope.type, payload: event, action: stripeAction(envelope) };
}

/** Verifies a generic request (HMAC-SHA256, five-minute tolerance) and validates its body. */
function verifiedGenericEvent(req: Request, res: Response, secret: string): VerifiedEvent {
  const body = rawBodyOf(req);
  let eventId: string;
  try {
    eventId = verifyGenericSignature(secret, req.headers, body);
  } catch (error) {
    if (error instanceof WebhookSignatureError) throw signatureProblem(res, error);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ProblemError(400, 'Malformed JSON', 'body: is not JSON', [{ field: 'body', reason: 'is not JSON' }]);
  }
  const event = parseRequest(genericEventSchema, json, 'body');
  return { provider: 'generic', eventId, type: event.type, payload: json, action: genericAction(event) };
}

export const reviewQuery = z.object({
  status: z.enum(['unmatched', 'refused', 'failed', 'ignored', 'applied', 'received'], { error: 'must be unmatched, refused, failed, ignored, applied or received' })
    .default('unmatched'),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
}).strict();

export function webhookRoutes(deps: ApiDependencies): Router {
  const secrets = deps.webhooks ?? loadConfig().webhooks;
  const router = Router();

  const answer = async (res: Response, event: VerifiedEvent) => {
    const result = await receiveEvent(deps, event);
    if (result.status === 'failed') {
      res.setHeader('Retry-After', '60');
      throw new ProblemError(503, 'Service unavailable', `event ${event.eventId} is stored but not applied: ${result.reason ?? 'try again'}`);
    }
    res.status(ANSWER_STATUS[result.status]).json(result);
  };

  router.post('/webhooks/stripe', rawJson, async (req, res) => {
    signatureHeader(req, 'stripe-signature');
    if (!secrets.stripeSecret) throw notConfigured('Stripe', 'STRIPE_WEBHOOK_SECRET');
    await answer(res, verifiedStripeEvent(req, res, secrets.stripeSecret));
  });

  router.post('/webhooks/generic', rawJson, async (req, res) => {
    for (const name of Object.values(GENERIC_HEADERS)) signatureHeader(req, name);
    if (!secrets.genericSecret) throw notConfigured('generic', 'WEBHOOK_SECRET');
    await answer(res, verifiedGenericEvent(req, res, secrets.genericSecret));
  });

  router.get('/webhook-events', async (req, res) => {
    const { status, limit } = parseRequest(reviewQuery, req.query, 'query');
    res.json({ status, events: await listEvents(deps.db, status, limit) });
  });

  return router;
}
