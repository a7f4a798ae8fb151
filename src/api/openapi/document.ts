/**
 * The API's OpenAPI 3.1 document, generated from the zod schemas the routes validate with (zod's
 * own JSON Schema output, draft 2020-12, which OpenAPI 3.1 uses), the operation table beside this
 * file and the route × role matrix. Nothing here restates a field: change a schema and the
 * document follows.
 */
import { z, type ZodType } from 'zod';
import { isoDate, moneySchema } from '../../domain/invoice-messages';
import { OPEN_PREFIXES, rolesAllowed, ROUTE_ACCESS, type RouteAccess } from '../access/route-access';
import { type Answer, OPERATIONS, type Operation, PATH_PARAMETERS } from './operations';
import { linksOf } from './links';
import { ERROR_RESPONSES, problemSchema, SIGNATURE_REFUSED } from './problem-responses';
import { REQUEST_EXAMPLES } from './request-examples';
import { healthSchema, webhookAnswerSchema } from './response-schemas';
import { collectionsPolicySchema } from '../../domain/policy/schema';

type JsonSchema = Record<string, unknown>;
type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, JsonSchema>> };

/** Names of schemas shared by several operations; any other answer is named after its operation. */
const SHARED_NAMES = new Map<ZodType, string>([
  [moneySchema, 'Money'], [problemSchema, 'Problem'], [collectionsPolicySchema, 'CollectionsPolicy'], [healthSchema, 'Health'], [webhookAnswerSchema, 'WebhookAnswer'],
]);

/** The years isoDate accepts (1990 to 2199), months 01–12 and days 01–31; `format: date` says the rest. */
export const ISO_DATE_RANGE = '^(199[0-9]|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';

/**
 * What a refinement checks that JSON Schema cannot see, as far as a format or pattern can say it:
 * a generated client and a fuzzer then send dates and currencies the API can accept.
 */
function refinementHints(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const def = (ctx.zodSchema as ZodType)._zod.def;
  if (def === isoDate._zod.def) Object.assign(ctx.jsonSchema, { format: 'date', pattern: ISO_DATE_RANGE });
}

const options = (io: 'input' | 'output') => ({
  io, unrepresentable: 'any' as const, override: refinementHints, uri: (id: string) => `#/components/schemas/${id}`,
});

/** JSON Schema for one schema, without the keywords a schema inside an OpenAPI document does not repeat. */
function jsonSchemaOf(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = z.toJSONSchema(schema, options(io)) as JsonSchema;
  return rest;
}

/** The components of one direction: request bodies (as sent, defaults optional) or answers (as received). */
function componentsOf(named: Map<ZodType, string>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, options(io));
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...rest }]) => [id, rest as JsonSchema]));
}

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const pascal = (id: string) => id[0].toUpperCase() + id.slice(1);

function accessOf(operation: Operation): RouteAccess {
  const declared = ROUTE_ACCESS.find((access) => access.method === operation.method && access.path === operation.path);
  if (declared) return declared;
  if (OPEN_PREFIXES.some((prefix) => operation.path.startsWith(`${prefix}/`))) return { method: operation.method, path: operation.path, roles: 'open' };
  throw new Error(`${operation.method} ${operation.path} is not in the route × role matrix (src/api/access/route-access.ts)`);
}

const signed = (operation: Operation) => operation.headers !== undefined;

/** Path and query parameters: each value as the route reads it once coerced, required as the schema says. */
function parametersOf(operation: Operation): JsonSchema[] {
  const path = [...operation.path.matchAll(/:(\w+)/g)].map(([, name]) => {
    const schema = PATH_PARAMETERS[name];
    if (!schema) throw new Error(`no schema for the path parameter ${name} of ${operation.path}`);
    return { name, in: 'path', required: true, schema: jsonSchemaOf(schema, 'output') };
  });
  const query = operation.query ? queryParameters(operation.query) : [];
  const headers = Object.entries(operation.headers ?? {}).map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string', minLength: 1 } }));
  const idempotency = operation.method === 'POST' && !signed(operation) && accessOf(operation).roles !== 'open' ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : [];
  return [...path, ...query, ...headers, ...idempotency];
}

function queryParameters(query: ZodType): JsonSchema[] {
  const asSent = jsonSchemaOf(query, 'input') as { required?: string[] };
  const asRead = jsonSchemaOf(query, 'output') as { properties: Record<string, JsonSchema> };
  return Object.entries(asRead.properties).map(([name, schema]) => ({ name, in: 'query', required: asSent.required?.includes(name) ?? false, schema }));
}

/** The error statuses of an operation: its own, and those every route of its kind answers. */
function errorsOf(operation: Operation, access: RouteAccess): number[] {
  // Any request may carry a URL or headers too large for the HTTP server.
  const statuses = new Set([...(operation.errors ?? []), 431]);
  const keyed = access.roles !== 'open';
  if (keyed) [401, 429].forEach((status) => statuses.add(status));
  if (keyed && access.roles.length < 4) statuses.add(403); // some role is refused
  if (operation.method === 'POST') [400, 413, 415, 422].forEach((status) => statuses.add(status));
  if (operation.method === 'POST' && keyed) statuses.add(409); // an Idempotency-Key still being answered, or used for another request
  if (operation.query || operation.path.includes(':')) statuses.add(422);
  if (signed(operation)) [400, 401].forEach((status) => statuses.add(status));
  return [...statuses].sort((a, b) => a - b);
}

function answerOf(answer: Answer, name: string | undefined): JsonSchema {
  const content: Record<string, JsonSchema> = {};
  if (name) content['application/json'] = { schema: ref(name) };
  for (const [type, kind] of Object.entries(answer.media ?? {})) {
    content[type] = { schema: kind === 'text' ? { type: 'string' } : { type: 'string', contentMediaType: type } };
  }
  return { description: answer.description, content };
}

function rolesText(access: RouteAccess, operation: Operation): string {
  if (signed(operation)) return 'No API key: the request is authenticated by its signature.';
  if (access.roles === 'open') return 'Open: no API key.';
  return `API key roles: ${rolesAllowed(access).join(', ')}.`;
}

/** Answers' and requests' components together; a name both use must be the same schema (Money). */
function mergedComponents(answers: Record<string, JsonSchema>, requests: Record<string, JsonSchema>): Record<string, JsonSchema> {
  for (const [name, schema] of Object.entries(requests)) {
    if (name in answers && JSON.stringify(answers[name]) !== JSON.stringify(schema)) throw new Error(`two different schemas are named ${name}`);
  }
  return { ...answers, ...requests };
}

/** Builds the document. */
export function openApiDocument(): OpenApiDocument {
  const requests = new Map<ZodType, string>([[moneySchema, 'Money']]);
  const answers = new Map<ZodType, string>(SHARED_NAMES);
  for (const operation of OPERATIONS) {
    if (operation.body && !requests.has(operation.body.schema)) requests.set(operation.body.schema, operation.body.name);
    for (const answer of Object.values(operation.answers)) {
      if (answer.schema && !answers.has(answer.schema)) answers.set(answer.schema, `${pascal(operation.operationId)}Response`);
    }
  }
  const schemas = mergedComponents(componentsOf(answers, 'output'), componentsOf(requests, 'input'));
  for (const { body } of OPERATIONS) {
    const component = body && schemas[requests.get(body.schema)!] as { required?: string[] };
    if (body?.serverAssigned && component?.required) component.required = component.required.filter((field) => !body.serverAssigned!.includes(field));
  }

  const paths: OpenApiDocument['paths'] = {};
  for (const operation of OPERATIONS) {
    const access = accessOf(operation);
    const item = (paths[openApiPath(operation.path)] ??= {});
    const responses: Record<string, JsonSchema> = {};
    const links = linksOf(operation);
    for (const [status, answer] of Object.entries(operation.answers)) {
      responses[status] = { ...answerOf(answer, answer.schema && answers.get(answer.schema)), ...(links && Number(status) < 300 ? { links } : {}) };
    }
    for (const status of errorsOf(operation, access)) responses[status] = { $ref: `#/components/responses/${signed(operation) && status === 401 ? SIGNATURE_REFUSED.name : ERROR_RESPONSES[status].name}` };
    const parameters = parametersOf(operation);
    item[operation.method.toLowerCase()] = {
      operationId: operation.operationId,
      summary: operation.summary,
      description: rolesText(access, operation),
      tags: [operation.tag],
      'x-roles': access.roles === 'open' ? [] : rolesAllowed(access),
      ...(access.roles === 'open' ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(operation.body ? {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref(requests.get(operation.body.schema)!), example: REQUEST_EXAMPLES[operation.operationId] } },
        },
      } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.1',
    info: {
      title: 'Collections engine API',
      version: '1',
      description: 'Register invoices, record payments and decisions, read collection state and policies. Every error is RFC 9457 problem+json naming each failing field.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/v1' }],
    security: [{ apiKey: [] }],
    tags: [...new Set(OPERATIONS.map((operation) => operation.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      responses: Object.fromEntries([...Object.values(ERROR_RESPONSES), SIGNATURE_REFUSED].map(({ name, response }) => [name, response])),
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key', in: 'header', required: false,
          description: 'Makes a retry safe: the same key with the same request gets the stored answer again (Idempotent-Replayed: true); with another request it is a 409. Kept for 24 h by default.',
          // src/api/idempotency.ts: visible ASCII, as a UUID or an ERP's document number is.
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        },
      },
      securitySchemes: {
        apiKey: {
          type: 'http', scheme: 'bearer', bearerFormat: 'ce_<16 hex digits>_<43 base64url characters>',
          description: 'An API key from `collections keys create`; its role decides which routes it may call (x-roles on each operation; admin may call every route).',
        },
      },
    },
  };
}

let built: OpenApiDocument | undefined;

/** The document, built once. */
export function apiDocument(): OpenApiDocument {
  built ??= openApiDocument();
  return built;
}
