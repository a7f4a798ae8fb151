/**
 * A policy from the questions an AR consultant asks first: tone, plans, discounts, interest, VIP
 * accounts to exempt, the escalation cut-off and the write-off threshold. Pure: answers in, a
 * validated policy out.
 */
import { z } from 'zod';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { collectionsPolicySchema, SEGMENTS, type CollectionsPolicy, type DunningStep, type Segment, type Tone } from '../domain/policy/schema';

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

type ToneAnswer = z.infer<typeof policyAnswersSchema>['tone'];

/** Tones of the playbook schedule's five emails, from the first reminder to the final notice (a final notice is never friendly). */
const PLAYBOOK_TONES: Record<ToneAnswer, Tone[]> = {
  friendly: ['friendly', 'friendly', 'friendly', 'neutral', 'neutral'],
  neutral: ['friendly', 'friendly', 'neutral', 'firm', 'firm'],
  strict: ['neutral', 'neutral', 'firm', 'firm', 'firm'],
};

/** Government's four emails (before the due date, +15, +30, the final notice at +45): it pays on statute, so firmness comes late. */
const GOVERNMENT_TONES: Record<ToneAnswer, Tone[]> = {
  friendly: ['friendly', 'friendly', 'friendly', 'neutral'],
  neutral: ['friendly', 'neutral', 'neutral', 'neutral'],
  strict: ['neutral', 'neutral', 'firm', 'firm'],
};

/** The tones of one segment's emails in the order they run; strategic accounts are never written to firmly. */
function segmentTones(segment: Segment, answer: ToneAnswer): Tone[] {
  if (segment === 'government') return GOVERNMENT_TONES[answer];
  if (segment === 'strategic') return PLAYBOOK_TONES[answer].map((tone) => (tone === 'firm' ? 'neutral' : tone));
  return PLAYBOOK_TONES[answer];
}

const segmentsOf = (step: DunningStep): readonly Segment[] => step.appliesTo?.segments ?? SEGMENTS;
/** Steps only government accounts get: their days follow statutory timelines, which the cut-off may delay but never hasten. */
const governmentOnly = (step: DunningStep) => segmentsOf(step).every((segment) => segment === 'government');

/** Each email step's tone for each segment it reaches, taken by the email's place in that segment's plan. */
function tonesByStep(answer: ToneAnswer): Map<string, Map<Segment, Tone>> {
  const byStep = new Map<string, Map<Segment, Tone>>();
  for (const segment of SEGMENTS) {
    const tones = segmentTones(segment, answer);
    const emails = DEFAULT_POLICY.dunningSteps
      .filter((step) => step.action === 'email' && segmentsOf(step).includes(segment))
      .sort((a, b) => a.offsetDays - b.offsetDays);
    if (emails.length !== tones.length) throw new Error(`the default policy sends ${emails.length} emails to ${segment} accounts; tones are set for ${tones.length}`);
    emails.forEach((step, index) => byStep.set(step.id, (byStep.get(step.id) ?? new Map()).set(segment, tones[index])));
  }
  return byStep;
}

/**
 * An email step with each segment's tone. Where the segments it reaches need different tones (a
 * strict answer makes the 7-day reminder firm, but not for strategic accounts), it splits: the
 * largest group keeps the step's id, the others get one suffixed with their segments.
 */
function withTones(step: Extract<DunningStep, { action: 'email' }>, tones: Map<Segment, Tone>): DunningStep[] {
  const groups = new Map<Tone, Segment[]>();
  for (const segment of segmentsOf(step)) {
    const tone = tones.get(segment);
    if (tone) groups.set(tone, [...(groups.get(tone) ?? []), segment]);
  }
  if (groups.size <= 1) return [{ ...step, tone: [...groups.keys()][0] ?? step.tone }];
  const ordered = [...groups].sort(([, a], [, b]) => b.length - a.length);
  return ordered.map(([tone, segments], index) => ({
    ...step,
    id: index === 0 ? step.id : `${step.id}-${segments.join('-')}`,
    tone,
    appliesTo: { ...step.appliesTo, segments },
  }));
}

/** A validated policy from the consultant's answers; the answers' defaults fill what was not asked. */
export function generatePolicy(input: PolicyAnswers): CollectionsPolicy {
  const answers = policyAnswersSchema.parse(input);
  const tones = tonesByStep(answers.tone);
  const cutoff = answers.escalationCutoffDays;
  const { reviewAfterDays } = DEFAULT_POLICY.writeOff;
  // The agency follows legal by 30 days, but always before the write-off review.
  const escalationDays = { sales: 45, management: Math.min(60, cutoff - 15), legal: cutoff, agency: Math.min(cutoff + 30, reviewAfterDays - 1) };
  const dunningSteps = DEFAULT_POLICY.dunningSteps.flatMap((step): DunningStep[] => {
    if (step.action === 'email') return withTones(step, tones.get(step.id) ?? new Map());
    if (step.action !== 'escalate') return [step];
    const offsetDays = escalationDays[step.level];
    return [{ ...step, offsetDays: governmentOnly(step) ? Math.max(step.offsetDays, offsetDays) : offsetDays }];
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
