/** Collector task priority: amount × days overdue × risk, as the playbook's priority matrix ranks them. */
import type { RiskTier } from './policy/schema';

const RISK_WEIGHT: Record<RiskTier, number> = { green: 1, yellow: 1.5, orange: 2, red: 3 };

/**
 * A score where a larger number is worked first. Logarithmic in amount so many mid-sized balances
 * are not buried under one large one; linear in age, capped at a year.
 */
export function taskPriority(balanceMinor: number, daysPastDue: number, riskTier: RiskTier): number {
  const amountFactor = Math.log10(Math.max(balanceMinor, 1) + 1);
  const ageFactor = 1 + Math.min(Math.max(daysPastDue, 0), 365) / 30;
  return Math.round(amountFactor * ageFactor * RISK_WEIGHT[riskTier] * 100);
}
