/**
 * A policy from the questions an AR consultant asks first: tone, plans, discounts, interest, VIP
 * accounts to exempt, the escalation cut-off and the write-off threshold. Pure: answers in, a
 * validated policy out.
 */
import { z } from 'zod';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { collectionsPolicySchema, type CollectionsPolicy, type Tone } from '../domain/policy/schema';

export const policyAnswersSchema = z.object({
  policyId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes').default('generated'),
  name: z.string().min(1).max(200).optional(),
  /** Context for the advice; not used to build the steps. */
  arSystem: z.string().max(100).optional(),
  currentDsoDays: z.number().int().min(0).max(1000).optional(),
  /** Total aging balance in minor units of `currency` (an aging report gives it). Context only. */
  totalAgingBalanceMinor: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
  /** How many accounts are past due. Context only. */
  pastDueAccounts: z.number().int().min(0).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
  tone: z.enum(['friendly', 'neutral', 'strict']).default('neutral'),
  offerPaymentPlans: z.boolean().default(true),
  offerSettlementDiscounts: z.boolean().default(false),
  chargeInterest: z.boolean().default(false),
  /** Yearly interest in percent, when charged. */
  interestPercentPerYear: z.number().min(0).max(100).default(12),
  vipCustomerIds: z.array(z.string().min(1).max(100)).default([]),
  /** Days past due at which an account goes to legal review; the agency follows 30 days later. */
  escalationCutoffDays: z.number().int().min(60).max(150).default(90),
  /** Largest balance an AR manager may write off alone, in minor units of `currency`. */
  writeOffThresholdMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER / 100).default(500_000),
}).strict();

export type PolicyAnswers = z.input<typeof policyAnswersSchema>;

/** Reminder tones from the first reminder to the final notice (a final notice is never friendly). */
const TONES: Record<'friendly' | 'neutral' | 'strict', Tone[]> = {
  friendly: ['friendly', 'friendly', 'friendly', 'neutral', 'neutral'],
  neutral: ['friendly', 'friendly', 'neutral', 'firm', 'firm'],
  strict: ['neutral', 'neutral', 'firm', 'firm', 'firm'],
};

/** A validated policy from the consultant's answers; the answers' defaults fill what was not asked. */
export function generatePolicy(input: PolicyAnswers): CollectionsPolicy {
  const answers = policyAnswersSchema.parse(input);
  const tones = TONES[answers.tone];
  let emailIndex = 0;
  const cutoff = answers.escalationCutoffDays;
  const dunningSteps = DEFAULT_POLICY.dunningSteps.map((step) => {
    if (step.action === 'email') return { ...step, tone: tones[emailIndex++] };
    if (step.action !== 'escalate') return step;
    const offsetDays = { sales: 45, management: Math.min(60, cutoff - 15), legal: cutoff, agency: cutoff + 30 }[step.level];
    return { ...step, offsetDays };
  });
  return collectionsPolicySchema.parse({
    ...DEFAULT_POLICY,
    policyId: answers.policyId,
    version: 1,
    name: answers.name ?? `Collections policy (${answers.tone} tone, legal at ${cutoff} days)`,
    dunningSteps,
    writeOff: {
      ...DEFAULT_POLICY.writeOff,
      currency: answers.currency,
      approvalHierarchy: [
        { role: 'ar-manager', maxAmountMinor: answers.writeOffThresholdMinor },
        { role: 'controller', maxAmountMinor: answers.writeOffThresholdMinor * 10 },
        { role: 'cfo', maxAmountMinor: null },
      ],
    },
    interest: { enabled: answers.chargeInterest, annualRateBasisPoints: answers.chargeInterest ? Math.round(answers.interestPercentPerYear * 100) : 0 },
    settlement: { enabled: answers.offerSettlementDiscounts },
    paymentPlans: { enabled: answers.offerPaymentPlans },
    escalationApprovals: { ...DEFAULT_POLICY.escalationApprovals, vipCustomerIds: answers.vipCustomerIds },
  });
}
