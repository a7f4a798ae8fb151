/** All configuration, read once from the environment and validated; nothing else reads process.env. */
import { z } from 'zod';
import { KEY_BYTES, type EncryptionKey } from './encryption/encryption-codec';

const port = z.coerce.number().int().min(1).max(65535);
const optionalText = z.string().trim().min(1).optional();
const unsetWhenEmpty = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** `host:port` for a listener: a name or IPv4 address, or an IPv6 address in brackets. */
const bindAddress = z.string().trim().regex(/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/, 'must be host:port to listen on, such as 0.0.0.0:9464')
  .refine((text) => Number(text.slice(text.lastIndexOf(':') + 1)) <= 65535, 'must have a port from 0 to 65535');

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `id:base64,id:base64,…`, the key that encrypts first. Refusals name the key by its id or position,
 * never by its value: a start-up error must not print a secret into the logs.
 */
const encryptionKeyRing = z.string().transform((text, ctx): EncryptionKey[] => {
  const ring: EncryptionKey[] = [];
  text.split(',').forEach((entry, index) => {
    const [id, value, ...rest] = entry.trim().split(':');
    const which = `key ${index + 1}`;
    const refuse = (message: string) => ctx.addIssue({ code: 'custom', message: `${message} (openssl rand -base64 32 makes a key)` });
    if (value === undefined || rest.length > 0) return refuse(`${which} must be written id:base64-key`);
    if (!KEY_ID.test(id)) return refuse(`${which} needs an id of 1 to 64 letters, digits, dots, dashes or underscores before its colon`);
    if (ring.some((known) => known.id === id)) return refuse(`key id "${id}" appears twice: each key needs its own id`);
    const key = Buffer.from(value, 'base64');
    if (!BASE64.test(value) || key.length !== KEY_BYTES) return refuse(`key "${id}" must be ${KEY_BYTES} bytes in base64; it is ${BASE64.test(value) ? `${key.length} bytes` : 'not base64'}`);
    ring.push({ id, key });
  });
  return ring;
});

/** `origin,origin,…`: each a scheme, host and port, as a browser sends it in `Origin`. */
const origins = z.string().transform((text, ctx) => {
  const list = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const origin of list) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin such as http://localhost:8233` });
  }
  return list;
});

const environmentSchema = z.object({
  DATABASE_URL: optionalText,
  // Connections each process keeps to Postgres; the server's max_connections must cover every process's pool.
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
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
  // The worker role answers liveness and readiness on this port when set (the API answers on PORT).
  WORKER_HEALTH_PORT: unsetWhenEmpty(port),
  // How long a stopping worker lets running activities finish before cancelling them; the whole shutdown is cut short at 30 s.
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(20).default(15),
  // Workflows the worker keeps in memory between their tasks; unset takes the SDK's default, sized from the heap limit.
  WORKER_MAX_CACHED_WORKFLOWS: unsetWhenEmpty(z.coerce.number().int().min(0).max(1_000_000).refine((n) => n !== 1, 'must be 0 (no cache) or at least 2')),
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
  // Observability, each off unless set: the engine's Prometheus metrics (GET /metrics on this port, on HOST), the Temporal
  // SDK's own worker metrics (its Prometheus listener at host:port), and traces to an OTLP/HTTP collector (<endpoint>/v1/traces).
  METRICS_PORT: unsetWhenEmpty(port),
  TEMPORAL_METRICS_BIND_ADDRESS: unsetWhenEmpty(bindAddress),
  OTEL_EXPORTER_OTLP_ENDPOINT: unsetWhenEmpty(z.url({ protocol: /^https?$/, error: 'must be the collector\'s OTLP/HTTP base URL, such as http://otel-collector:4318' })),

  // Unset (or empty, as compose passes an unset one): email goes to the outbox table instead of Resend.
  RESEND_API_KEY: unsetWhenEmpty(z.string().trim().min(1)),
  RESEND_BASE_URL: optionalText,
  MAIL_FROM: z.string().default('Accounts Receivable <ar@example.com>'),
  COMPANY_NAME: z.string().default('Example Co.'),
  COLLECTIONS_PHONE: z.string().default('+1 555 0100'),
  // SMS through Twilio: all three set, or none (texts then go to the outbox table).
  TWILIO_ACCOUNT_SID: unsetWhenEmpty(z.string().trim().regex(/^AC[0-9a-fA-F]{32}$/, "must be the Twilio account's SID: AC and 32 hexadecimal digits")),
  TWILIO_AUTH_TOKEN: unsetWhenEmpty(z.string().trim().min(16, "must be the Twilio account's auth token")),
  SMS_FROM: unsetWhenEmpty(z.string().trim().regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'must be the sending number in E.164 (+15550100) or a messaging service SID (MG…)')),
  TWILIO_BASE_URL: optionalText,

  // Payment webhooks: each is served only when its secret is set (an empty value, as compose passes an unset one, is unset).
  STRIPE_WEBHOOK_SECRET: unsetWhenEmpty(z.string().trim().regex(/^whsec_\S+$/, 'must be the endpoint\'s signing secret from Stripe, starting with whsec_')),
  WEBHOOK_SECRET: unsetWhenEmpty(z.string().trim().min(32, 'must be at least 32 characters: it is the HMAC key senders sign with')),
  // Resend's delivery events (delivered, bounced, complained), signed with the endpoint's secret from Resend.
  RESEND_WEBHOOK_SECRET: unsetWhenEmpty(z.string().trim().regex(/^whsec_\S+$/, "must be the webhook's signing secret from Resend, starting with whsec_")),

  // Encrypted Temporal payloads: unset leaves them readable (as before); an empty value, as compose passes an unset one, is unset.
  PAYLOAD_ENCRYPTION_KEYS: unsetWhenEmpty(encryptionKeyRing),
  // Browser origins allowed to call the codec endpoint (the Temporal Web UI's); the local dev server's UI by default.
  CODEC_CORS_ORIGINS: unsetWhenEmpty(origins),
});

/** Every variable the configuration reads: a deployment's environment names no other (docker-compose.yml is checked against it). */
export const CONFIGURATION_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

/** The engine's settings. */
export interface Config {
  /** Postgres to use; undefined starts an embedded one. */
  databaseUrl?: string;
  /** Connections in each process's Postgres pool. */
  databasePoolSize: number;
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
    /** Payload encryption for every client and worker: the first key seals, all of them open; undefined sends payloads readable. */
    encryption?: { keys: EncryptionKey[] };
  };
  /** Browser origins (the Temporal Web UI's) that may call the codec endpoint. */
  codecCorsOrigins: string[];
  httpPort: number;
  /** Where the worker role answers liveness and readiness; undefined serves none. */
  workerHealthPort?: number;
  /** How long a stopping worker waits for running activities before cancelling them (the SDK's shutdownGraceTime). */
  workerShutdownGraceMs: number;
  /** The worker's sticky cache; undefined leaves the SDK's default. */
  workerMaxCachedWorkflows?: number;
  /** The address the HTTP API listens on: 127.0.0.1 unless HOST opens it (0.0.0.0, ::, an interface's address). */
  httpHost: string;
  /** How often the worker starts workflows for invoices saved without one, and how old such a row must be. */
  reconcile: { intervalMs: number; graceMs: number };
  /** Requests per API key per window (per API process); beyond it a 429. */
  rateLimit: { limit: number; windowMs: number };
  /** How long an Idempotency-Key's stored answer is replayed after the first request. */
  idempotencyKeyTtlMs: number;
  logLevel: string;
  /** Metrics and tracing; each is off when undefined. */
  observability: {
    /** The engine's Prometheus metrics listener (GET /metrics). */
    metricsPort?: number;
    /** The Temporal SDK's Prometheus listener, host:port. */
    temporalMetricsBindAddress?: string;
    /** The OTLP/HTTP collector traces go to. */
    otlpEndpoint?: string;
  };
  mail: {
    resendApiKey?: string;
    resendBaseUrl?: string;
    from: string;
    companyName: string;
    collectionsPhone: string;
  };
  /** Twilio's account and sending number; undefined sends texts to the outbox table. */
  sms?: { accountSid: string; authToken: string; from: string; baseUrl?: string };
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
    databasePoolSize: env.DATABASE_POOL_SIZE,
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
      encryption: env.PAYLOAD_ENCRYPTION_KEYS ? { keys: env.PAYLOAD_ENCRYPTION_KEYS } : undefined,
    },
    codecCorsOrigins: env.CODEC_CORS_ORIGINS ?? [`http://localhost:${env.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`],
    httpPort: env.PORT,
    workerHealthPort: env.WORKER_HEALTH_PORT,
    workerShutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
    workerMaxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    httpHost: env.HOST,
    reconcile: { intervalMs: env.RECONCILE_INTERVAL_SECONDS * 1000, graceMs: env.RECONCILE_GRACE_SECONDS * 1000 },
    rateLimit: { limit: env.RATE_LIMIT_REQUESTS, windowMs: env.RATE_LIMIT_WINDOW_SECONDS * 1000 },
    idempotencyKeyTtlMs: env.IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000,
    logLevel: env.LOG_LEVEL,
    observability: {
      metricsPort: env.METRICS_PORT,
      temporalMetricsBindAddress: env.TEMPORAL_METRICS_BIND_ADDRESS,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
    mail: {
      resendApiKey: env.RESEND_API_KEY,
      resendBaseUrl: env.RESEND_BASE_URL,
      from: env.MAIL_FROM,
      companyName: env.COMPANY_NAME,
      collectionsPhone: env.COLLECTIONS_PHONE,
    },
    webhooks: { stripeSecret: env.STRIPE_WEBHOOK_SECRET, genericSecret: env.WEBHOOK_SECRET, resendSecret: env.RESEND_WEBHOOK_SECRET },
    sms: smsSettings(env),
  };
}

const SMS_VARIABLES = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SMS_FROM'] as const;

/** Twilio's settings when all three are set; some without the others is a mistake worth stopping for. */
function smsSettings(env: z.infer<typeof environmentSchema>): Config['sms'] {
  const missing = SMS_VARIABLES.filter((name) => !env[name]);
  if (missing.length === SMS_VARIABLES.length) return undefined;
  if (missing.length > 0) throw new Error(`invalid configuration:\n${missing.map((name) => `  ${name}: must be set with ${SMS_VARIABLES.filter((n) => n !== name).join(' and ')}`).join('\n')}`);
  return { accountSid: env.TWILIO_ACCOUNT_SID as string, authToken: env.TWILIO_AUTH_TOKEN as string, from: env.SMS_FROM as string, baseUrl: env.TWILIO_BASE_URL };
}
