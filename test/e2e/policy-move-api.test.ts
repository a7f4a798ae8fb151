/**
 * Running invoices keep their policy snapshot until an operator moves them explicitly: one invoice,
 * or every open invoice of an older version, through the API on the whole engine.
 */
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

let stack: E2eStack;
/** A manager's key: moving invoices between policy versions is a manager's decision, recorded under the key's holder. */
let manager: string;

beforeAll(async () => {
  stack = await startE2eStack('policy-move-e2e');
  manager = await stack.api.createKey('manager', { holder: 'Ops Manager' });
});

afterAll(async () => {
  await stack?.close();
});

/** The default policy as `moves`, with the 7-day reminder on `reminderDay`. */
function document(reminderDay: number) {
  const { version: _version, ...doc } = structuredClone(EVERY_DAY_POLICY);
  return {
    ...doc,
    policyId: 'moves',
    dunningSteps: doc.dunningSteps.map((step) => (step.id === 'reminder-7-days' ? { ...step, offsetDays: reminderDay } : step)),
  };
}

const register = (invoiceId: string) => stack.call('POST', '/invoices', {
  invoiceId, invoiceNumber: invoiceId, amount: { amountMinor: 80_000, currency: 'USD' }, dueDate: addDays(isoDateOf(Date.now()), -2), policyId: 'moves',
  customer: { customerId: `C-${invoiceId}`, name: 'Fabrikam Ltd', segment: 'smb' },
});

test('an operator moves one running invoice, then every other one, to the new version', async () => {
  expect((await stack.call('POST', '/policies', document(7))).status).toBe(201);
  expect((await register('MV-1')).body.policy).toEqual({ policyId: 'moves', version: 1 });
  expect((await register('MV-2')).body.policy).toEqual({ policyId: 'moves', version: 1 });
  expect((await stack.call('POST', '/policies', document(4))).body.version).toBe(2);
  const before = await eventually(() => stack.call('GET', '/invoices/MV-1'), (s) => /day 7$/.test(s.body?.nextAction?.description ?? ''));
  expect(before.body.policy.version).toBe(1);

  const unknownVersion = await stack.call('POST', '/invoices/MV-1/policy', { version: 9 }, manager);
  expect(unknownVersion.status).toBe(422);
  expect(unknownVersion.body.errors).toEqual([{ field: 'body.version', reason: 'policy "moves" has no version 9' }]);
  expect((await stack.call('POST', '/invoices/NOPE/policy', { version: 2 }, manager)).status).toBe(404);
  const claimed = await stack.call('POST', '/invoices/MV-1/policy', { version: 2, movedBy: 'ops@example.com' }, manager);
  expect(claimed).toMatchObject({ status: 422, body: { errors: [{ field: 'body.movedBy', reason: expect.stringMatching(/^is taken from the API key/) }] } });

  const moved = await stack.call('POST', '/invoices/MV-1/policy', { version: 2, reason: 'earlier reminder' }, manager);
  expect(moved.status).toBe(200);
  expect(moved.body.policy).toEqual({ policyId: 'moves', version: 2 });
  const after = await eventually(() => stack.call('GET', '/invoices/MV-1'), (s) => /day 4$/.test(s.body?.nextAction?.description ?? ''));
  expect(after.body.nextAction.description).toMatch(/day 4$/);
  const row = await stack.db.pool.query('SELECT policy_version FROM invoices WHERE invoice_id = $1', ['MV-1']);
  expect(row.rows).toEqual([{ policy_version: 2 }]);
  const events = await stack.call('GET', '/invoices/MV-1/events');
  expect(events.body.events.find((e: { type: string }) => e.type === 'policy_moved')?.summary).toContain('by Ops Manager (earlier reminder)');

  const all = await stack.call('POST', '/policies/moves/versions/2/move-invoices', {}, manager);
  expect(all.body).toEqual({ moved: ['MV-2'], failed: [] });
  expect((await stack.call('GET', '/invoices/MV-2')).body.policy).toEqual({ policyId: 'moves', version: 2 });

  const bad = await stack.call('POST', '/policies/moves/versions/2/move-invoices', { movedBy: '', invoiceIds: [] }, manager);
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.invoiceIds', 'body.movedBy']);
  expect((await stack.call('POST', '/policies/moves/versions/7/move-invoices', {}, manager)).status).toBe(404);
});

test('a version number beyond what Postgres stores is refused on both move routes, not a 500', async () => {
  const one = await stack.call('POST', '/invoices/MV-1/policy', { version: 2_147_483_648 }, manager);
  expect(one).toMatchObject({ status: 422, body: { errors: [{ field: 'body.version', reason: 'must be at most 2147483647' }] } });
  expect((await stack.call('POST', '/invoices/MV-1/policy', { version: 1e300 }, manager)).status).toBe(422);
  const all = await stack.call('POST', '/policies/moves/versions/99999999999/move-invoices', {}, manager);
  expect(all).toMatchObject({ status: 422, body: { errors: [{ field: 'path.version', reason: 'must be at most 2147483647' }] } });
  expect((await stack.call('POST', '/policies/moves/versions/2147483647/move-invoices', {}, manager)).status).toBe(404);
});
