/** A short policy document is completed from the default policy; text Postgres cannot store is refused with its path. */
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { TemplateLibrary } from '../../src/notices/template-library';
import { validatePolicy, withDefaultSections } from '../../src/policies/policy-validation';

const templates = new TemplateLibrary();

test('a document with only an id and a name is the default policy under that id and name', () => {
  const result = validatePolicy({ policyId: 'short', name: 'Short', version: 1 }, templates);
  expect(result).toEqual({ ok: true, policy: { ...DEFAULT_POLICY, policyId: 'short', name: 'Short', version: 1 } });
});

test('a section given replaces the default one whole; the id, name and version are never filled in', () => {
  const steps = [{ id: 'only', offsetDays: 10, action: 'email', template: 'reminder-past-due', tone: 'neutral' }];
  const completed = withDefaultSections({ policyId: 'mine', dunningSteps: steps }) as Record<string, unknown>;
  expect(completed.dunningSteps).toEqual(steps);
  expect(completed.agingBuckets).toEqual(DEFAULT_POLICY.agingBuckets);
  expect(completed).not.toHaveProperty('name');
  expect(completed).not.toHaveProperty('version');
  expect(withDefaultSections([1])).toEqual([1]);
});

test('NUL, other control characters and unpaired surrogates are refused with their paths', () => {
  const result = validatePolicy({ ...DEFAULT_POLICY, name: 'a\u0000b', agingBuckets: DEFAULT_POLICY.agingBuckets.map((b, i) => (i === 2 ? { ...b, label: '\ud800' } : b)) }, templates);
  expect(result).toEqual({ ok: false, problems: [
    { path: 'name', reason: 'must not contain control characters' },
    { path: 'agingBuckets.2.label', reason: 'must be well-formed Unicode (no unpaired surrogate)' },
  ] });
});
