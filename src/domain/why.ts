/**
 * Why the engine contacted a customer or opened a task: the policy version and the rule it followed,
 * and the figures it decided on. Built by the workflows, carried in the timeline event's data (so the
 * workflow history holds it as activity input) and stored with the communication or task row.
 */
import { z } from 'zod';

/** The figures a decision used; every decision has these, a rule may add its own (a promise, a dispute …). */
export const whyInputsSchema = z.object({
  balanceMinor: z.number().int(),
  currency: z.string(),
  daysPastDue: z.number().int(),
  interestMinor: z.number().int(),
  lateFeeMinor: z.number().int(),
}).catchall(z.unknown());

/** The one declaration of `why`. */
export const whySchema = z.object({
  policyId: z.string(),
  policyVersion: z.number().int(),
  /** The step or rule, in words: `dunning step day 30 "final-notice"`, `escalation to legal at 90 days`, `promise broken`. */
  rule: z.string(),
  inputs: whyInputsSchema,
});

/** Why something was done: policy id and version, rule, inputs. */
export type Why = z.infer<typeof whySchema>;

/** The `why` an event's data carries, if it carries a well-formed one (events written before it existed do not). */
export function whyOf(data: Record<string, unknown> | undefined): Why | null {
  const parsed = whySchema.safeParse(data?.why);
  return parsed.success ? parsed.data : null;
}
