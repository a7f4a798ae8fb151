/**
 * What reaches the customer when contact resumes after a hold or a pause: the most severe notice
 * they missed, once, and never a hand-off letter before the final notice.
 */
import type { DunningStep } from './policy/schema';

export type EmailStep = Extract<DunningStep, { action: 'email' }>;

const isEmail = (step: DunningStep): step is EmailStep => step.action === 'email';

/** The notice that says the most: a final notice, else the latest reminder. */
export function mostSevereNotice(steps: readonly DunningStep[]): EmailStep | undefined {
  const emails = steps.filter(isEmail);
  return emails.filter((step) => step.finalNotice).at(-1) ?? emails.at(-1);
}

/**
 * Steps that came due together while dunning waited: the most severe notice is sent, then the latest
 * internal step (a call task or an escalation) is performed; the rest are recorded as skipped.
 */
export function catchUp(due: readonly DunningStep[]): { notice?: EmailStep; internal?: DunningStep; skipped: DunningStep[] } {
  const notice = mostSevereNotice(due);
  const internal = due.filter((step) => !isEmail(step)).at(-1);
  return { notice, internal, skipped: due.filter((step) => step !== notice && step !== internal) };
}

/**
 * Whether the final notice went out, for invoices whose state predates the flag: a final-notice step
 * that is neither still ahead nor skipped was performed.
 */
export function finalNoticePerformed(plan: readonly DunningStep[], upcomingIds: readonly string[], skippedIds: readonly string[]): boolean {
  return plan.some((step) => isEmail(step) && step.finalNotice && !upcomingIds.includes(step.id) && !skippedIds.includes(step.id));
}

/** The final notice of a plan, if it has one. */
export function finalNoticeOf(plan: readonly DunningStep[]): EmailStep | undefined {
  return plan.filter(isEmail).find((step) => step.finalNotice);
}
