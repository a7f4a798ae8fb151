/**
 * `Idempotency-Key` on POST (optional; the signed webhooks dedupe by event id instead). The first
 * request with a key, per API key, runs and its answer is stored; a retry with the same key, method,
 * path and body (compared as canonical JSON) gets that answer again, marked `Idempotent-Replayed:
 * true`, without running. The same key with another request is a 409 that runs nothing (a conflict with
 * the request the key already names, as a payment id reused with another amount is; 422 is kept for a
 * body to fix); a retry while the first is still being answered a 409 too. An answer of 500 or more is not stored, so a retry runs
 * again. Keys are kept for a day by default (IDEMPOTENCY_KEY_TTL_HOURS) after the first request.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import { loadConfig } from '../config';
import type { Logger } from '../logger';
import type { ApiDependencies } from './app';
import { ProblemError } from './problem';

declare module './app' {
  interface ApiDependencies {
    /** How long a key's answer is kept; taken from the configuration (src/config.ts) when not given. */
    idempotencyKeyTtlMs?: number;
  }
}

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const FIELD = 'header.idempotency-key';
/** Up to 255 visible ASCII characters: a UUID, a ULID, an ERP's document number. */
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/** How long a request holds its key unanswered before a retry may take it over (its process may have died). */
export const IN_FLIGHT_LEASE_MS = 120_000;
const PRUNE_INTERVAL_MS = 10 * 60_000;
const MAX_DEPTH = 100;

/** RFC 8785-style canonical JSON of a parsed body: object keys sorted, no whitespace; equal JSON, equal text. */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new ProblemError(422, 'Invalid request', `body: is nested more than ${MAX_DEPTH} levels deep`,
    [{ field: 'body', reason: `is nested more than ${MAX_DEPTH} levels deep` }]);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], depth + 1)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function requestSha256(request: string, body: unknown): Buffer {
  return createHash('sha256').update(`${request}\n${canonicalJson(body)}`, 'utf8').digest();
}

type Claim =
  | { kind: 'claimed' }
  | { kind: 'answered'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'in-flight' }
  | { kind: 'other-request'; request: string };

interface KeyRow {
  request: string;
  request_sha256: Buffer;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
}

/** Takes the key for this request (a new key, an expired one, or the same request's abandoned lease), or says what holds it. */
async function claimKey(db: Pool, id: { keyId: string; key: string; token: string }, request: string, sha256: Buffer, ttlMs: number): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const taken = await db.query(
      `INSERT INTO idempotency_keys (key_id, idempotency_key, request, request_sha256, lease_token, leased_until, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + $6::double precision * interval '1 millisecond', now() + $7::double precision * interval '1 millisecond')
       ON CONFLICT (key_id, idempotency_key) DO UPDATE SET
         request = EXCLUDED.request, request_sha256 = EXCLUDED.request_sha256, lease_token = EXCLUDED.lease_token,
         leased_until = EXCLUDED.leased_until, expires_at = EXCLUDED.expires_at, created_at = now(),
         response_status = NULL, response_headers = NULL, response_body = NULL
       WHERE idempotency_keys.expires_at <= now()
          OR (idempotency_keys.leased_until <= now() AND idempotency_keys.request_sha256 = EXCLUDED.request_sha256)
       RETURNING 1`,
      [id.keyId, id.key, request, sha256, id.token, IN_FLIGHT_LEASE_MS, ttlMs]);
    if (taken.rowCount === 1) return { kind: 'claimed' };
    const held = await db.query<KeyRow>(
      `SELECT request, request_sha256, response_status, response_headers, response_body::text AS response_body
       FROM idempotency_keys WHERE key_id = $1 AND idempotency_key = $2 AND expires_at > now()`, [id.keyId, id.key]);
    const row = held.rows[0];
    if (!row) continue; // it expired in between: take it
    if (!row.request_sha256.equals(sha256)) return { kind: 'other-request', request: row.request };
    if (row.response_status === null || row.response_body === null) return { kind: 'in-flight' };
    return { kind: 'answered', status: row.response_status, headers: row.response_headers ?? {}, body: row.response_body };
  }
  return { kind: 'in-flight' };
}

/** Stores the answer under the key this request holds; an answer of 500 or more (or not JSON) gives the key up instead. */
async function settleKey(db: Pool, id: { keyId: string; key: string; token: string }, status: number,
  headers: Record<string, string>, body: string | undefined): Promise<void> {
  if (status >= 500 || body === undefined) {
    await db.query('DELETE FROM idempotency_keys WHERE key_id = $1 AND idempotency_key = $2 AND lease_token = $3', [id.keyId, id.key, id.token]);
    return;
  }
  await db.query(
    `UPDATE idempotency_keys SET response_status = $4, response_headers = $5, response_body = $6::json, lease_token = NULL, leased_until = NULL
     WHERE key_id = $1 AND idempotency_key = $2 AND lease_token = $3`,
    [id.keyId, id.key, id.token, status, JSON.stringify(headers), body]);
}

/** Deletes the keys past their time; answers how many. */
export async function pruneIdempotencyKeys(db: Pool): Promise<number> {
  const pruned = await db.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
  return pruned.rowCount ?? 0;
}

/** The answer's headers a replay gives again. */
function storedHeaders(res: Response): Record<string, string> {
  const location = res.getHeader('location');
  return {
    'content-type': String(res.getHeader('content-type') ?? 'application/json; charset=utf-8'),
    ...(location === undefined ? {} : { location: String(location) }),
  };
}

/** Stores the answer before it is sent, so a retry that arrives once the client has it is always a replay. */
function storeAnswerOf(res: Response, settle: (status: number, headers: Record<string, string>, body?: string) => Promise<void>, log: Logger): void {
  const json = res.json.bind(res);
  let answered = false;
  res.json = (body?: unknown) => {
    answered = true;
    res.json = json;
    settle(res.statusCode, storedHeaders(res), JSON.stringify(body))
      .catch((error: unknown) => log.error({ err: error }, 'could not store an idempotent answer'))
      .then(() => { json(body); })
      .catch((error: unknown) => log.error({ err: error }, 'could not send an idempotent answer'));
    return res;
  };
  // Ended without JSON: nothing to replay. (Closed before any answer: the client left; the route still answers.)
  res.on('close', () => {
    if (!answered && res.writableEnded) settle(res.statusCode, {}).catch((error: unknown) => log.error({ err: error }, 'could not release an idempotency key'));
  });
}

function headerProblem(status: number, title: string, reason: string): ProblemError {
  return new ProblemError(status, title, `${FIELD}: ${reason}`, [{ field: FIELD, reason }]);
}

/** The middleware, mounted at /v1 after the access gate and the JSON parser. */
export function idempotency(deps: ApiDependencies): RequestHandler {
  const ttlMs = deps.idempotencyKeyTtlMs ?? loadConfig().idempotencyKeyTtlMs;
  const hours = Math.round(ttlMs / 3_600_000 * 10) / 10;
  let prunedAt = 0;
  return async (req, res, next) => {
    const key = req.get(IDEMPOTENCY_KEY_HEADER);
    const caller = res.locals.caller;
    // Routes without a key (the signed webhooks) have their own deduplication.
    if (req.method !== 'POST' || key === undefined || !caller) return next();
    if (!KEY_FORMAT.test(key)) throw headerProblem(422, 'Invalid request', 'must be 1 to 255 visible ASCII characters, such as a UUID');
    res.setHeader(IDEMPOTENCY_KEY_HEADER, key);
    const request = `${req.method} ${req.originalUrl}`;
    const sha256 = requestSha256(request, req.body);
    if (Date.now() - prunedAt > PRUNE_INTERVAL_MS) {
      prunedAt = Date.now();
      pruneIdempotencyKeys(deps.db).catch((error: unknown) => deps.log.warn({ err: error }, 'could not prune expired idempotency keys'));
    }
    const id = { keyId: caller.keyId, key, token: randomUUID() };
    const claim = await claimKey(deps.db, id, request, sha256, ttlMs);
    switch (claim.kind) {
      case 'claimed':
        storeAnswerOf(res, (status, headers, body) => settleKey(deps.db, id, status, headers, body), deps.log);
        return next();
      case 'answered':
        res.setHeader(REPLAYED_HEADER, 'true');
        for (const [name, value] of Object.entries(claim.headers)) res.setHeader(name, value);
        res.status(claim.status).send(claim.body);
        return;
      case 'in-flight':
        res.setHeader('Retry-After', '1');
        throw headerProblem(409, 'Request in progress', 'a request with this key is still being answered; retry once it is');
      case 'other-request':
        throw headerProblem(409, 'Idempotency key reused',
          `was used in the last ${hours} h for another request (${claim.request} with a different body, or another route); send a new key for a new request`);
    }
  };
}

