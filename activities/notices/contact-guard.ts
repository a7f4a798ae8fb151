/**
 * The side effect's half of the contact rule: once a payment that closes the invoice, a cancel, a
 * hold or a whole-balance dispute is recorded, no customer contact decided before it is delivered.
 * (The workflow's half is in workflows/invoice-collection/customer-contact.ts.)
 */

/** The invoice's read-model row as the notice sees it under its lock. */
export interface InvoiceContactState {
  status: string;
  contact_hold: string | null;
  dunning_paused: string | null;
  /** The sequence of the last workflow snapshot the row holds. */
  state_seq: number;
}

const CLOSED = new Set(['paid', 'settled', 'written_off', 'cancelled']);

/**
 * Why a notice decided at snapshot `decidedAtSeq` must not leave now, if it must not. Only what was
 * recorded after the decision counts: a row that lags behind it (a hold's release still being
 * written) is older than what the workflow knew when it decided. A dunning notice also waits while
 * dunning is paused (a promise, a settlement offer); a letter (a settlement's terms, a hand-off) does not.
 */
export function staleContactReason(invoice: InvoiceContactState, decidedAtSeq: number, purpose: 'dunning' | 'letter'): string | null {
  if (invoice.state_seq < decidedAtSeq) return null;
  if (CLOSED.has(invoice.status)) return `the invoice is ${invoice.status.replace('_', ' ')}`;
  if (invoice.contact_hold) return `contact is held (${invoice.contact_hold})`;
  if (purpose === 'dunning' && invoice.dunning_paused) return `dunning is paused (${invoice.dunning_paused})`;
  return null;
}
