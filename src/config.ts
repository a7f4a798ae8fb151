/** All configuration, read once from the environment and validated; nothing else reads process.env. */
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const optionalText = z.string().trim().min(1).optional();
const unsetWhenEmpty = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const environmentSchema = z.object({
  DATABASE_URL: optionalText,
  POSTGRES_PORT: port.default(54329),
  DATA_DIR: z.string().default('.data'),

  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('collections'),
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),

  PORT: port.default(3000),
  // Loopback unless opened explicitly: the API is not reachable from other machines by accident.
  HOST: z.string().trim().regex(/^[A-Za-z0-9.:-]+$/, 'must be a host name or IP address to listen on, such as 0.0.0.0').default('127.0.0.1'),
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  RECONCILE_GRACE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  // Per API key, per API process: requests in a window, answered 429 beyond it.
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).max(1_000_000).default(600),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  // How long a POST's Idempotency-Key and its stored answer are kept after the first request.
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  RESEND_API_KEY: optionalText,
  RESEND_BASE_URL: optionalText,
  MAIL_FROM: z.string().default('Accounts Receivable <ar@example.com>'),
  COMPANY_NAME: z.string().default('Example Co.'),
  COLLECTIONS_PHONE: z.string().default('+1 555 0100'),

  // Payment webhooks: each is served only when its secret is set (an empty value, as compose passes an unset one, is unset).
  STRIPE_WEBHOOK_SECRET: unsetWhenEmpty(z.string().trim().regex(/^whsec_\S+$/, 'must be the endpoint\'s signing secret from Stripe, starting with whsec_')),
  WEBHOOK_SECRET: unsetWhenEmpty(z.string().trim().min(32, 'must be at least 32 characters: it is the HMAC key senders sign with')),
  // Resend's delivery events (delivered, bounced, complained), signed with the endpoint's secret from Resend.
  RESEND_WEBHOOK_SECRET: unsetWhenEmpty(z.string().trim().regex(/^whsec_\S+$/, "must be the webhook's signing secret from Resend, starting with whsec_")),
});

/** The engine's settings. */
export interface Config {
  /** Postgres to use; undefined starts an embedded one. */
  databaseUrl?: string;
  embeddedPostgresPort: number;
  dataDir: string;
  temporal: {
    /** Cluster to use; undefined starts a local dev server. */
    address?: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls: boolean;
    tlsCertPath?: string;
    tlsKeyPath?: string;
    devServerPort: number;
    devServerUiPort: number;
  };
  httpPort: number;
  /** The address the HTTP API listens on: 127.0.0.1 unless HOST opens it (0.0.0.0, ::, an interface's address). */
  httpHost: string;
  /** How often the worker starts workflows for invoices saved without one, and how old such a row must be. */
  reconcile: { intervalMs: number; graceMs: number };
  /** Requests per API key per window (per API process); beyond it a 429. */
  rateLimit: { limit: number; windowMs: number };
  /** How long an Idempotency-Key's stored answer is replayed after the first request. */
  idempotencyKeyTtlMs: number;
  logLevel: string;
  mail: {
    resendApiKey?: string;
    resendBaseUrl?: string;
    from: string;
    companyName: string;
    collectionsPhone: string;
  };
  /** Signing secrets of the payment webhooks; a webhook without its secret answers 503. */
  webhooks: { stripeSecret?: string; genericSecret?: string; resendSecret?: string };
}

/** Reads and validates configuration; a bad value stops start-up with the variable's name. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return {
    databaseUrl: env.DATABASE_URL,
    embeddedPostgresPort: env.POSTGRES_PORT,
    dataDir: env.DATA_DIR,
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      apiKey: env.TEMPORAL_API_KEY,
      tls: env.TEMPORAL_TLS === 'true' || Boolean(env.TEMPORAL_API_KEY) || Boolean(env.TEMPORAL_TLS_CERT_PATH),
      tlsCertPath: env.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: env.TEMPORAL_TLS_KEY_PATH,
      devServerPort: env.TEMPORAL_PORT,
      devServerUiPort: env.TEMPORAL_UI_PORT,
    },
    httpPort: env.PORT,
    httpHost: env.HOST,
    reconcile: { intervalMs: env.RECONCILE_INTERVAL_SECONDS * 1000, graceMs: env.RECONCILE_GRACE_SECONDS * 1000 },
    rateLimit: { limit: env.RATE_LIMIT_REQUESTS, windowMs: env.RATE_LIMIT_WINDOW_SECONDS * 1000 },
    idempotencyKeyTtlMs: env.IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000,
    logLevel: env.LOG_LEVEL,
    mail: {
      resendApiKey: env.RESEND_API_KEY,
      resendBaseUrl: env.RESEND_BASE_URL,
      from: env.MAIL_FROM,
      companyName: env.COMPANY_NAME,
      collectionsPhone: env.COLLECTIONS_PHONE,
    },
    webhooks: { stripeSecret: env.STRIPE_WEBHOOK_SECRET, genericSecret: env.WEBHOOK_SECRET, resendSecret: env.RESEND_WEBHOOK_SECRET },
  };
}
