/** The registration's ledger write on a real Postgres: one statement that picks the policy version and reads back what a repeat needs. */
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { saveRegistration, type InvoiceToSave } from '../../src/invoices/invoice-store';
import { ensureDefaultPolicy, PolicyNotFoundError, policyVersion, saveNextVersion } from '../../src/policies/policy-store';
import { freshDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  await ensureDefaultPolicy(db.pool);
});

afterAll(async () => {
  await db.drop();
});

function registration(invoiceId: string, overrides: Partial<InvoiceToSave> = {}): InvoiceToSave {
  return {
    invoice: { invoiceId, invoiceNumber: `N-${invoiceId}`, amount: { amountMinor: 125_000, currency: 'USD' }, dueDate: '2026-12-01' },
    customer: { customerId: `C-${invoiceId}`, name: 'Acme Ltd', email: 'ap@acme.example', segment: 'smb', riskTier: 'green' },
    policy: { policyId: DEFAULT_POLICY.policyId },
    ...overrides,
  };
}

const count = async (table: string, where: string, value: string) =>
  Number((await db.pool.query(`SELECT count(*) FROM ${table} WHERE ${where} = $1`, [value])).rows[0].count);

test('a new invoice is saved under the newest stored version of its policy', async () => {
  await saveNextVersion(db.pool, { ...DEFAULT_POLICY, version: undefined, policyId: 'store-newest', name: 'first' });
  await saveNextVersion(db.pool, { ...DEFAULT_POLICY, version: undefined, policyId: 'store-newest', name: 'second' });
  const saved = await saveRegistration(db.pool, registration('S-1', { policy: { policyId: 'store-newest' } }));
  expect(saved).toEqual({ outcome: 'created', policy: { policyId: 'store-newest', version: 2 } });
  const row = (await db.pool.query('SELECT policy_id, policy_version, balance_minor FROM invoices WHERE invoice_id = $1', ['S-1'])).rows[0];
  expect(row).toEqual({ policy_id: 'store-newest', policy_version: 2, balance_minor: 125_000 });
});

test('an unknown policy writes nothing, neither the invoice nor its customer', async () => {
  await expect(saveRegistration(db.pool, registration('S-2', { policy: { policyId: 'never-stored' } }))).rejects.toThrow(PolicyNotFoundError);
  await expect(saveRegistration(db.pool, registration('S-2', { policy: { policyId: DEFAULT_POLICY.policyId, version: 99 } }))).rejects.toThrow('v99 is not stored');
  expect(await count('invoices', 'invoice_id', 'S-2')).toBe(0);
  expect(await count('customers', 'customer_id', 'C-S-2')).toBe(0);
});

test('a repeat keeps the policy version and the customer it was first saved with', async () => {
  await saveNextVersion(db.pool, { ...DEFAULT_POLICY, version: undefined, policyId: 'store-repeat', name: 'first' });
  const first = registration('S-3', { policy: { policyId: 'store-repeat' } });
  expect((await saveRegistration(db.pool, first)).outcome).toBe('created');
  await saveNextVersion(db.pool, { ...DEFAULT_POLICY, version: undefined, policyId: 'store-repeat', name: 'second' });
  const repeat = await saveRegistration(db.pool, { ...first, customer: { ...first.customer, name: 'Acme Limited' } });
  expect(repeat).toEqual({ outcome: 'existing', policy: { policyId: 'store-repeat', version: 1 }, firstCustomer: first.customer });
  expect(await count('invoices', 'invoice_id', 'S-3')).toBe(1);
});

test('the same id with another amount is a conflict and changes nothing', async () => {
  const first = registration('S-4');
  await saveRegistration(db.pool, first);
  const other = await saveRegistration(db.pool, { ...first, invoice: { ...first.invoice, amount: { amountMinor: 1, currency: 'USD' } } });
  expect(other.outcome).toBe('conflict');
  expect((await db.pool.query('SELECT amount_minor FROM invoices WHERE invoice_id = $1', ['S-4'])).rows[0].amount_minor).toBe(125_000);
});

test('two registrations of one new invoice at once: one creates it, the other is a repeat', async () => {
  const both = await Promise.all([saveRegistration(db.pool, registration('S-5')), saveRegistration(db.pool, registration('S-5'))]);
  expect(both.map((saved) => saved.outcome).sort()).toEqual(['created', 'existing']);
  expect(both.every((saved) => saved.policy.version === 1)).toBe(true);
});

test('a stored version is read once per database and handed out as a copy', async () => {
  const first = await policyVersion(db.pool, DEFAULT_POLICY.policyId, 1);
  first.name = 'changed by a caller';
  expect((await policyVersion(db.pool, DEFAULT_POLICY.policyId, 1)).name).toBe(DEFAULT_POLICY.name);
  await expect(policyVersion(db.pool, DEFAULT_POLICY.policyId, 42)).rejects.toThrow(PolicyNotFoundError);
});
