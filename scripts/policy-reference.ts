/**
 * Writes docs/policy-reference.md from the zod schemas themselves: the allowed values (segments,
 * risk tiers, tones, dispute categories, hold kinds …), every field of a policy document with its
 * type, range and default, and every field of the API's request bodies. Nothing in it is typed by
 * hand, so it cannot drift; a unit test fails when the committed file is not what this produces.
 *
 *   npx tsx scripts/policy-reference.ts        # rewrite docs/policy-reference.md
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import * as lifecycle from '../src/api/lifecycle-request-schemas';
import * as requests from '../src/api/request-schemas';
import { moveAllSchema, moveOneSchema } from '../src/api/routes/policy-moves';
import { previewQuery } from '../src/api/routes/templates';
import { taskListQuery } from '../src/api/routes/tasks';
import { DISPUTE_CATEGORIES, WEEKDAYS } from '../src/domain/policy/account-handling';
import { DEFAULT_POLICY } from '../src/domain/policy/default-policy';
import { collectionsPolicySchema, ESCALATION_LEVELS, RISK_TIERS, SEGMENTS, TONES } from '../src/domain/policy/schema';

export const REFERENCE_PATH = path.join(__dirname, '..', 'docs', 'policy-reference.md');

type JsonSchema = {
  type?: string | string[]; enum?: unknown[]; const?: unknown; default?: unknown; pattern?: string; format?: string;
  minimum?: number; maximum?: number; exclusiveMinimum?: number; minLength?: number; maxLength?: number; minItems?: number; maxItems?: number;
  properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema; additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; description?: string;
};

interface Row { field: string; type: string; allowed: string; defaultValue: string; required: boolean }

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|');
/** zod writes the safe-integer limits into every integer; they say nothing to a reader. */
const meaningful = (n: number | undefined) => n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;

function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.oneOf) return 'object, one shape per kind (below)';
  if (schema.const !== undefined) return code(schema.const);
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
  if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return `map of ${schema.propertyNames ? typeOf(schema.propertyNames) : 'string'} to ${typeOf(schema.additionalProperties)}`;
  }
  return String(schema.type ?? 'any');
}

function allowedOf(schema: JsonSchema): string {
  const parts: string[] = [];
  const variants = schema.anyOf ?? [schema];
  for (const variant of variants) {
    const own = variant.type === 'array' && variant.items ? variant.items : variant;
    // A long list (currencies, time zones) is for machines: its description says what it holds.
    if (own.enum && own.enum.length <= 20) parts.push(own.enum.map(code).join(', '));
    else if (own.enum && !own.description) parts.push(`one of ${own.enum.length} values`);
    if (own.propertyNames?.enum) parts.push(`keys: ${own.propertyNames.enum.map(code).join(', ')}`);
    if (meaningful(own.minimum) || meaningful(own.exclusiveMinimum) || meaningful(own.maximum)) {
      const low = meaningful(own.minimum) ? String(own.minimum) : meaningful(own.exclusiveMinimum) ? `>${own.exclusiveMinimum}` : '';
      parts.push(`${low}…${meaningful(own.maximum) ? own.maximum : ''}`);
    }
    if (own.description) parts.push(own.description);
    else if (own.format) parts.push(own.format);
    else if (own.pattern) parts.push(`pattern ${code(own.pattern)}`);
    if (!own.description && own.minLength !== undefined && own.minLength > 1) parts.push(`at least ${own.minLength} characters`);
    if (!own.description && own.maxLength !== undefined) parts.push(`at most ${own.maxLength} characters`);
  }
  if (schema.type === 'array') {
    if (schema.minItems) parts.push(`at least ${schema.minItems} item${schema.minItems > 1 ? 's' : ''}`);
    if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  }
  return parts.join('; ');
}

function defaultOf(schema: JsonSchema): string {
  if (schema.default === undefined) return '';
  const text = JSON.stringify(schema.default);
  return text.length <= 80 ? code(schema.default) : 'see the default policy';
}

/** One row per field, depth first; a list of objects lists its items' fields under `field[]`. */
function rowsOf(schema: JsonSchema, at: string, required: boolean): Row[] {
  const here: Row[] = at ? [{ field: at, type: typeOf(schema), allowed: allowedOf(schema), defaultValue: defaultOf(schema), required }] : [];
  const object = schema.type === 'array' ? schema.items : schema;
  const prefix = schema.type === 'array' ? `${at}[]` : at;
  if (!object) return here;
  if (object.oneOf) {
    // A discriminated union (a dunning step): each variant's fields, named by its discriminator.
    return [...here, ...object.oneOf.flatMap((variant) => {
      const tag = Object.entries(variant.properties ?? {}).find(([, p]) => p.const !== undefined);
      const variantAt = tag ? `${at}[${tag[0]}=${String(tag[1].const)}]` : prefix;
      return rowsOf({ ...variant, type: 'object' }, variantAt, true).filter((row) => row.field !== variantAt);
    })];
  }
  const properties = object.properties ?? {};
  const children = Object.entries(properties).flatMap(([name, property]) => rowsOf(property, prefix ? `${prefix}.${name}` : name, (object.required ?? []).includes(name)));
  return [...here, ...children];
}

/** A table of every field; `defaults` names defaults the schema cannot say (sections taken from the default policy). */
function table(schema: z.ZodType, defaults: Record<string, string> = {}): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows = rowsOf(json, '', true).map((row) => (defaults[row.field] ? { ...row, defaultValue: defaults[row.field] } : row));
  return ['| field | type | allowed | default | required |', '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${cell(r.field)}\` | ${cell(r.type)} | ${cell(r.allowed)} | ${cell(r.defaultValue)} | ${r.required && !r.defaultValue ? 'yes' : ''} |`)].join('\n');
}

const list = (values: readonly unknown[]) => values.map(code).join(', ');

/** The whole reference document. */
export function policyReference(): string {
  const hold = lifecycle.placeHoldSchema.shape.kind.options;
  const waiver = lifecycle.waiveChargesSchema.shape.kind.options;
  const inFavourOf = lifecycle.resolveDisputeSchema.shape.inFavourOf.options;
  const bodies: [string, z.ZodType][] = [
    ['POST /v1/invoices', requests.registerInvoiceSchema],
    ['POST /v1/invoices/{id}/payments', requests.recordPaymentSchema],
    ['POST /v1/invoices/{id}/cancel', requests.cancelInvoiceSchema],
    ['POST /v1/invoices/{id}/disputes', lifecycle.openDisputeSchema],
    ['POST /v1/invoices/{id}/disputes/{disputeId}/resolution', lifecycle.resolveDisputeSchema],
    ['POST /v1/invoices/{id}/promises', lifecycle.promiseToPaySchema],
    ['POST /v1/invoices/{id}/holds', lifecycle.placeHoldSchema],
    ['POST /v1/invoices/{id}/holds/{holdId}/release', lifecycle.releaseHoldSchema],
    ['POST /v1/invoices/{id}/escalation-decisions', lifecycle.escalationDecisionSchema],
    ['POST /v1/invoices/{id}/charge-waivers', lifecycle.waiveChargesSchema],
    ['POST /v1/invoices/{id}/settlement-offers', lifecycle.settlementOfferSchema],
    ['POST /v1/invoices/{id}/settlement-offers/{offerId}/decision', lifecycle.settlementDecisionSchema],
    ['POST /v1/invoices/{id}/payments/{paymentId}/reversal', lifecycle.reversalSchema],
    ['POST /v1/invoices/{id}/bankruptcy', lifecycle.bankruptcySchema],
    ['POST /v1/invoices/{id}/write-off-decision', requests.writeOffDecisionSchema],
    ['POST /v1/invoices/{id}/policy', moveOneSchema],
    ['POST /v1/policies/{policyId}/versions/{n}/move-invoices', moveAllSchema],
    ['GET /v1/tasks (query)', taskListQuery],
    ['GET /v1/templates/{name}/preview (query)', previewQuery],
  ];
  return [
    '# Policy and API reference',
    '',
    '<!-- Generated by `npx tsx scripts/policy-reference.ts` from the zod schemas; do not edit by hand. -->',
    '',
    '## Allowed values',
    '',
    '| what | values |',
    '| --- | --- |',
    `| customer segments | ${list(SEGMENTS)} |`,
    `| risk tiers | ${list(RISK_TIERS)} |`,
    `| email tones | ${list(TONES)} |`,
    `| escalation levels (lowest first) | ${list(ESCALATION_LEVELS)} |`,
    `| dispute categories | ${list(DISPUTE_CATEGORIES)} |`,
    `| dispute resolution, in favour of | ${list(inFavourOf)} |`,
    `| hold kinds (a seasonal hold needs \`until\`) | ${list(hold)} |`,
    `| charge waivers | ${list(waiver)} |`,
    `| quiet weekdays | ${list(WEEKDAYS)} |`,
    `| write-off approver roles | any role named in \`writeOff.approvalHierarchy\`; the default policy's: ${list(DEFAULT_POLICY.writeOff.approvalHierarchy.map((a) => a.role))} |`,
    `| task status (\`GET /v1/tasks?status=\`) | ${list(taskListQuery.shape.status.unwrap().options)} |`,
    `| template preview format | ${list(previewQuery.shape.format.unwrap().options)} |`,
    '',
    '## Policy document',
    '',
    'Sections left out of a saved document (all but `policyId` and `name`) are taken whole from the',
    'default policy; fields left out of a section you give take the defaults below.',
    '',
    table(collectionsPolicySchema, {
      version: 'the next version, assigned on save',
      ...Object.fromEntries(Object.keys(DEFAULT_POLICY).filter((key) => !['policyId', 'name', 'version'].includes(key)).map((key) => [key, 'the default policy\'s'])),
    }),
    '',
    '## Request bodies',
    '',
    ...bodies.flatMap(([title, schema]) => [`### ${title}`, '', table(schema), '']),
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(REFERENCE_PATH, policyReference());
  process.stdout.write(`wrote ${path.relative(process.cwd(), REFERENCE_PATH)}\n`);
}
