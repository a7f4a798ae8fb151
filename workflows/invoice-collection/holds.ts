/**
 * Holds on customer contact (VIP, legal, seasonal): while one is in place nothing reaches the
 * customer; the clock, the charges and the record keep running. A seasonal hold ends on its date.
 */
import type { CarriedState, HoldInput, InvoiceState, ReleaseInput } from './definitions';
import type { Effects } from './effects';
import type { Invoice } from './invoice';
import { refuse } from './refusals';

export class Holds {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects) {
    this.s = invoice.s;
  }


  /** Due check: seasonal holds whose date has come end. */
  async endDue(): Promise<void> {
    for (const hold of this.s.holds.filter((h) => h.until !== undefined && this.invoice.today() >= h.until)) await this.end(hold.holdId, `ended on ${hold.until}`);
  }

  checkHold(hold: HoldInput): void {
    if (this.s.holds.some((h) => h.holdId === hold.holdId)) return;
    this.invoice.checkOpen();
    if (hold.until !== undefined && hold.until <= this.invoice.today()) refuse('until', 'must be after today');
  }

  /** Stops customer contact; the clock, the charges and the record keep running. */
  async place(input: HoldInput): Promise<InvoiceState> {
    if (this.s.holds.some((h) => h.holdId === input.holdId)) return this.invoice.state();
    this.s.holds.push({ ...input, placedAt: new Date().toISOString() });
    this.invoice.wake();
    await this.effects.record(`hold/${input.holdId}/placed`, 'hold_placed', `${input.kind} hold ${input.holdId}: ${input.reason}${input.until ? `, until ${input.until}` : ''}`, { hold: input });
    return this.invoice.state();
  }

  checkRelease(release: ReleaseInput): void {
    // Releasing a hold that has already ended answers again, like every other repeated update.
    if (this.s.endedHoldIds?.includes(release.holdId)) return;
    if (!this.s.holds.some((h) => h.holdId === release.holdId)) refuse('holdId', `no hold ${release.holdId} is in place`);
  }

  async release(release: ReleaseInput): Promise<InvoiceState> {
    await this.end(release.holdId, `released${release.releasedBy ? ` by ${release.releasedBy}` : ''}`);
    return this.invoice.state();
  }

  private async end(holdId: string, how: string): Promise<void> {
    const hold = this.s.holds.find((h) => h.holdId === holdId);
    if (!hold) return;
    this.s.holds = this.s.holds.filter((h) => h.holdId !== holdId);
    (this.s.endedHoldIds ??= []).push(holdId);
    this.invoice.wake();
    await this.effects.record(`hold/${holdId}/ended`, 'hold_released', `${hold.kind} hold ${holdId} ${how}`, { hold });
  }
}
