/**
 * Disputes on part or all of the invoice: routed to the owning department as a task with an SLA in
 * business days; dunning continues on the undisputed part; resolved for the customer with a credit
 * memo or for the company, when dunning resumes on the full amount. A missed SLA escalates.
 */
import { addBusinessDays } from '../../src/domain/business-days';
import { addDays } from '../../src/domain/calendar';
import { applyCreditMemo } from '../../src/domain/invoice-balance';
import type { Charges } from './charges';
import type { CarriedState, DisputeInput, DisputeResolution, InvoiceState } from './definitions';
import { activities, type Effects } from './effects';
import type { Invoice } from './invoice';
import { DISPUTE_SLA_RECHECK } from './patches';
import { refuse } from './refusals';

export class Disputes {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly charges: Charges) {
    this.s = invoice.s;
  }


  /** Due check: an open dispute past its SLA is marked breached and escalated to management. */
  async escalateBreachedSlas(): Promise<void> {
    const breached = this.s.disputes.filter((d) => d.status === 'open' && !d.slaBreached && Date.now() >= this.invoice.dateInstant(addDays(d.slaDue, 1)));
    // A resolution may land while an earlier breach is saved: a resolved dispute is neither breached nor escalated.
    const recheck = breached.length > 0 && this.invoice.takes(DISPUTE_SLA_RECHECK);
    for (const dispute of breached) {
      if (recheck && dispute.status !== 'open') continue;
      dispute.slaBreached = true;
      await this.save(dispute.disputeId, 'sla-breached', 'dispute_sla_breached', `Dispute ${dispute.disputeId} not resolved by ${dispute.slaDue}: SLA breached, escalated to management`);
      if (recheck && dispute.status !== 'open') continue;
      await this.effects.openTask(`dispute/${dispute.disputeId}/sla-breached`, 'escalation', 'management',
        `Dispute ${dispute.disputeId} (${dispute.category}) on invoice #${this.invoice.input.invoice.invoiceNumber} is past its SLA (${dispute.slaDue}); ${dispute.department} has not resolved it`,
        { dispute }, `dispute SLA of ${this.invoice.policy.disputes.slaBusinessDays} business days breached`);
    }
  }

  checkDispute(dispute: DisputeInput): void {
    if (this.s.disputes.some((d) => d.disputeId === dispute.disputeId)) return;
    this.invoice.checkOpen();
    const { categories } = this.invoice.policy.disputes;
    if (!categories.includes(dispute.category)) refuse('category', `must be one of the policy's dispute categories: ${categories.join(', ')}`);
    const collectible = this.invoice.collectibleMinor();
    if (dispute.amount) {
      this.invoice.checkAmount('amount', dispute.amount);
      if (dispute.amount.amountMinor > collectible) refuse('amount.amountMinor', `must not exceed the undisputed balance of ${this.invoice.format(collectible)}`);
    } else if (collectible === 0) {
      refuse('amount', 'nothing undisputed is left to dispute');
    }
  }

  /** Opens a dispute: routed to its department as a task with an SLA; dunning continues on the undisputed part. */
  async open(input: DisputeInput): Promise<InvoiceState> {
    if (this.s.disputes.some((d) => d.disputeId === input.disputeId)) return this.invoice.state();
    const { policy } = this.invoice;
    const { routing, slaBusinessDays } = policy.disputes;
    const department = routing[input.category] ?? 'billing';
    const slaDue = addBusinessDays(this.invoice.today(), slaBusinessDays, policy.contact.quietWeekdays, policy.contact.holidays);
    const dispute = {
      disputeId: input.disputeId, category: input.category, amountMinor: input.amount?.amountMinor ?? this.invoice.collectibleMinor(),
      reason: input.reason, department, openedAt: new Date().toISOString(), slaDue, slaBreached: false, status: 'open' as const,
    };
    this.s.disputes.push(dispute);
    this.invoice.wake();
    const summary = `Dispute ${dispute.disputeId} (${dispute.category}) on ${this.invoice.format(dispute.amountMinor)}: routed to ${department}, due ${slaDue}; ${this.invoice.format(this.invoice.collectibleMinor())} still collected`;
    await this.save(dispute.disputeId, 'opened', 'dispute_opened', summary);
    await this.effects.openTask(`dispute/${dispute.disputeId}/routed`, 'dispute', department,
      `Resolve ${dispute.category} dispute ${dispute.disputeId} on invoice #${this.invoice.input.invoice.invoiceNumber} (${this.invoice.format(dispute.amountMinor)}) by ${slaDue}`,
      { dispute }, `dispute routing: ${dispute.category} to ${department}`);
    return this.invoice.state();
  }

  checkResolution(resolution: DisputeResolution): void {
    const dispute = this.s.disputes.find((d) => d.disputeId === resolution.disputeId);
    if (!dispute) refuse('disputeId', `no dispute ${resolution.disputeId} on this invoice`);
    if (dispute.status !== 'open') return;
    if (resolution.creditMemo) {
      if (resolution.inFavourOf !== 'customer') refuse('creditMemo', 'only a resolution in the customer\'s favour issues a credit memo');
      this.invoice.checkAmount('creditMemo', resolution.creditMemo);
      if (resolution.creditMemo.amountMinor > dispute.amountMinor) refuse('creditMemo.amountMinor', `must not exceed the disputed ${this.invoice.format(dispute.amountMinor)}`);
    }
  }

  /** In the customer's favour a credit memo reduces the balance; against them dunning resumes on the full amount. */
  async resolve(resolution: DisputeResolution): Promise<InvoiceState> {
    const dispute = this.s.disputes.find((d) => d.disputeId === resolution.disputeId);
    if (!dispute || dispute.status !== 'open') return this.invoice.state();
    const byWhom = `${resolution.resolvedBy}${resolution.note ? `: ${resolution.note}` : ''}`;
    if (resolution.inFavourOf === 'customer') {
      await this.charges.postInterest();
      const { balance, creditedMinor } = applyCreditMemo(this.s.balance, resolution.creditMemo?.amountMinor ?? dispute.amountMinor);
      this.s.balance = balance;
      dispute.status = 'resolved_for_customer';
      dispute.creditMemoMinor = creditedMinor;
      if (balance.balanceMinor === 0 && !this.invoice.closed) this.invoice.closeAs('paid');
      await this.save(dispute.disputeId, 'resolved', 'dispute_resolved', `Dispute ${dispute.disputeId} resolved for the customer by ${byWhom}`);
      await this.effects.postLedger(`dispute/${dispute.disputeId}/credit-memo`, 'credit_memo', -creditedMinor,
        `Credit memo of ${this.invoice.format(creditedMinor)} for dispute ${dispute.disputeId}: balance ${this.invoice.formatBalance()}`, { disputeId: dispute.disputeId });
    } else {
      dispute.status = 'resolved_for_company';
      await this.save(dispute.disputeId, 'resolved', 'dispute_resolved',
        `Dispute ${dispute.disputeId} resolved against the customer by ${byWhom}: dunning resumes on ${this.invoice.formatBalance()}`);
    }
    this.invoice.wake();
    this.invoice.updateSearchAttributes();
    return this.invoice.state();
  }

  private async save(disputeId: string, change: string, type: string, summary: string): Promise<void> {
    const dispute = this.s.disputes.find((d) => d.disputeId === disputeId);
    if (!dispute) return;
    const event = this.invoice.event(`dispute/${disputeId}/${change}`, type, summary, { dispute });
    await activities.saveDispute.executeWithOptions({ summary }, [{ ...dispute, currency: this.s.balance.currency, event }]);
  }
}
