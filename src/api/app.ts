/** The HTTP API (express + zod): every input validated at the edge, every error problem+json. */
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { TemplateLibrary } from '../notices/template-library';
import { accessControl } from './access/access-control';
import { idempotency } from './idempotency';
import { rateLimits } from './rate-limits';
import { notFoundRoute, ProblemError, problemHandler, sendProblem } from './problem';
import { healthRoutes } from './routes/health';
import { invoiceRoutes } from './routes/invoices';
import { lifecycleRoutes } from './routes/invoice-lifecycle';
import { policyMoveRoutes } from './routes/policy-moves';
import { planRoutes } from './routes/plans';
import { policyRoutes } from './routes/policies';
import { templateRoutes } from './routes/templates';
import { taskRoutes } from './routes/tasks';
import { auditRoutes } from './routes/audit';
import { customerRoutes } from './routes/customers';
import { letterRoutes } from './routes/letters';
import { subscriptionRoutes } from './routes/subscriptions';
import { deliveryWebhookRoutes } from './routes/delivery-webhook';
import { webhookRoutes } from './routes/webhooks';
import { apiReferenceRoutes } from './openapi/reference-routes';
import { codecCors, codecKeyInPath, codecRoutes } from '../encryption/codec-server';
import { httpMetrics } from '../observability/http-metrics';
import { httpTracing } from '../observability/http-tracing';
import { tracingActive } from '../observability/tracing';

export interface ApiDependencies {
  db: Pool;
  client: Client;
  taskQueue: string;
  log: Logger;
  /** Email templates, checked when a policy is saved; loaded from templates/email when omitted. */
  templates?: TemplateLibrary;
  /** True once the API has begun to stop: readiness then answers 503. */
  stopping?: () => boolean;
}

export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // First, so every answer is counted and timed (refusals too) and, with tracing on, sits in the request's span.
  app.use(httpMetrics());
  if (tracingActive()) app.use(httpTracing());
  app.use(helmet());
  // The Web UI's preflight to the codec endpoint carries no key: answered before the gate.
  app.use(codecKeyInPath);
  app.use('/v1/codec', codecCors(deps));
  // Who may call what (src/api/access/route-access.ts): checked before anything of the request is read.
  app.use('/v1', accessControl(deps.db));
  app.use('/v1', rateLimits(deps)); // per key, so after the gate
  app.use((req, res, next) => {
    // A POST must say it sends JSON; anything else is refused before parsing.
    if (req.method === 'POST' && !req.is('application/json')) {
      sendProblem(res, new ProblemError(415, 'Unsupported media type', 'content-type: must be application/json',
        [{ field: 'header.content-type', reason: 'must be application/json' }]), req.originalUrl);
      return;
    }
    next();
  });
  app.use('/v1', webhookRoutes(deps)); // before the JSON parser: webhooks verify signatures over the raw body
  app.use('/v1', deliveryWebhookRoutes(deps));
  app.use(express.json({ limit: '1mb', strict: true }));
  app.use('/v1', idempotency(deps)); // compares bodies, so after the parser
  app.use('/v1', healthRoutes(deps));
  app.use('/v1', apiReferenceRoutes()); // /openapi.json and /docs
  app.use('/v1', codecRoutes(deps)); // Temporal's codec server protocol: /codec/decode and /codec/encode
  app.use('/v1', invoiceRoutes(deps));
  app.use('/v1', lifecycleRoutes(deps));
  app.use('/v1', policyMoveRoutes(deps));
  app.use('/v1', taskRoutes(deps.db));
  app.use('/v1', auditRoutes(deps));
  app.use('/v1', planRoutes(deps));
  app.use('/v1', customerRoutes(deps));
  app.use('/v1', letterRoutes(deps.db));
  app.use('/v1', subscriptionRoutes(deps.db));
  const templates = deps.templates ?? new TemplateLibrary();
  app.use('/v1', policyRoutes(deps.db, templates));
  app.use('/v1', templateRoutes(templates));
  app.use(notFoundRoute);
  app.use(problemHandler(deps.log));
  return app;
}
