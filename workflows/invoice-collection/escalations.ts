/**
 * The escalation ladder: sales, management, legal, agency. A step or a broken promise moves the
 * account up; where the policy asks for approval (a VIP, a high balance) the move waits for a
 * manager's decision. Legal and agency hand-offs tell the customer by letter.
 */
import { approvalNeeded, higherLevel } from '../../src/domain/escalation-ladder';
import type { DunningStep, EscalationLevel } from '../../src/domain/policy/schema';
import type { CarriedState, EscalationDecision, InvoiceState } from './definitions';
import type { Effects } from './effects';
import type { Invoice } from './invoice';
import type { Notices } from './notices';
import { LIFECYCLE_V2, LIFECYCLE_V3 } from './patches';
import { refuse } from './refusals';

export class Escalations {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly notices: Notices) {
    this.s = invoice.s;
  }


  /** Moves the account to `level`, or asks for approval first where the policy says so; `rule` is why (a step, a broken promise). */
  async escalate(level: EscalationLevel, key: string, cause: string, rule = cause): Promise<void> {
    const { customer, invoice } = this.invoice.input;
    const why = approvalNeeded(level, customer, this.invoice.policy);
    if (why) {
      if (this.s.pendingApprovals.some((p) => p.level === level)) return;
      this.s.pendingApprovals.push({ level, stepId: key, reason: why, requestedAt: new Date().toISOString() });
      await this.effects.openTask(`${key}/approval`, 'approval', 'management',
        `Approve escalation to ${level} for ${customer.name}, invoice #${invoice.invoiceNumber} (${cause}): ${why}`, { level, cause },
        `${rule}: escalation to ${level} needs approval (${why})`);
      return;
    }
    this.invoice.escalateTo(level);
    const which = `invoice #${invoice.invoiceNumber}`;
    if (level === 'collector') await this.effects.openTask(key, 'call', 'collector', `Call ${customer.name} about ${which} (${cause})`, { cause }, rule);
    else await this.effects.openTask(key, 'escalation', level, `Escalated to ${level}: ${which} of ${customer.name} (${cause})`, { cause }, rule);
    await this.sendHandOffLetter(level, `${key}/letter`);
    this.invoice.updateSearchAttributes();
  }

  /** A dunning step's escalation: skipped when the account is already there, or (for an agency) when the balance is too small for one. */
  async byStep(step: Extract<DunningStep, { action: 'escalate' }>): Promise<void> {
    const { agency, writeOff } = this.invoice.policy;
    const { customer, invoice } = this.invoice.input;
    const belowAgencyMinimum = step.level === 'agency' && this.s.balance.currency === writeOff.currency && this.s.balance.balanceMinor < agency.minimumBalanceMinor;
    if (belowAgencyMinimum && this.invoice.takes(LIFECYCLE_V2)) {
      this.s.earlyReviewReason = `balance ${this.invoice.formatBalance()} is below the agency minimum of ${this.invoice.format(agency.minimumBalanceMinor)}`;
      await this.effects.record(`step/${step.id}`, 'step_skipped', `agency hand-off skipped: ${this.s.earlyReviewReason}; write-off review opens instead`, { stepId: step.id });
      return;
    }
    if (higherLevel(this.s.escalation, step.level) === this.s.escalation) {
      // Already there (a broken promise re-escalated ahead of the timer): one task per level is enough.
      await this.effects.record(`step/${step.id}`, 'step_skipped', `escalation to ${step.level} skipped: the account is already at ${this.s.escalation}`, { stepId: step.id });
      return;
    }
    if (approvalNeeded(step.level, customer, this.invoice.policy) && this.invoice.takes(LIFECYCLE_V2)) {
      await this.escalate(step.level, step.id, `step ${step.id}, day ${step.offsetDays}`, escalationRule(step));
      return;
    }
    this.invoice.escalateTo(step.level);
    await this.effects.openTask(step.id, 'escalation', step.level, `Escalated to ${step.level}: invoice #${invoice.invoiceNumber} of ${customer.name}`, {}, escalationRule(step));
    await this.sendHandOffLetter(step.level, `step/${step.id}/letter`);
  }

  /** Tells the customer the account went to legal or an agency (workflows from before letters existed stay silent). */
  private async sendHandOffLetter(level: EscalationLevel, key: string): Promise<void> {
    if ((level !== 'legal' && level !== 'agency') || !this.invoice.takes(LIFECYCLE_V3)) return;
    await this.notices.sendLetter(key, { name: `${level}-handoff` }, `${level === 'legal' ? 'Legal' : 'Agency'} hand-off letter to ${this.invoice.input.customer.name}`);
  }

  checkDecision(decision: EscalationDecision): void {
    if (!this.s.pendingApprovals.some((p) => p.level === decision.level)) refuse('level', `no escalation to ${decision.level} is waiting for approval`);
  }

  async decide(decision: EscalationDecision): Promise<InvoiceState> {
    const pending = this.s.pendingApprovals.find((p) => p.level === decision.level);
    if (!pending) return this.invoice.state();
    this.s.pendingApprovals = this.s.pendingApprovals.filter((p) => p !== pending);
    const by = `${decision.decidedBy}${decision.note ? `: ${decision.note}` : ''}`;
    if (decision.approved) {
      const { customer, invoice } = this.invoice.input;
      this.invoice.escalateTo(decision.level);
      await this.effects.openTask(`${pending.stepId}/approved`, 'escalation', decision.level,
        `Escalated to ${decision.level} (approved by ${by}): invoice #${invoice.invoiceNumber} of ${customer.name}`, { approvedBy: decision.decidedBy },
        `escalation to ${decision.level} approved by ${decision.decidedBy}`);
      await this.sendHandOffLetter(decision.level, `${pending.stepId}/letter`);
      this.invoice.updateSearchAttributes();
    } else {
      await this.effects.record(`${pending.stepId}/declined`, 'escalation_declined', `Escalation to ${decision.level} declined by ${by}`, { level: decision.level });
    }
    return this.invoice.state();
  }
}

/** The rule of an escalation step, e.g. `escalation to legal at 90 days`. */
function escalationRule(step: Extract<DunningStep, { action: 'escalate' }>): string {
  return `escalation to ${step.level} at ${step.offsetDays} days`;
}
