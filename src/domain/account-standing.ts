/** A customer's account as a whole, as a step's account condition reads it. */
import { formatMoney } from './money';
import type { AccountCondition } from './policy/schema';

/** What the customer owes past due, in one currency, over all their invoices. */
export interface AccountStanding {
  currency: string;
  overdueMinor: number;
  overdueInvoices: number;
}

/** Why the step's account condition does not hold now, or null when it does. */
export function accountConditionUnmet(condition: AccountCondition, standing: AccountStanding): string | null {
  const { overdueBalanceAtLeastMinor: minimum, overdueInvoicesAtLeast: count } = condition;
  if (minimum !== undefined && standing.overdueMinor < minimum) {
    const money = (amountMinor: number) => formatMoney({ amountMinor, currency: standing.currency });
    return `the customer's overdue balance of ${money(standing.overdueMinor)} is below ${money(minimum)}`;
  }
  if (count !== undefined && standing.overdueInvoices < count) {
    return `the customer has ${standing.overdueInvoices} overdue invoice${standing.overdueInvoices === 1 ? '' : 's'}, fewer than ${count}`;
  }
  return null;
}
