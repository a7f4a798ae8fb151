/** A step's condition on the customer's whole account. */
import { accountConditionUnmet } from '../../src/domain/account-standing';
import { accountConditionSchema } from '../../src/domain/policy/schema';

const standing = { currency: 'EUR', overdueMinor: 420_000, overdueInvoices: 3 };

test('holds when every condition given holds', () => {
  expect(accountConditionUnmet({ overdueBalanceAtLeastMinor: 400_000, overdueInvoicesAtLeast: 3 }, standing)).toBeNull();
});

test('names the first condition that does not hold', () => {
  expect(accountConditionUnmet({ overdueBalanceAtLeastMinor: 500_000 }, standing)).toBe("the customer's overdue balance of €4,200.00 is below €5,000.00");
  expect(accountConditionUnmet({ overdueInvoicesAtLeast: 4 }, standing)).toBe('the customer has 3 overdue invoices, fewer than 4');
});

test('a condition must name something to check', () => {
  expect(accountConditionSchema.safeParse({}).success).toBe(false);
  expect(accountConditionSchema.safeParse({ overdueInvoicesAtLeast: 0 }).success).toBe(false);
});
