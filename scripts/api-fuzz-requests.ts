/**
 * Random requests for every route of the HTTP API, as fast-check arbitraries: mostly near-valid
 * bodies with a field dropped or replaced by a hostile value (huge numbers, control and bidi
 * characters, far-off dates, wrong types), plus malformed JSON, wrong media types and methods, and
 * odd path and query values, sent mostly with an admin key, now and then with another role's key,
 * none, or a malformed, unknown or revoked one. Shared by the property test (test/e2e/api-fuzz.test.ts)
 * and the script that fuzzes a running engine (scripts/fuzz-api.ts).
 */
import fc from 'fast-check';
import { addDays, isoDateOf } from '../src/domain/calendar';
import { DISPUTE_CATEGORIES } from '../src/domain/policy/account-handling';
import { DEFAULT_POLICY } from '../src/domain/policy/default-policy';

/** One request: method, path below the API's base (`/v1`), and a raw body. */
export interface FuzzRequest {
  /** The route pattern it exercises, as express registers it (`POST /invoices/:invoiceId/payments`). */
  route: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** The Authorization header, absent now and then. */
  authorization?: string;
}

/** What the fuzzed engine holds: invoices and policies that exist, so requests reach past "not found". */
export interface FuzzContext {
  invoiceIds: string[];
  policyIds: string[];
  /** API keys to send: the first an admin's (most requests), the others of any role, revoked ones included. */
  keys: string[];
}

const today = isoDateOf(Date.now());

/** Values that have broken APIs before: wrong types, extremes, control and bidi characters, impossible dates. */
const hostile: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  null, true, false, 0, -1, 1.5, 1e300, -1e300, 2 ** 31, 2 ** 31 - 1, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER,
  '', ' ', '\u0000', 'a\u0000b', 'a\r\nBcc: x@evil.example', '\t', '\u0085', '\u2028', 'name\u202egpj.exe', '\u2066x\u2069',
  'é'.repeat(3000), 'x'.repeat(70_000), '\ud800', '😀', '__proto__', 'constructor', 'NaN', 'Infinity', '-0', '1e3',
  [], {}, [1], [null], { amountMinor: 1 }, { __proto__: { polluted: true } }, { amountMinor: 1, currency: 'usd' },
  { amountMinor: 9_007_199_254_740_993, currency: 'USD' }, { amountMinor: -5, currency: 'USD' }, { amountMinor: 1, currency: 'XXX' },
  '2026-02-30', '1900-01-01', '2099-12-31', '9999-12-31', '0000-00-00', '2026-13-01',
  '2099-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2026-01-01T25:00:00Z', '2026-01-01T00:00:00',
);

const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostile },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** A valid value most of the time, otherwise junk. */
const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: junk });

/** An object whose fields are each usually present, usually valid, sometimes with an unknown extra field. */
function body(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const entries = Object.entries(fields).map(([key, value]) => fc.option(mostly(value), { freq: 8, nil: undefined }).map((v) => [key, v] as const));
  // Now and then a field that says who acted, which only the caller's key may say.
  const extras = fc.constantFrom('extra', '__proto__', 'version', 'amount', 'decidedBy', 'role', 'takenBy', 'movedBy');
  return fc.tuple(fc.tuple(...entries), fc.option(fc.tuple(extras, junk), { freq: 10, nil: undefined }))
    .map(([pairs, extra]) => {
      const object: Record<string, unknown> = {};
      for (const [key, value] of pairs) if (value !== undefined) object[key] = value;
      if (extra) Object.defineProperty(object, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
      return object;
    });
}

const key = (prefix: string) => fc.oneof(fc.integer({ min: 1, max: 40 }).map((n) => `${prefix}-${n}`), fc.constantFrom(`${prefix}-1`, 'a'.repeat(101), '../x', 'a b'));
const money = fc.record({ amountMinor: fc.integer({ min: 1, max: 500_000 }), currency: fc.constantFrom('USD', 'USD', 'EUR') });
const date = fc.integer({ min: -400, max: 400 }).map((days) => addDays(today, days));
const instant = fc.integer({ min: -400 * 86_400, max: 600 }).map((seconds) => new Date(Date.now() + seconds * 1000).toISOString());
const words = fc.constantFrom('customer asked', 'duplicate billing', 'year-end close', 'counsel asked\nto pause');
const bool = fc.boolean();
const segment = fc.constantFrom('strategic', 'enterprise', 'smb', 'government', 'international');
/** Temporal payloads in their JSON form: readable, sealed under a key id the engine may not hold, or not base64 at all. */
const b64 = (text: string) => Buffer.from(text).toString('base64');
const codecPayloads = fc.array(fc.record({
  metadata: fc.constantFrom({ encoding: b64('json/plain') }, { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('fuzz-key') }, { encoding: 'not base64!' }, {}),
  data: fc.oneof(fc.string({ maxLength: 40 }).map(b64), fc.constantFrom('', '%%%', b64('x'.repeat(64)))),
}, { requiredKeys: [] }), { maxLength: 4 });

const customer = body({
  customerId: key('FZ-C'), name: fc.constantFrom('Northwind Traders', 'Contoso GmbH', 'Müller & Søn'), email: fc.constantFrom('ap@example.com', 'billing@northwind.example'),
  segment, riskTier: fc.constantFrom('green', 'yellow', 'orange', 'red'), vip: bool,
});

const registration = body({
  invoiceId: key('FZ-INV'), invoiceNumber: fc.constantFrom('1001', 'A-7', '2026/17'), amount: money, issueDate: date, dueDate: date,
  policyId: fc.constantFrom('default', 'fuzz', 'nope'), paymentLink: fc.constantFrom('https://pay.example.com/x', 'ftp://x', 'javascript:alert(1)'), customer,
});

/** Every path of the default policy, so a mutation can land anywhere in the document. */
function leafPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [at, ...value.flatMap((item, index) => leafPaths(item, [...at, index]))];
  if (value && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...at, k]))];
  return [at];
}
const POLICY_PATHS = leafPaths(DEFAULT_POLICY).filter((p) => p.length > 0);

/** Sets (or deletes) the value at `path`; a path an earlier edit cut off is left alone. */
function setAt(document: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: any = document;
  for (const step of path.slice(0, -1)) {
    node = node[step];
    if (typeof node !== 'object' || node === null) return;
  }
  if (value === undefined) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
}

const policyDocument: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('fuzz', 'fuzz-b', 'default'), fc.array(fc.tuple(fc.constantFrom(...POLICY_PATHS), fc.option(junk, { freq: 6, nil: undefined })), { maxLength: 3 }), fc.option(fc.integer({ min: -1, max: 2 ** 32 }), { nil: undefined }))
    .map(([policyId, edits, version]) => {
      const document = structuredClone({ ...DEFAULT_POLICY, policyId, version }) as Record<string, unknown>;
      for (const [path, value] of edits) setAt(document, path, value);
      return document;
    }) },
  { weight: 2, arbitrary: body({ policyId: fc.constantFrom('short', 'fuzz'), name: fc.constantFrom('Short', 'Fuzz'), writeOff: fc.record({ reviewAfterDays: fc.integer({ min: 20, max: 4000 }) }) }) },
  { weight: 1, arbitrary: junk },
);

/** Percent-encodes like encodeURIComponent; a lone surrogate, which it cannot encode, goes out as bytes that are not UTF-8. */
function encode(value: string): string {
  return Array.from(value).map((character) => {
    try {
      return encodeURIComponent(character);
    } catch {
      return '%ED%A0%80';
    }
  }).join('');
}

type PathPart = string | ((ctx: FuzzContext) => fc.Arbitrary<string>);

interface RouteSpec {
  method: 'GET' | 'POST';
  pattern: string;
  parts: PathPart[];
  body?: fc.Arbitrary<unknown>;
  query?: Record<string, fc.Arbitrary<unknown>>;
  weight?: number;
}

/** A path segment as a client might send it: usually a known id, sometimes odd or badly encoded. */
const segmentOf = (known: (ctx: FuzzContext) => string[], fallback: string[]) => (ctx: FuzzContext) => fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...known(ctx), ...fallback).map(encode) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => s.length > 0).map(encode) },
  { weight: 1, arbitrary: fc.constantFrom('%00', '%E0%A4%A', '%', '..', '%2F', 'a'.repeat(300), '%E2%80%AE', '99999999999999999999', '-1', '0', '1e3', '0x10') },
);
const invoice = segmentOf((ctx) => ctx.invoiceIds, ['NOPE']);
const policy = segmentOf((ctx) => ctx.policyIds, ['nope', 'Not_An_Id']);
const version = segmentOf(() => ['1', '2', '3'], ['2147483648', '99999999999']);
const child = (prefix: string) => segmentOf(() => [`${prefix}-1`, `${prefix}-2`], [`${prefix}-404`]);
const template = segmentOf(() => ['final-notice', 'reminder-upcoming', 'call-30-days', 'settlement-offer'], ['nope']);
const plan = segmentOf(() => ['FZ-PLAN-1', 'FZ-PLAN-2'], ['FZ-PLAN-404']);
const customerSegment = segmentOf(() => ['FZ-C-1', 'FZ-C-2'], ['FZ-C-404']);
const letter = segmentOf(() => ['1', '2'], ['0', '404', 'x']);
const subscription = segmentOf(() => ['sub_0000000000000001'], ['sub_zz', 'nope']);
const fuzzInvoices = fc.array(fc.constantFrom('FZ-INV-1', 'FZ-INV-2', 'FZ-INV-3', 'NOPE'), { minLength: 0, maxLength: 4 });

const I = ['/invoices/', invoice];
const ROUTE_SPECS: RouteSpec[] = [
  { method: 'GET', pattern: '/health', parts: ['/health'], weight: 1 },
  { method: 'GET', pattern: '/health/live', parts: ['/health/live'], weight: 1 },
  { method: 'GET', pattern: '/health/ready', parts: ['/health/ready'], weight: 1 },
  { method: 'GET', pattern: '/openapi.json', parts: ['/openapi.json'], weight: 1 },
  { method: 'GET', pattern: '/docs', parts: ['/docs'], weight: 1 },
  { method: 'GET', pattern: '/docs/:asset', parts: ['/docs/', segmentOf(() => ['swagger-ui.css', 'docs-init.js'], ['nope.js'])], weight: 1 },
  { method: 'POST', pattern: '/invoices', parts: ['/invoices'], body: registration, weight: 6 },
  { method: 'GET', pattern: '/invoices/:invoiceId', parts: I },
  { method: 'POST', pattern: '/invoices/:invoiceId/payments', parts: [...I, '/payments'], weight: 4,
    body: body({ paymentId: key('FZ-PAY'), amount: money, receivedAt: instant, method: fc.constantFrom('ach', 'card') }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/cancel', parts: [...I, '/cancel'], body: body({ reason: words }), weight: 1 },
  { method: 'GET', pattern: '/invoices/:invoiceId/events', parts: [...I, '/events'] },
  { method: 'POST', pattern: '/invoices/:invoiceId/disputes', parts: [...I, '/disputes'],
    body: body({ disputeId: key('D'), category: fc.constantFrom(...DISPUTE_CATEGORIES, 'colour'), amount: money, reason: words }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/disputes/:disputeId/resolution', parts: [...I, '/disputes/', child('D'), '/resolution'],
    body: body({ inFavourOf: fc.constantFrom('customer', 'company'), creditMemo: money, note: words }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/promises', parts: [...I, '/promises'],
    body: body({ promiseId: key('P'), amount: money, promisedDate: date }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/holds', parts: [...I, '/holds'],
    body: body({ holdId: key('H'), kind: fc.constantFrom('vip', 'legal', 'seasonal'), reason: words, until: date }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/holds/:holdId/release', parts: [...I, '/holds/', child('H'), '/release'], body: body({}) },
  { method: 'POST', pattern: '/invoices/:invoiceId/escalation-decisions', parts: [...I, '/escalation-decisions'],
    body: body({ level: fc.constantFrom('sales', 'management', 'legal', 'agency'), approved: bool, note: words }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/charge-waivers', parts: [...I, '/charge-waivers'],
    body: body({ kind: fc.constantFrom('interest', 'late_fee', 'all'), reason: words }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/settlement-offers', parts: [...I, '/settlement-offers'],
    body: body({ offerId: key('S'), amount: money }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/settlement-offers/:offerId/decision', parts: [...I, '/settlement-offers/', child('S'), '/decision'],
    body: body({ approved: bool }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/payments/:paymentId/reversal', parts: [...I, '/payments/', child('FZ-PAY'), '/reversal'], body: body({ reason: words }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/bankruptcy', parts: [...I, '/bankruptcy'], body: body({ reference: fc.constantFrom('CASE-1', '23-10001') }), weight: 1 },
  { method: 'POST', pattern: '/invoices/:invoiceId/write-off-decision', parts: [...I, '/write-off-decision'],
    body: body({ approved: bool, note: words }) },
  { method: 'POST', pattern: '/invoices/:invoiceId/policy', parts: [...I, '/policy'],
    body: body({ version: fc.integer({ min: 1, max: 3 }), policyId: fc.constantFrom('fuzz', 'default', 'nope'), reason: words }) },
  { method: 'GET', pattern: '/invoices/:invoiceId/audit', parts: [...I, '/audit'], query: { format: fc.constantFrom('json', 'text', 'xml') }, weight: 1 },
  { method: 'POST', pattern: '/policies/:policyId/versions/:version/move-invoices', parts: ['/policies/', policy, '/versions/', version, '/move-invoices'],
    body: body({ reason: words, invoiceIds: fc.array(key('FZ-INV'), { minLength: 0, maxLength: 3 }) }) },
  { method: 'GET', pattern: '/tasks', parts: ['/tasks'], query: { status: fc.constantFrom('open', 'done', 'cancelled'), limit: fc.integer({ min: 1, max: 500 }) } },
  { method: 'POST', pattern: '/plans', parts: ['/plans'], body: body({
    planId: key('FZ-PLAN'), invoiceIds: fuzzInvoices, termDays: fc.constantFrom(30, 60, 90, 45, 6, 731), installmentCount: fc.integer({ min: 0, max: 40 }), firstInstallment: money,
  }) },
  { method: 'GET', pattern: '/plans/recommendation', parts: ['/plans/recommendation'],
    query: { customerId: fc.constantFrom('FZ-C-1', 'FZ-C-2', 'nope', 'a b'), invoiceIds: fc.constantFrom('FZ-INV-1', 'FZ-INV-1,FZ-INV-2', 'a b,', '') } },
  { method: 'GET', pattern: '/plans/:planId', parts: ['/plans/', plan] },
  { method: 'POST', pattern: '/plans/:planId/approval', parts: ['/plans/', plan, '/approval'], body: body({ approved: bool, note: words }) },
  { method: 'POST', pattern: '/plans/:planId/payments', parts: ['/plans/', plan, '/payments'],
    body: body({ paymentId: key('FZ-PP'), amount: money, receivedAt: instant, method: fc.constantFrom('ach', 'card') }) },
  { method: 'POST', pattern: '/plans/:planId/cancel', parts: ['/plans/', plan, '/cancel'], body: body({ reason: words }), weight: 1 },
  { method: 'POST', pattern: '/customers/:customerId/do-not-dun', parts: ['/customers/', customerSegment, '/do-not-dun'], body: body({ on: bool, reason: words }), weight: 1 },
  { method: 'GET', pattern: '/customers/:customerId/communications', parts: ['/customers/', customerSegment, '/communications'] },
  { method: 'GET', pattern: '/customers/:customerId/contact', parts: ['/customers/', customerSegment, '/contact'] },
  { method: 'POST', pattern: '/customers/:customerId/contact', parts: ['/customers/', customerSegment, '/contact'], body: body({
    channels: fc.array(fc.constantFrom('email', 'sms', 'letter', 'fax'), { maxLength: 4 }),
    email: fc.oneof(fc.constant(null), body({ name: words, address: fc.constantFrom('ap@fuzz.example', 'not-an-address') })),
    sms: fc.oneof(fc.constant(null), body({ name: words, phone: fc.constantFrom('+14155550100', '555-0100', '+0123') })),
    letter: fc.oneof(fc.constant(null), body({ name: words, postalAddress: fc.constantFrom('1 Main St\nSpringfield', 'one line', 'a\u0000b\nc') })),
  }) },
  { method: 'GET', pattern: '/letters', parts: ['/letters'], query: { status: fc.constantFrom('to_print', 'printed', 'lost'), limit: fc.integer({ min: -1, max: 600 }) } },
  { method: 'GET', pattern: '/letters/:letterId/pdf', parts: ['/letters/', letter, '/pdf'] },
  { method: 'POST', pattern: '/letters/:letterId/printed', parts: ['/letters/', letter, '/printed'], body: body({}), weight: 1 },
  // Unsigned (or not configured here): refused before anything is read into the engine.
  { method: 'POST', pattern: '/webhooks/stripe', parts: ['/webhooks/stripe'], weight: 1,
    body: body({ id: key('evt'), type: fc.constantFrom('payment_intent.succeeded', 'charge.refunded', 'nope'), data: fc.jsonValue({ maxDepth: 2 }) }) },
  { method: 'POST', pattern: '/webhooks/resend', parts: ['/webhooks/resend'], weight: 1,
    body: body({ type: fc.constantFrom('email.bounced', 'email.delivered', 'email.opened', 'nope'), data: fc.jsonValue({ maxDepth: 2 }) }) },
  { method: 'POST', pattern: '/webhooks/generic', parts: ['/webhooks/generic'], weight: 1,
    body: body({ type: fc.constantFrom('payment', 'reversal', 'dispute', 'nope'), invoiceId: key('FZ-INV'), amount: money }) },
  { method: 'POST', pattern: '/subscriptions', parts: ['/subscriptions'], weight: 1, body: body({
    url: fc.constantFrom('https://erp.fuzz.example/hooks', 'http://127.0.0.1:9/hooks', 'http://erp.fuzz.example/hooks', 'ftp://x', 'https://user:pw@x.example/'),
    eventTypes: fc.array(fc.constantFrom('invoice.paid', 'invoice.escalated', 'invoice.written_off', 'promise.broken', 'invoice.nope'), { maxLength: 3 }), description: words,
  }) },
  { method: 'GET', pattern: '/subscriptions', parts: ['/subscriptions'], weight: 1 },
  { method: 'POST', pattern: '/subscriptions/:subscriptionId/deactivate', parts: ['/subscriptions/', subscription, '/deactivate'], body: body({}), weight: 1 },
  { method: 'GET', pattern: '/subscriptions/:subscriptionId/deliveries', parts: ['/subscriptions/', subscription, '/deliveries'],
    query: { status: fc.constantFrom('pending', 'delivered', 'failed', 'cancelled', 'nope'), limit: fc.integer({ min: 0, max: 600 }) } },
  { method: 'GET', pattern: '/webhook-events', parts: ['/webhook-events'],
    query: { status: fc.constantFrom('unmatched', 'refused', 'failed', 'ignored', 'applied', 'nope'), limit: fc.integer({ min: 0, max: 600 }) } },
  { method: 'POST', pattern: '/policies/validate', parts: ['/policies/validate'], body: policyDocument, weight: 3 },
  { method: 'POST', pattern: '/policies/lint', parts: ['/policies/lint'], body: policyDocument, weight: 3 },
  { method: 'POST', pattern: '/policies', parts: ['/policies'], body: policyDocument, weight: 3 },
  { method: 'GET', pattern: '/policies/:policyId', parts: ['/policies/', policy] },
  { method: 'GET', pattern: '/policies/:policyId/versions/:version', parts: ['/policies/', policy, '/versions/', version] },
  { method: 'GET', pattern: '/policies/:policyId/checklist', parts: ['/policies/', policy, '/checklist'], query: { segment, version: fc.integer({ min: 1, max: 4 }) } },
  { method: 'GET', pattern: '/policies/:policyId/diagram', parts: ['/policies/', policy, '/diagram'], query: { segment, version: fc.integer({ min: 1, max: 4 }) } },
  { method: 'GET', pattern: '/policies/:policyId/strategy-pack.xlsx', parts: ['/policies/', policy, '/strategy-pack.xlsx'], query: { version: fc.integer({ min: 1, max: 4 }) }, weight: 1 },
  { method: 'GET', pattern: '/policies/:policyId/strategy-pack.md', parts: ['/policies/', policy, '/strategy-pack.md'], query: { version: fc.integer({ min: 1, max: 4 }) }, weight: 1 },
  { method: 'GET', pattern: '/templates', parts: ['/templates'], weight: 1 },
  { method: 'GET', pattern: '/templates/:name/preview', parts: ['/templates/', template, '/preview'],
    query: { tone: fc.constantFrom('friendly', 'neutral', 'firm', 'rude'), format: fc.constantFrom('json', 'html', 'text', 'pdf') } },
  { method: 'POST', pattern: '/codec/decode', parts: ['/codec/decode'], body: body({ payloads: codecPayloads }), weight: 1 },
  { method: 'POST', pattern: '/codec/encode', parts: ['/codec/encode'], body: body({ payloads: codecPayloads }), weight: 1 },
];

/** Every route the fuzz covers, as `METHOD /pattern`. */
export const FUZZED_ROUTES: readonly string[] = ROUTE_SPECS.map((spec) => `${spec.method} ${spec.pattern}`);

/** A query string from the route's parameters: usually valid values, sometimes junk, repeated or unknown keys. */
function queryString(query: Record<string, fc.Arbitrary<unknown>> | undefined): fc.Arbitrary<string> {
  const pairs = fc.array(fc.oneof(
    { weight: 6, arbitrary: query ? fc.constantFrom(...Object.keys(query)).chain((name) => mostly(query[name]).map((value) => [name, value] as const)) : fc.constant(['x', 1] as const) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('unknown', 'version', 'limit', '__proto__'), junk) },
  ), { maxLength: 3 });
  return pairs.map((list) => (list.length === 0 ? '' : `?${list.map(([k, v]) => `${encode(k)}=${encode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}`).join('&')}`));
}

/** The raw body and media type: usually the JSON of a generated value, sometimes malformed or mislabelled. */
const rawBody = (value: fc.Arbitrary<unknown>) => fc.oneof(
  { weight: 20, arbitrary: value.map((v) => ({ body: JSON.stringify(v), contentType: 'application/json' })) },
  { weight: 1, arbitrary: fc.constantFrom('{"broken":', 'null', '"x"', '1', '[]', '', '{"a":1}{', '\u0000').map((b) => ({ body: b, contentType: 'application/json' })) },
  { weight: 1, arbitrary: value.map((v) => ({ body: JSON.stringify(v), contentType: 'text/plain' })) },
  { weight: 1, arbitrary: value.map((v) => ({ body: JSON.stringify(v), contentType: 'application/json; charset=latin-7' })) },
);

/** The Authorization header: mostly the admin key, now and then another key, none, or a credential that is no key. */
const authorization = (ctx: FuzzContext): fc.Arbitrary<string | undefined> => fc.oneof(
  { weight: 20, arbitrary: fc.constant(`Bearer ${ctx.keys[0]}`) },
  { weight: 4, arbitrary: fc.constantFrom(...ctx.keys).map((k) => `Bearer ${k}`) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', `Basic ${ctx.keys[0]}`, `Bearer ${ctx.keys[0]}x`, `Bearer ${ctx.keys[0].slice(0, -1)}A`,
    'Bearer ce_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `bearer  ${ctx.keys[0]}`, 'Bearer \u00e9\u00e9') },
  // Printable ASCII only: anything else cannot be sent in a header at all.
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{0,60}$/).map((junkKey) => `Bearer ${junkKey}`) },
);

function requestFor(spec: RouteSpec, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const path = fc.tuple(...spec.parts.map((part) => (typeof part === 'string' ? fc.constant(part) : part(ctx)))).map((parts) => parts.join(''));
  const route = `${spec.method} ${spec.pattern}`;
  // Now and then the wrong method on a known path.
  const method = fc.oneof({ weight: 30, arbitrary: fc.constant(spec.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') });
  const credential = authorization(ctx);
  if (spec.method === 'GET') {
    return fc.tuple(path, queryString(spec.query), method, credential).map(([p, q, m, a]) => ({ route, method: m, path: `${p}${q}`, authorization: a }));
  }
  return fc.tuple(path, rawBody(spec.body ?? body({})), method, credential).map(([p, b, m, a]) => ({ route, method: m, path: p, ...b, authorization: a }));
}

/** A request for any route, weighted towards the ones with the most input to get wrong. */
export function apiRequest(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...ROUTE_SPECS.map((spec) => ({ weight: spec.weight ?? 2, arbitrary: requestFor(spec, ctx) })));
}

/** Sends one request to the API at `baseUrl` (ending in `/v1`) and returns its status, or an error when none came. */
export async function send(baseUrl: string, request: FuzzRequest, timeoutMs = 15_000): Promise<number> {
  return (await answerTo(baseUrl, request, timeoutMs)).status;
}

/** How the API answered a request: its status, media type and body. */
export interface FuzzAnswer {
  status: number;
  type: string;
  body: string;
}

/** Sends one generated request and reads the whole answer. */
export async function answerTo(baseUrl: string, request: FuzzRequest, timeoutMs = 15_000): Promise<FuzzAnswer> {
  const headers: Record<string, string> = {};
  if (request.contentType) headers['content-type'] = request.contentType;
  if (request.authorization !== undefined) headers.authorization = request.authorization;
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers,
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

/**
 * Why a refusal (a 4xx) is not the RFC 9457 answer the API promises, if it is not: problem+json
 * with a type, a title and the status, and for bad input (400, 422) each error naming its field.
 */
export function refusalFlaw(answer: FuzzAnswer, method: string): string | null {
  if (answer.status < 400 || answer.status >= 500) return null;
  if (method === 'HEAD') return null; // a HEAD answer has no body
  if (!answer.type.startsWith('application/problem+json')) return `a ${answer.status} answered as ${answer.type || 'no media type'}`;
  let problem: { type?: unknown; title?: unknown; status?: unknown; errors?: { field?: unknown; reason?: unknown }[] };
  try {
    problem = JSON.parse(answer.body);
  } catch {
    return `a ${answer.status} whose body is not JSON`;
  }
  if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || problem.status !== answer.status) return `a ${answer.status} without type, title and status`;
  if ([400, 422].includes(answer.status)) {
    const errors = problem.errors ?? [];
    if (errors.length === 0 || errors.some((e) => typeof e.field !== 'string' || !e.field || typeof e.reason !== 'string')) {
      return `a ${answer.status} that does not name the field and the reason: ${answer.body.slice(0, 300)}`;
    }
  }
  return null;
}

/**
 * What the fuzz needs to exist: three invoices at different ages on the default policy, and policy
 * `fuzz` in two versions, made with `adminKey`; `otherKeys` (any roles, revoked ones too) are sent as well.
 */
export async function prepareFuzzContext(baseUrl: string, adminKey: string, otherKeys: string[] = []): Promise<FuzzContext> {
  const post = (path: string, value: unknown) => fetch(`${baseUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: JSON.stringify(value),
  });
  const invoiceIds = ['FZ-INV-1', 'FZ-INV-2', 'FZ-INV-3'];
  for (const [index, invoiceId] of invoiceIds.entries()) {
    const response = await post('/invoices', {
      invoiceId, invoiceNumber: invoiceId, amount: { amountMinor: 250_000, currency: 'USD' }, dueDate: addDays(today, [-40, -5, 10][index]),
      customer: { customerId: `FZ-C-${index + 1}`, name: 'Fuzz Trading Co', email: 'ap@fuzz.example', segment: 'smb' },
    });
    if (response.status >= 300 && response.status !== 409) throw new Error(`could not register ${invoiceId}: ${response.status} ${await response.text()}`);
  }
  const { version: _version, ...policy } = DEFAULT_POLICY;
  await post('/policies', { ...policy, policyId: 'fuzz', name: 'Fuzz' });
  await post('/policies', { ...policy, policyId: 'fuzz', name: 'Fuzz v2', writeOff: { ...policy.writeOff, reviewAfterDays: 200 } });
  return { invoiceIds, policyIds: ['default', 'fuzz'], keys: [adminKey, ...otherKeys] };
}
