/**
 * The OpenAPI document against the API: every route express serves is documented and every
 * documented route is served, the document is valid OpenAPI 3.1, each POST's example is a request
 * its route's zod schema accepts (and the document's JSON Schema too), and the document and the
 * interactive docs are served, offline, without a key.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { validate, compileErrors } from '@readme/openapi-parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { HOLD_KINDS } from '../../src/api/lifecycle-request-schemas';
import { recommendQuery } from '../../src/api/routes/plans';
import { z } from 'zod';
import { isoDate, moneySchema, paymentMessage, singleLine, text } from '../../src/domain/invoice-messages';
import { createApp } from '../../src/api/app';
import { DOCS_ASSETS } from '../../src/api/openapi/docs-page';
import { openApiDocument } from '../../src/api/openapi/document';
import { LINK_SOURCES } from '../../src/api/openapi/links';
import { OPERATIONS } from '../../src/api/openapi/operations';
import { REQUEST_EXAMPLES } from '../../src/api/openapi/request-examples';
import { ROUTE_ACCESS, rolesAllowed } from '../../src/api/access/route-access';
import { validatePolicy } from '../../src/policies/policy-validation';
import { TemplateLibrary } from '../../src/notices/template-library';
import { createLogger } from '../../src/logger';
import { servedRoutes } from '../support/served-routes';

type Json = Record<string, any>;

const document = openApiDocument() as Json;
const documented = Object.entries(document.paths as Record<string, Json>)
  .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
const operations = Object.values(document.paths as Record<string, Json>).flatMap((item) => Object.values(item) as Json[]);

/** A validator for the document's own schemas, so a `$ref` resolves as a client resolves it. */
function schemaValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: document.components });
  return (name: string, value: unknown) => {
    const check = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
    return check(value) ? [] : (check.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  };
}

test('every route express serves is documented, and every documented route is served', () => {
  expect([...new Set(documented)].sort()).toEqual([...new Set(servedRoutes())].sort());
  expect(new Set(documented).size).toBe(documented.length);
});

test('the document is valid OpenAPI 3.1', async () => {
  const result = await validate(structuredClone(document) as Parameters<typeof validate>[0]);
  if (!result.valid) throw new Error(compileErrors(result));
  expect(document.openapi).toMatch(/^3\.1\./);
  const ids = operations.map((operation) => operation.operationId);
  expect(new Set(ids).size).toBe(ids.length);
});

test('each POST has an example body that its route\'s zod schema and the document\'s schema both accept', () => {
  const matches = schemaValidator();
  const wrong: string[] = [];
  for (const operation of OPERATIONS.filter((op) => op.method === 'POST')) {
    const example = REQUEST_EXAMPLES[operation.operationId];
    if (!operation.body || example === undefined) {
      wrong.push(`${operation.operationId}: no body or no example`);
      continue;
    }
    // Fields the server assigns (a policy's version) may be left out: the route fills them in before parsing.
    const assigned = Object.fromEntries((operation.body.serverAssigned ?? []).map((field) => [field, 1]));
    const parsed = operation.body.schema.safeParse({ ...assigned, ...(example as object) });
    if (!parsed.success) wrong.push(`${operation.operationId}: ${parsed.error.message}`);
    const content = (document.paths[operation.path.replace(/:(\w+)/g, '{$1}')].post as Json).requestBody.content['application/json'];
    expect(content.example).toEqual(example);
    const name = (content.schema.$ref as string).split('/').pop()!;
    wrong.push(...matches(name, example).map((problem) => `${operation.operationId} against the document: ${problem}`));
  }
  expect(wrong).toEqual([]);
  // The policy example passes the checks beyond its schema too (its templates exist).
  expect(validatePolicy({ ...(REQUEST_EXAMPLES.savePolicy as object), version: 1 }, new TemplateLibrary()).ok).toBe(true);
});

test('enums, required fields and roles come from the schemas and the matrix', () => {
  const schemas = document.components.schemas;
  expect(schemas.PlaceHold.properties.kind.enum).toEqual([...HOLD_KINDS]);
  expect(schemas.PlaceHold.required).toEqual(['holdId', 'kind', 'reason']);
  expect(schemas.PlaceHold.additionalProperties).toBe(false);
  // The server assigns a policy's version: a document may leave it out.
  expect(schemas.CollectionsPolicyDocument.required).not.toContain('version');
  expect(schemas.CollectionsPolicy.required).toContain('version');
  for (const access of ROUTE_ACCESS) {
    const operation = document.paths[access.path.replace(/:(\w+)/g, '{$1}')][access.method.toLowerCase()];
    expect([access.path, operation['x-roles']]).toEqual([access.path, access.roles === 'open' ? [] : rolesAllowed(access)]);
    expect([access.path, operation.security]).toEqual([access.path, access.roles === 'open' ? [] : undefined]);
  }
});

test('a date in the document is exactly a date the API accepts: every day from 1989 to 2200, and impossible ones', () => {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const documentedDate = ajv.compile(document.components.schemas.RegisterInvoice.properties.dueDate);
  const days: string[] = ['2001-02-29', '2100-02-29', '2000-02-30', '1990-00-10', '1990-13-01', '2199-12-32', '19900-01-01', '2024-1-05', ' 2024-01-05'];
  for (let at = Date.UTC(1989, 11, 20); at <= Date.UTC(2200, 0, 10); at += 86_400_000) days.push(new Date(at).toISOString().slice(0, 10));
  const disagree = days.filter((day) => documentedDate(day) !== isoDate.safeParse(day).success);
  expect(disagree).toEqual([]);
  expect(documentedDate('1990-01-01') && !documentedDate('1989-12-31') && documentedDate('2199-12-31') && !documentedDate('2200-01-01')).toBe(true);
});

test('free text and one-line fields: the document\'s pattern accepts exactly what the API accepts', () => {
  const ajv = new Ajv2020({ strict: false });
  const customerName = document.components.schemas.RegisterInvoice.properties.customer.properties.name;
  expect(customerName.pattern).toBe((z.toJSONSchema(singleLine(200), { io: 'input' }) as Json).pattern);
  // Every kind of character the rules name, and ordinary ones, in random strings of up to 6 (not lone
  // surrogates: the pattern leaves them to the API, as no UTF-8 client can send one).
  const alphabet = ['a', 'Z', '9', ' ', '\u00a0', '\n', '\r', '\t', '\u000b', '\u0000', '\u001f', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029',
    '\u202a', '\u202e', '\u2066', '\u2069', '\u200b', '\ufeff', 'é', '\ud83d\ude00'];
  let seed = 7;
  const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const samples = ['', ' ', 'a', ' a ', 'a\nb', '\n', 'a\u0000', 'x\u202ey', '\ud83d\ude00'];
  for (let i = 0; i < 20_000; i += 1) samples.push(Array.from({ length: 1 + random(6) }, () => alphabet[random(alphabet.length)]).join(''));
  for (const schema of [text(50), singleLine(50)]) {
    const { $schema: _dialect, ...documented } = z.toJSONSchema(schema, { io: 'input' }) as Json;
    const check = ajv.compile(documented);
    const disagree = samples.filter((value) => check(value) !== schema.safeParse(value).success);
    expect(disagree.map((value) => JSON.stringify(value)).slice(0, 10)).toEqual([]);
  }
});

test('a policy\'s free text and account conditions: the document refuses what the API refuses', () => {
  const policy = document.components.schemas.CollectionsPolicyDocument;
  // Every string of a policy carries a rule the document states (a pattern, a list, a format).
  const unhinted: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${at}/${i}`));
    else if (node && typeof node === 'object') {
      const schema = node as Json;
      if (schema.type === 'string' && !['pattern', 'enum', 'const', 'format'].some((key) => key in schema)) unhinted.push(at);
      for (const [key, value] of Object.entries(schema)) walk(value, `${at}/${key}`);
    }
  };
  walk(policy, '');
  expect(unhinted).toEqual([]);

  const ajv = new Ajv2020({ strict: false });
  const check = ajv.compile({ type: 'string', pattern: policy.properties.name.pattern });
  const templates = new TemplateLibrary();
  const example: Json = { ...(REQUEST_EXAMPLES.savePolicy as Json), version: 1 };
  const samples = ['Standard terms', 'two\nlines', 'tab\there', 'cr\r', ...Array.from({ length: 0x20 }, (_, code) => `a${String.fromCharCode(code)}b`), 'del\u007f', 'c1\u0085'];
  const disagree = samples.filter((name) => check(name) !== validatePolicy({ ...example, name }, templates).ok);
  expect(disagree.map((value) => JSON.stringify(value))).toEqual([]);

  const step = (example.dunningSteps as Json[])[0];
  const withCondition = (whenAccount: Json) => ({ ...example, dunningSteps: [{ ...step, whenAccount }] });
  const conform = schemaValidator();
  for (const whenAccount of [{}, { overdueInvoicesAtLeast: 2 }]) {
    expect(conform('CollectionsPolicyDocument', withCondition(whenAccount)).length === 0).toBe(validatePolicy(withCondition(whenAccount), templates).ok);
  }
});

test('currencies and time zones are listed, and repeated list items are refused in the document too', () => {
  const schemas = document.components.schemas;
  expect(schemas.Money.properties.currency.enum).toEqual(expect.arrayContaining(['USD', 'EUR', 'JPY', 'KWD']));
  expect(schemas.Money.properties.currency.enum).not.toContain('XXX');
  for (const code of schemas.Money.properties.currency.enum) expect([code, moneySchema.shape.currency.safeParse(code).success]).toEqual([code, true]);
  const zones = schemas.RegisterInvoice.properties.customer.properties.timeZone.enum;
  expect(zones).toEqual(expect.arrayContaining(['UTC', 'America/Los_Angeles', 'Europe/Berlin']));
  expect(schemas.PlanProposal.properties.invoiceIds.uniqueItems).toBe(true);
  expect(schemas.RegisterInvoice.properties.customer.properties.country.enum).toEqual(expect.arrayContaining(['US', 'DE', 'GB']));
  // A seasonal hold needs its end date: the document says so too.
  const validate = schemaValidator();
  const hold = { holdId: 'H-1', kind: 'seasonal', reason: 'closed for the season' };
  expect(validate('PlaceHold', hold)).not.toEqual([]);
  expect(validate('PlaceHold', { ...hold, until: '2027-03-01' })).toEqual([]);
  expect(validate('PlaceHold', { ...hold, kind: 'vip' })).toEqual([]);
});

test('a payment\'s date-time the document allows is one the API accepts, and only the hours around 2000-01-01T00:00Z differ', () => {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const documented = ajv.compile(document.components.schemas.Payment.properties.receivedAt);
  const times: string[] = [];
  for (const day of ['1999-12-30', '1999-12-31', '2000-01-01', '2000-01-02', '2000-02-01', '2001-01-01', '2010-06-15', '2026-01-01']) {
    for (const time of ['00:00:00', '00:30:00', '12:00:00', '23:59:59.999']) {
      for (const zone of ['Z', '+00:00', '+01:00', '-01:00', '+14:00', '-12:00']) times.push(`${day}T${time}${zone}`);
    }
  }
  const accepted = (receivedAt: string) => paymentMessage.safeParse({ paymentId: 'P-1', amount: { amountMinor: 1, currency: 'USD' }, receivedAt }).success;
  expect(times.filter((time) => documented(time) && !accepted(time))).toEqual([]);
  expect(times.filter((time) => !documented(time) && accepted(time)).every((time) => /^(1999-12-31|2000-01-01)T/.test(time))).toBe(true);
  expect(times.filter(accepted).length).toBeGreaterThan(100);
});

test('links lead from what an operation creates to the operations on it, each naming every path parameter', () => {
  const byId = new Map(operations.map((operation) => [operation.operationId as string, operation]));
  const pathOf = new Map(Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) => Object.values(item).map((op: Json) => [op.operationId, path])));
  expect(LINK_SOURCES.filter((id) => !byId.has(id))).toEqual([]);
  let count = 0;
  for (const operation of operations) {
    for (const answer of Object.values(operation.responses as Record<string, Json>)) {
      for (const link of Object.values((answer.links ?? {}) as Record<string, Json>)) {
        count += 1;
        const needed = [...(pathOf.get(link.operationId) as string).matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
        expect([link.operationId, Object.keys(link.parameters).sort()]).toEqual([link.operationId, needed]);
      }
    }
  }
  expect(count).toBeGreaterThan(30);
  const registered = document.paths['/invoices'].post.responses['201'].links;
  expect(registered.recordPayment.parameters).toEqual({ invoiceId: '$request.body#/invoiceId' });
  expect(document.paths['/invoices/{invoiceId}/holds'].post.responses['201'].links.releaseHold.parameters)
    .toEqual({ invoiceId: '$request.path.invoiceId', holdId: '$request.body#/holdId' });
});

test('a list of invoice ids in a query is checked by the pattern the document shows', () => {
  const pattern = new RegExp(document.paths['/plans/recommendation'].get.parameters.find((p: Json) => p.name === 'invoiceIds').schema.pattern);
  for (const [list, ok] of [['INV-1', true], ['INV-1,INV-2', true], [' INV-1 , INV-2 ', true], ['INV-1,,INV-2', false], ['INV-1,', false], ['', false], ['-INV', false], [`${'A'.repeat(100)},B`, true], ['A'.repeat(101), false]] as const) {
    expect([list, pattern.test(list), recommendQuery.safeParse({ customerId: 'C-1', invoiceIds: list }).success]).toEqual([list, ok, ok]);
  }
});

test('every error is problem+json, and every keyed POST documents the errors the API answers it with', () => {
  for (const operation of operations) {
    const statuses = Object.keys(operation.responses).map(Number);
    const keyed = operation.security === undefined;
    if (keyed) expect([operation.operationId, statuses]).toEqual([operation.operationId, expect.arrayContaining([401, 429])]);
    if (operation.requestBody) expect([operation.operationId, statuses]).toEqual([operation.operationId, expect.arrayContaining([400, 413, 415, 422])]);
    if (operation.requestBody && keyed) expect(statuses).toContain(409);
  }
  const matches = schemaValidator();
  for (const [name, response] of Object.entries(document.components.responses as Record<string, Json>)) {
    const { example } = response.content['application/problem+json'];
    expect([name, matches('Problem', example)]).toEqual([name, []]);
  }
});

describe('served', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = createApp({ db: {} as never, client: {} as never, taskQueue: 'none', log: createLogger('silent') });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('GET /v1/openapi.json answers the document, without a key', async () => {
    const response = await fetch(`${base}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  test('GET /v1/docs is a page whose scripts and styles all come from this API (no CDN), within its Content-Security-Policy', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url);
    expect(references.length).toBeGreaterThanOrEqual(4);
    expect(references.every((url) => url.startsWith('/v1/docs/'))).toBe(true);
    expect(html).not.toMatch(/<script>/); // no inline script: the policy would block it
    for (const asset of DOCS_ASSETS) {
      const answer = await fetch(`${base}/docs/${asset}`);
      expect([asset, answer.status]).toEqual([asset, 200]);
      expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect(await (await fetch(`${base}/docs/docs-init.js`)).text()).toContain("url: '/v1/openapi.json'");
  });

  test('an unknown file of the docs is a 404 problem that matches the document\'s Problem schema', async () => {
    const answer = await fetch(`${base}/docs/nope.js`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(schemaValidator()('Problem', await answer.json())).toEqual([]);
  });
});
