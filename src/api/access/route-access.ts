/**
 * Who may call what: the one declaration of the route × role matrix. Every route the API serves is
 * listed here with the roles allowed to call it (an admin key may call every route); a test checks
 * that the list and the routes express serves are the same, and walks every route with every role.
 *
 *   system     backend systems (ERP, billing, payment gateway): register invoices, record payments
 *              and reversals, open disputes and post their credit memos, cancel invoices
 *   collector  collectors: the worklist, promises to pay, holds, settlement proposals, bankruptcy notices
 *   manager    approvals and decisions: escalations, write-offs (within the limits the policy sets for
 *              the key's approver role), settlements, charge waivers, dispute outcomes; policy
 *              versions and moving invoices between them
 *   auditor    reads only
 *   admin      everything
 *
 * Reads are open to every role except those that hold personal data only some roles need: the
 * collectors' worklist (`GET /tasks`: customers' contacts and collectors' notes, which backend systems
 * have no need for), the terms recommended from a customer's payment history, and the payment-provider
 * events kept for review (`GET /webhook-events`: payment payloads, for managers and auditors), and the
 * subscribers to outbound events with their deliveries (receivers' URLs, for managers and auditors), and
 * the audit export (`GET /invoices/{id}/audit`: whole histories, every notice's recipient and content,
 * for auditors and the managers who answer them).
 * Validating and linting a policy store nothing and are open to every role, like reads.
 *
 * Open without a key: `GET /health`, `/health/live` and `/health/ready` (for load balancers and
 * orchestrators, which hold no key); the API reference
 * (`GET /openapi.json`, `GET /docs` and its files), since a browser opening the page sends no key and
 * the document describes the API, not anyone's data; and everything under `/webhooks/`: payment
 * providers and ERPs authenticate those requests by their signature instead.
 */
import type { ApiRole } from './api-keys';

/** A route as express registers it below /v1, and who may call it. */
export interface RouteAccess {
  method: 'GET' | 'POST';
  path: string;
  /** The roles allowed besides admin, or `open` for a route that takes no key. */
  roles: readonly Exclude<ApiRole, 'admin'>[] | 'open';
}

/** Path prefixes below /v1 that take no key: webhooks are authenticated by their signature. */
export const OPEN_PREFIXES: readonly string[] = ['/webhooks'];

/** The signed webhooks under those prefixes, each taking POST only (src/api/routes/webhooks.ts, delivery-webhook.ts). */
export const SIGNED_WEBHOOKS: readonly string[] = ['/webhooks/stripe', '/webhooks/generic', '/webhooks/resend'];

const EVERY_ROLE = ['system', 'collector', 'manager', 'auditor'] as const;

const get = (path: string, roles: RouteAccess['roles'] = EVERY_ROLE): RouteAccess => ({ method: 'GET', path, roles });
const post = (path: string, roles: RouteAccess['roles']): RouteAccess => ({ method: 'POST', path, roles });

const INVOICE = '/invoices/:invoiceId';

export const ROUTE_ACCESS: readonly RouteAccess[] = [
  get('/health', 'open'),
  get('/health/live', 'open'),
  get('/health/ready', 'open'),

  // The API reference: the OpenAPI document and the interactive docs (src/api/openapi/)
  get('/openapi.json', 'open'),
  get('/docs', 'open'),
  get('/docs/:asset', 'open'),

  // Invoices and what happens to them
  post('/invoices', ['system']),
  get(INVOICE),
  get(`${INVOICE}/events`),
  post(`${INVOICE}/payments`, ['system']),
  post(`${INVOICE}/payments/:paymentId/reversal`, ['system']),
  post(`${INVOICE}/cancel`, ['system']),
  post(`${INVOICE}/disputes`, ['system']),
  // The ERP posts the credit memo of a dispute decided for the customer; a manager may decide one either way.
  post(`${INVOICE}/disputes/:disputeId/resolution`, ['system', 'manager']),
  post(`${INVOICE}/promises`, ['collector']),
  post(`${INVOICE}/holds`, ['collector']),
  post(`${INVOICE}/holds/:holdId/release`, ['collector']),
  post(`${INVOICE}/settlement-offers`, ['collector']),
  post(`${INVOICE}/bankruptcy`, ['collector', 'manager']),
  post(`${INVOICE}/settlement-offers/:offerId/decision`, ['manager']),
  post(`${INVOICE}/escalation-decisions`, ['manager']),
  post(`${INVOICE}/charge-waivers`, ['manager']),
  post(`${INVOICE}/write-off-decision`, ['manager']),
  post(`${INVOICE}/policy`, ['manager']),
  // The audit export: every run's history and why each notice and task happened, for auditors and managers
  get(`${INVOICE}/audit`, ['manager', 'auditor']),

  // Payment plans: collectors propose, managers approve, backend systems post payments, everyone reads
  post('/plans', ['collector', 'manager']),
  get('/plans/recommendation', ['collector', 'manager', 'auditor']),
  get('/plans/:planId'),
  post('/plans/:planId/approval', ['manager']),
  post('/plans/:planId/payments', ['system']),
  post('/plans/:planId/cancel', ['collector', 'manager']),

  // The collectors' worklist
  get('/tasks', ['collector', 'manager', 'auditor']),

  // The customer as a whole: a manager sets or lifts "do not dun"; the communication timeline names invoices, not contacts
  post('/customers/:customerId/do-not-dun', ['manager']),
  get('/customers/:customerId/communications', ['collector', 'manager', 'auditor']),
  // How the customer is reached: backend systems and collectors keep contacts current; auditors read them
  get('/customers/:customerId/contact', ['system', 'collector', 'manager', 'auditor']),
  post('/customers/:customerId/contact', ['system', 'collector', 'manager']),

  // Printable letters: whoever prints and posts them (collectors, managers); auditors read them
  get('/letters', ['collector', 'manager', 'auditor']),
  get('/letters/:letterId/pdf', ['collector', 'manager', 'auditor']),
  post('/letters/:letterId/printed', ['collector', 'manager']),

  // Payment-provider events kept for review (unmatched or refused): their payloads carry customers'
  // payment details, for the managers who resolve them and the auditors who check them.
  get('/webhook-events', ['manager', 'auditor']),

  // Subscribers to outbound events: managers add and stop them; the list and the deliveries name
  // receivers' URLs and show what was sent, for the managers who run them and the auditors who check them.
  post('/subscriptions', ['manager']),
  get('/subscriptions', ['manager', 'auditor']),
  post('/subscriptions/:subscriptionId/deactivate', ['manager']),
  get('/subscriptions/:subscriptionId/deliveries', ['manager', 'auditor']),

  // Policies
  post('/policies/validate', EVERY_ROLE),
  post('/policies/lint', EVERY_ROLE),
  post('/policies', ['manager']),
  post('/policies/:policyId/versions/:version/move-invoices', ['manager']),
  get('/policies/:policyId'),
  get('/policies/:policyId/versions/:version'),
  get('/policies/:policyId/checklist'),
  get('/policies/:policyId/diagram'),
  get('/policies/:policyId/strategy-pack.xlsx'),
  get('/policies/:policyId/strategy-pack.md'),

  // Temporal's codec server (src/encryption/codec-server.ts): decoding shows the customer data a
  // history holds encrypted, to the managers and auditors who inspect histories; encoding makes the
  // payloads the Web UI sends to a workflow (a signal, a start), an act, for managers only.
  post('/codec/decode', ['manager', 'auditor']),
  post('/codec/encode', ['manager']),

  // Templates
  get('/templates'),
  get('/templates/:name/preview'),
];

/** Whether `role` may call the route. */
export function mayCall(access: RouteAccess, role: ApiRole): boolean {
  return access.roles === 'open' || role === 'admin' || access.roles.includes(role);
}

/** The roles allowed on a route, admin included, for messages. */
export function rolesAllowed(access: RouteAccess): ApiRole[] {
  return access.roles === 'open' ? [] : [...access.roles, 'admin'];
}
