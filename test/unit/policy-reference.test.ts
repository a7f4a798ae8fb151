/** docs/policy-reference.md is generated from the zod schemas; it must be what the generator writes today. */
import { readFileSync } from 'node:fs';
import { policyReference, REFERENCE_PATH } from '../../scripts/policy-reference';
import { SEGMENTS } from '../../src/domain/policy/schema';

test('the committed reference is up to date with the schemas (regenerate: npx tsx scripts/policy-reference.ts)', () => {
  expect(readFileSync(REFERENCE_PATH, 'utf8')).toBe(policyReference());
});

test('it lists the allowed values from the schemas themselves', () => {
  const reference = policyReference();
  expect(reference).toContain(`| customer segments | ${SEGMENTS.map((s) => `\`${s}\``).join(', ')} |`);
  expect(reference).toContain('| hold kinds (a seasonal hold needs `until`) | `vip`, `legal`, `seasonal` |');
  expect(reference).toMatch(/\| `receivedAt` \| string \| ISO 8601 date-time with a time zone, from 2000-01-01/);
});
