/**
 * The API's gate: every request below /v1 shows an API key (`Authorization: Bearer <key>`) unless its
 * route is open, and the key's role must be allowed on the route (route-access.ts). A missing,
 * malformed, unknown or revoked key is a 401, a role not allowed a 403, both problem+json. The gate
 * matches requests with express's own router on the same paths the routes are served under, so it
 * and the routes can never disagree about which route a request is for. A method a known path does
 * not take is a 405 naming the ones it does (`Allow`), after the same key check as an unknown route.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Pool } from 'pg';
import { ProblemError, sendProblem } from '../problem';
import { authenticateKey, type ApiCaller } from './api-keys';
import { mayCall, OPEN_PREFIXES, rolesAllowed, ROUTE_ACCESS, SIGNED_WEBHOOKS, type RouteAccess } from './route-access';

declare global {
  // express's own way to type res.locals
  namespace Express {
    interface Locals {
      /** Who called, set by the gate on every route that takes a key. */
      caller?: ApiCaller;
    }
  }
}

const REALM = 'Bearer realm="collections-engine"';

function unauthorized(req: Request, res: Response, reason: string, presented: boolean): void {
  // RFC 6750: a key that was sent but is no good is an invalid_token.
  res.setHeader('WWW-Authenticate', presented ? `${REALM}, error="invalid_token"` : REALM);
  sendProblem(res, new ProblemError(401, 'Unauthorized', `header.authorization: ${reason}`,
    [{ field: 'header.authorization', reason }]), req.originalUrl);
}

function forbidden(req: Request, res: Response, caller: ApiCaller, access: RouteAccess): void {
  const reason = `a ${caller.role} key may not ${access.method} /v1${access.path}; it takes a key of role ${rolesAllowed(access).join(' or ')}`;
  sendProblem(res, new ProblemError(403, 'Forbidden', reason, [{ field: 'header.authorization', reason }]), req.originalUrl);
}

/** The key in `Authorization: Bearer <key>`; undefined when the header is absent, null when it is not a bearer credential. */
function bearerKey(header: string | undefined): string | null | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match ? match[1] : null;
}

/** Leaves the gate for the routes. */
const passThrough: RequestHandler = (_req, _res, next) => next('router');

/** Answers a method the path does not take: 405 with `Allow` (RFC 9110), a GET route taking HEAD too. */
function methodNotAllowed(path: string, methods: readonly RouteAccess['method'][]): RequestHandler {
  const allow = methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method])).join(', ');
  return (req, res) => {
    res.setHeader('Allow', allow);
    const reason = `${req.method} is not allowed on /v1${path}: it takes ${allow}`;
    sendProblem(res, new ProblemError(405, 'Method not allowed', reason, [{ field: 'method', reason }]), req.originalUrl);
  };
}

/**
 * Authenticates the request's key, and lets it through when its role may call `access` (any valid
 * key when absent) to `then`: the routes, unless told otherwise.
 */
function gate(db: Pool, access?: RouteAccess, then: RequestHandler = passThrough): RequestHandler {
  return async (req, res, next) => {
    const key = bearerKey(req.headers.authorization);
    if (key === undefined) return unauthorized(req, res, 'an API key is required: send "Authorization: Bearer <key>"', false);
    if (key === null) return unauthorized(req, res, 'must be "Bearer <key>" with an API key', true);
    const caller = await authenticateKey(db, key);
    if (!caller) return unauthorized(req, res, 'the API key is malformed, unknown or revoked', true);
    if (access && !mayCall(access, caller.role)) return forbidden(req, res, caller, access);
    res.locals.caller = caller;
    then(req, res, next);
  };
}

/** The gate as a router to mount at /v1, before the routes. */
export function accessControl(db: Pool): Router {
  const router = Router();
  for (const path of SIGNED_WEBHOOKS) router.post(path, passThrough).all(path, methodNotAllowed(path, ['POST']));
  for (const prefix of OPEN_PREFIXES) router.use(prefix, passThrough);
  for (const access of ROUTE_ACCESS) {
    const handler = access.roles === 'open' ? passThrough : gate(db, access);
    if (access.method === 'GET') router.get(access.path, handler);
    else router.post(access.path, handler);
  }
  // Reached only by a method none of the path's routes takes.
  for (const path of new Set(ROUTE_ACCESS.map((access) => access.path))) {
    const routes = ROUTE_ACCESS.filter((access) => access.path === path);
    const refuse = methodNotAllowed(path, routes.map((access) => access.method));
    router.all(path, routes.some((access) => access.roles === 'open') ? refuse : gate(db, undefined, refuse));
  }
  // Any other request (an unknown route) needs a valid key too; the routes then answer it with their 404.
  router.use(gate(db));
  // Named, so that a listing of the app's routes can tell the gate's copies from the routes themselves.
  Object.defineProperty(router, 'name', { value: ACCESS_CONTROL });
  return router;
}

/** The name of the gate's router in express's layer stack. */
export const ACCESS_CONTROL = 'accessControl';

/** The caller the gate let through; a route that takes a key always has one. */
export function callerOf(res: Response): ApiCaller {
  const { caller } = res.locals;
  if (!caller) throw new Error('no API caller: this route must be listed in src/api/access/route-access.ts');
  return caller;
}
