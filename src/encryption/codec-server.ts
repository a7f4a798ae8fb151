/**
 * Temporal's codec server protocol on the engine's API, so the Temporal Web UI and CLI show decoded
 * payloads to the people allowed to read them: `POST /v1/codec/decode` and `/v1/codec/encode` take
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` and answer the same shape. They sit
 * behind the API's own key check (route-access.ts), and a browser may call them from the Web UI's
 * origin (CODEC_CORS_ORIGINS). Without PAYLOAD_ENCRYPTION_KEYS both answer the payloads unchanged,
 * as a codec server with no codec does.
 */
import type { PayloadCodec } from '@temporalio/common';
import { JSONToPayload, payloadToJSON, type Payload } from '@temporalio/common/lib/proto-utils';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../api/app';
import { parseRequest, ProblemError } from '../api/problem';
import { loadConfig } from '../config';
import { engineCodec } from './data-converter';
import { UnreadablePayloadError } from './encryption-codec';

declare module '../api/app' {
  interface ApiDependencies {
    /** The payload codec the codec endpoint runs; the configured one (src/config.ts) when not given. */
    payloadCodec?: PayloadCodec;
    /** Browser origins allowed to call the codec endpoint; the configured ones when not given. */
    codecCorsOrigins?: readonly string[];
  }
}

/** Standard base64, padded or not: what protobuf's JSON form reads (a lone trailing character is not). */
const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/, 'must be base64');
const MAX_PAYLOADS = 1000;

/** The body of both routes and of their answers: payloads in Temporal's JSON form. */
export const codecPayloadsSchema = z.object({
  payloads: z.array(z.looseObject({
    metadata: z.record(z.string().min(1).max(255), base64).optional(),
    data: base64.optional(),
    // Payload's third field (int64 sizes, as numbers or strings); any other field is ignored.
    externalPayloads: z.array(z.looseObject({ sizeBytes: z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[0-9]{1,18}$/)]).optional() })).optional(),
  })).max(MAX_PAYLOADS),
}).strict();

/** Headers the Web UI sends: the namespace it shows, and with "pass access token" its login's token. */
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization, Authorization-Extras';

const KEY_IN_PATH = /^\/v1\/codec\/keys\/([^/]+)\/(decode|encode)$/;

/**
 * The Web UI cannot send one of our keys in a header (its "pass access token" sends its own login
 * token), but it calls whatever endpoint it is given plus /decode: an operator sets
 * `<api>/v1/codec/keys/<their key>` as the UI's codec endpoint, and the request is read as if the
 * key came in the Authorization header. The key is taken out of the URL before anything logs it.
 */
export const codecKeyInPath: RequestHandler = (req, _res, next) => {
  const match = KEY_IN_PATH.exec(req.path);
  if (match) {
    req.headers.authorization = `Bearer ${decodeURIComponent(match[1])}`;
    req.url = `/v1/codec/${match[2]}`;
    req.originalUrl = `/v1/codec/keys/[redacted]/${match[2]}`;
  }
  next();
};

/**
 * CORS for the Web UI, mounted before the key check: a browser's preflight carries no key, so it is
 * answered here; the actual request then shows its key like any other.
 */
export function codecCors(deps: Pick<ApiDependencies, 'codecCorsOrigins'>): RequestHandler {
  const origins = new Set(deps.codecCorsOrigins ?? loadConfig().codecCorsOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

function payloadsOf(body: unknown): Payload[] {
  const { payloads } = parseRequest(codecPayloadsSchema, body, 'body');
  return payloads.map((json, index) => {
    try {
      return JSONToPayload(json);
    } catch {
      throw new ProblemError(422, 'Invalid request', `body.payloads.${index}: is not a Temporal payload`,
        [{ field: `body.payloads.${index}`, reason: 'is not a Temporal payload' }]);
    }
  });
}

/** Decodes one payload at a time, so a refusal names the payload and the reason (an unknown key id, altered bytes). */
async function decodeEach(codec: PayloadCodec, payloads: Payload[]): Promise<Payload[]> {
  const decoded: Payload[] = [];
  for (const [index, payload] of payloads.entries()) {
    try {
      decoded.push(...(await codec.decode([payload])));
    } catch (error) {
      if (!(error instanceof UnreadablePayloadError)) throw error;
      const field = `body.payloads.${index}`;
      throw new ProblemError(422, 'Unreadable payload', `${field}: ${error.message}`, [{ field, reason: error.message }]);
    }
  }
  return decoded;
}

const passThrough: PayloadCodec = { encode: async (payloads) => payloads, decode: async (payloads) => payloads };

/** POST /codec/encode and /codec/decode. */
export function codecRoutes(deps: Pick<ApiDependencies, 'payloadCodec'>): Router {
  const codec = deps.payloadCodec ?? engineCodec(loadConfig().temporal.encryption) ?? passThrough;
  const router = Router();
  router.post('/codec/decode', async (req, res) => {
    const decoded = await decodeEach(codec, payloadsOf(req.body));
    res.json({ payloads: decoded.map(payloadToJSON) });
  });
  router.post('/codec/encode', async (req, res) => {
    const encoded = await codec.encode(payloadsOf(req.body));
    res.json({ payloads: encoded.map(payloadToJSON) });
  });
  return router;
}
