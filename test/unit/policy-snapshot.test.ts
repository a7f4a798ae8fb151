/**
 * An old snapshot is completed with the sections' defaults as written in the workflow code, kept out of
 * the zod-built default policy so that zod stays out of every cached workflow.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { completePolicy, SECTION_DEFAULTS } from '../../workflows/invoice-collection/policy-snapshot';
import { workflowBundle } from '../support/temporal';

test('the section defaults old snapshots take are the default policy\'s sections today', () => {
  for (const [section, value] of Object.entries(SECTION_DEFAULTS)) {
    expect([section, value]).toEqual([section, DEFAULT_POLICY[section as keyof typeof SECTION_DEFAULTS]]);
  }
});

test('a first-release snapshot (write-off review days only) reads every later section, interest and fees off', () => {
  const { policyId, version, name, agingBuckets, sendHourUtc, dunningSteps } = DEFAULT_POLICY;
  const first = { policyId, version, name, agingBuckets, sendHourUtc, dunningSteps, writeOff: { reviewAfterDays: 120, reReviewAfterDays: 30 } };
  const completed = completePolicy(first as typeof DEFAULT_POLICY);
  expect(completed.writeOff).toEqual({ ...DEFAULT_POLICY.writeOff, reviewAfterDays: 120, reReviewAfterDays: 30 });
  expect(completed.interest.enabled).toBe(false);
  expect(completed.lateFee.percentBasisPoints).toBe(0);
  expect(completed.contact).toEqual(DEFAULT_POLICY.contact);
  expect(completed.smallBalance).toEqual({ minimumMinor: {}, action: 'keep_without_contact' });
  expect(completed.dunningSteps).toBe(dunningSteps);
});

test('the workflow bundle holds no zod (its modules are evaluated once per cached workflow)', () => {
  const bundled = readFileSync(workflowBundle().codePath, 'utf8');
  const modules = [...bundled.matchAll(/^\/\*\*\*\/ "(\.\/[^"]+)"$/gm)].map(([, id]) => id);
  expect(modules).toContain('./workflows/invoice-collection/workflow.ts');
  expect(modules.filter((id) => id.includes('/node_modules/zod/'))).toEqual([]);
});
