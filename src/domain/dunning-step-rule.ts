/** How the timeline and the audit export name a dunning step's rule. Free of zod: workflow code imports it. */
import type { DunningStep } from './policy/schema';

export function dunningStepRule(step: DunningStep): string {
  return `dunning step day ${step.offsetDays} "${step.id}"`;
}
