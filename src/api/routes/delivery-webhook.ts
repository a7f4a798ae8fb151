/**
 * POST /v1/webhooks/resend: what Resend reports after a message left (email.delivered, .bounced,
 * .complained), verified with the Resend SDK's signature check (Standard Webhooks: svix-id,
 * svix-timestamp, svix-signature over the raw body) and recorded once per event id
 * (src/notices/delivery-events.ts). Like the payment webhooks it takes no API key and is not served
 * (404) while RESEND_WEBHOOK_SECRET is not set.
 */
import express, { Router } from 'express';
import { Resend } from 'resend';
import { z } from 'zod';
import { loadConfig } from '../../config';
import { receiveDeliveryEvent } from '../../notices/delivery-events';
import type { ApiDependencies } from '../app';
import { ProblemError } from '../problem';
import { signatureHeader } from './webhooks';

const SIGNATURE_HEADERS = ['svix-id', 'svix-timestamp', 'svix-signature'] as const;

/** The parts of a Resend event the engine reads. */
export const resendEvent = z.object({
  type: z.string().min(1).max(100),
  data: z.looseObject({
    email_id: z.string().min(1).max(255),
    bounce: z.looseObject({ type: z.string().optional(), message: z.string().optional() }).optional(),
  }),
});

export function deliveryWebhookRoutes(deps: ApiDependencies): Router {
  const router = Router();
  // The SDK's constructor asks for an API key; checking a signature never uses it.
  const verifier = new Resend('re_signature_checks_only');
  router.post('/webhooks/resend', express.raw({ type: 'application/json', limit: '1mb' }), async (req, res) => {
    const secret = deps.webhooks?.resendSecret ?? loadConfig().webhooks.resendSecret;
    // A request without its signature is the sender's to fix, whether or not this server takes the webhook.
    const [id, timestamp, signature] = SIGNATURE_HEADERS.map((name) => signatureHeader(req, name));
    if (!secret) throw new ProblemError(404, 'Not found', 'the resend webhook is not configured on this server: set RESEND_WEBHOOK_SECRET');
    const payload = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let verified: unknown;
    try {
      verified = verifier.webhooks.verify({ payload, headers: { id, timestamp, signature }, webhookSecret: secret });
    } catch (error) {
      res.setHeader('WWW-Authenticate', 'Signature realm="webhooks"');
      const reason = `does not verify (${error instanceof Error ? error.message : 'invalid'})`;
      throw new ProblemError(401, 'Unauthorized', `header.svix-signature: ${reason}`, [{ field: 'header.svix-signature', reason }]);
    }
    const parsed = resendEvent.safeParse(verified);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = `body.${issue.path.join('.')}`;
      throw new ProblemError(422, 'Unprocessable content', `${field}: ${issue.message}`, [{ field, reason: issue.message }]);
    }
    const { type, data } = parsed.data;
    const detail = data.bounce ? [data.bounce.type, data.bounce.message].filter(Boolean).join(': ') : undefined;
    const outcome = await receiveDeliveryEvent(deps, { eventId: id, type, emailId: data.email_id, ...(detail ? { detail } : {}), payload: verified });
    res.status(200).json({ eventId: id, type, ...outcome });
  });
  return router;
}
