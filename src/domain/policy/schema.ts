/**
 * The collections policy: versioned data that drives every invoice workflow. A workflow receives a
 * snapshot at start and never reads a policy again, so a new version only affects new workflows.
 */
import { z } from 'zod';
import {
  agencySchema, contactSchema, disputesSchema, escalationApprovalsSchema, promisesSchema, writeOffApproverSchema,
} from './account-handling';
import { chargebacksSchema, interestSchema, lateFeeSchema, paymentPlansSchema, settlementSchema, smallBalanceSchema } from './financial-terms';

import { policyText } from './policy-text';
import { ESCALATION_LEVELS, RISK_TIERS, SEGMENTS, TONES } from './vocabulary';

export { ESCALATION_LEVELS, RISK_TIERS, SEGMENTS, TONES };

export const segmentSchema = z.enum(SEGMENTS);
export const riskTierSchema = z.enum(RISK_TIERS);
export const toneSchema = z.enum(TONES);
export const escalationLevelSchema = z.enum(ESCALATION_LEVELS);

export type Segment = z.infer<typeof segmentSchema>;
export type RiskTier = z.infer<typeof riskTierSchema>;
export type Tone = z.infer<typeof toneSchema>;
export type EscalationLevel = z.infer<typeof escalationLevelSchema>;

const identifier = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes');

/** Limits a step to some segments or risk tiers; absent means every one. */
const appliesToSchema = z.object({
  segments: z.array(segmentSchema).min(1).optional(),
  riskTiers: z.array(riskTierSchema).min(1).optional(),
}).strict();

/**
 * Conditions on the customer's account as a whole, as Kill Bill's overdue conditions: the step runs
 * only when every one given holds at its moment (otherwise it is recorded as skipped).
 */
export const accountConditionSchema = z.object({
  /** The customer's overdue balance in the invoice's currency (this invoice included), in minor units, at least this. */
  overdueBalanceAtLeastMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** At least this many overdue invoices of the customer (this one included). */
  overdueInvoicesAtLeast: z.number().int().min(1).max(10_000).optional(),
}).strict().refine((c) => c.overdueBalanceAtLeastMinor !== undefined || c.overdueInvoicesAtLeast !== undefined, {
  message: 'name overdueBalanceAtLeastMinor, overdueInvoicesAtLeast or both',
}).meta({ minProperties: 1 }); // the refinement, as the OpenAPI document says it
export type AccountCondition = z.infer<typeof accountConditionSchema>;

const stepBase = {
  id: identifier,
  /** Days relative to the due date: −3 is three days before, 30 is thirty days after. */
  offsetDays: z.number().int().min(-90).max(3650),
  appliesTo: appliesToSchema.optional(),
  whenAccount: accountConditionSchema.optional(),
};

const emailStepSchema = z.object({
  ...stepBase,
  action: z.literal('email'),
  template: identifier,
  tone: toneSchema,
  /** The last notice before escalation; templates word it as such. */
  finalNotice: z.boolean().default(false),
}).strict();

const callTaskStepSchema = z.object({
  ...stepBase,
  action: z.literal('call_task'),
  script: identifier.optional(),
}).strict();

const escalationStepSchema = z.object({
  ...stepBase,
  action: z.literal('escalate'),
  level: escalationLevelSchema.exclude(['collector']),
}).strict();

export const dunningStepSchema = z.discriminatedUnion('action', [emailStepSchema, callTaskStepSchema, escalationStepSchema]);
export type DunningStep = z.infer<typeof dunningStepSchema>;

const agingBucketSchema = z.object({
  label: policyText(),
  fromDays: z.number().int().nullable(),
  toDays: z.number().int().nullable(),
}).strict();

export const collectionsPolicySchema = z.object({
  policyId: identifier,
  version: z.number().int().positive(),
  name: policyText(200),
  agingBuckets: z.array(agingBucketSchema).min(1),
  /** Hour of the day (UTC) at which scheduled steps run. */
  sendHourUtc: z.number().int().min(0).max(23).default(9),
  dunningSteps: z.array(dunningStepSchema).min(1),
  writeOff: z.object({
    /** Days past due at which a write-off review opens. */
    reviewAfterDays: z.number().int().min(30).max(3650).default(180),
    /** When a review decides to keep collecting, days until the next review. */
    reReviewAfterDays: z.number().int().min(1).max(3650).default(90),
    /** Currency of the approval limits. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
    /** Who may approve a write-off, by amount, smallest limit first. */
    approvalHierarchy: z.array(writeOffApproverSchema).min(1).default([
      { role: 'ar-manager', maxAmountMinor: 500_000 },
      { role: 'controller', maxAmountMinor: 5_000_000 },
      { role: 'cfo', maxAmountMinor: null },
    ]),
    /** Keep collecting (as recoveries) after a write-off. */
    recoverAfterWriteOff: z.boolean().default(true),
    /** How long after a write-off payments are still taken as recoveries on the invoice's own record. */
    recoveryWindowDays: z.number().int().min(0).max(3650).default(365),
  }).strict().refine((writeOff) => ascendingLimits(writeOff.approvalHierarchy), {
    path: ['approvalHierarchy'], message: 'limits must rise from one approver to the next, and only the last may be unlimited (null)',
  }),
  interest: interestSchema.prefault({}),
  lateFee: lateFeeSchema.prefault({}),
  settlement: settlementSchema.prefault({}),
  paymentPlans: paymentPlansSchema.prefault({}),
  disputes: disputesSchema.prefault({}),
  contact: contactSchema.prefault({}),
  escalationApprovals: escalationApprovalsSchema.prefault({}),
  agency: agencySchema.prefault({}),
  promises: promisesSchema.prefault({}),
  chargebacks: chargebacksSchema.prefault({}),
  smallBalance: smallBalanceSchema.prefault({}),
}).strict().superRefine((policy, ctx) => {
  const seen = new Set<string>();
  policy.dunningSteps.forEach((step, index) => {
    if (seen.has(step.id)) ctx.addIssue({ code: 'custom', path: ['dunningSteps', index, 'id'], message: `duplicate step id "${step.id}"` });
    seen.add(step.id);
    if (step.offsetDays >= policy.writeOff.reviewAfterDays) {
      ctx.addIssue({ code: 'custom', path: ['dunningSteps', index, 'offsetDays'], message: `step runs on or after the write-off review (day ${policy.writeOff.reviewAfterDays})` });
    }
  });
  checkBucketsContiguous(policy.agingBuckets, ctx);
});

function ascendingLimits(approvers: { maxAmountMinor: number | null }[]): boolean {
  return approvers.every((approver, index) => {
    if (approver.maxAmountMinor === null) return index === approvers.length - 1;
    const next = approvers[index + 1];
    return !next || next.maxAmountMinor === null || next.maxAmountMinor > approver.maxAmountMinor;
  });
}

function checkBucketsContiguous(buckets: z.infer<typeof agingBucketSchema>[], ctx: z.RefinementCtx): void {
  if (buckets.length === 0) return; // already refused by min(1)
  buckets.forEach((bucket, index) => {
    if (bucket.fromDays !== null && bucket.toDays !== null && bucket.fromDays > bucket.toDays) {
      ctx.addIssue({ code: 'custom', path: ['agingBuckets', index, 'toDays'], message: `must not be before fromDays (${bucket.fromDays})` });
    }
  });
  if (buckets[0].fromDays !== null) ctx.addIssue({ code: 'custom', path: ['agingBuckets', 0, 'fromDays'], message: 'the first bucket must be open below (null)' });
  const last = buckets.length - 1;
  if (buckets[last].toDays !== null) ctx.addIssue({ code: 'custom', path: ['agingBuckets', last, 'toDays'], message: 'the last bucket must be open above (null)' });
  for (let i = 1; i < buckets.length; i++) {
    const previousEnd = buckets[i - 1].toDays;
    if (previousEnd === null || buckets[i].fromDays !== previousEnd + 1) {
      ctx.addIssue({ code: 'custom', path: ['agingBuckets', i, 'fromDays'], message: `must start the day after the previous bucket ends (${previousEnd === null ? 'open' : previousEnd + 1})` });
    }
  }
}

/** A validated policy, as stored and as snapshotted into workflows. */
export type CollectionsPolicy = z.infer<typeof collectionsPolicySchema>;
/** A policy as written by a person, before defaults are filled in. */
export type CollectionsPolicyInput = z.input<typeof collectionsPolicySchema>;

/** One failing field of a refused policy. */
export interface PolicyProblem {
  path: string;
  reason: string;
}

/** Validates a policy document, returning either the policy or every failing field path and reason. */
export function parsePolicy(document: unknown): { ok: true; policy: CollectionsPolicy } | { ok: false; problems: PolicyProblem[] } {
  const result = collectionsPolicySchema.safeParse(document);
  if (result.success) return { ok: true, policy: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', reason: issue.message })),
  };
}
