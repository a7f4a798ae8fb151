/**
 * Sends dunning notices. Each notice is stored in `communications` under the key of the workflow
 * step that caused it before anything leaves, so a retry finds it and never sends a second copy.
 * With no Resend API key the notice goes to the `outbox` table instead.
 */
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { formatMoney, type Money } from '../../src/domain/money';
import { appendCollectionEvent, type CollectionEvent } from '../collection-log/collection-event';
import { staleContactReason, type InvoiceContactState } from './contact-guard';
import { throwIfCancelled, whileHeartbeating, withTimeout } from './activity-liveness';
import type { MailTransport } from './mail-transport';
import type { NoticeVariables, RenderedEmail, TemplateLibrary } from '../../src/notices/template-library';

export interface DunningNoticeInput {
  customer: { customerId: string; name: string; email?: string };
  invoice: { invoiceNumber: string; amount: Money; balance: Money; dueDate: string; daysPastDue: number; paymentLink?: string };
  template: string;
  tone: string;
  /** Interest and late fees charged on the invoice, one line each; none when absent. */
  charges?: { label: string; amount: Money }[];
  /** Send this letter instead of the dunning email `template` names. */
  letter?: LetterRequest;
  /** The timeline entry for this notice; its key is the notice's idempotency key. */
  event: CollectionEvent;
}

/** A letter to the customer: a settlement offer's terms, or word that the account went to legal or an agency. */
export type LetterRequest =
  | { name: 'settlement-offer'; settlement: { discount: string; amount: Money; deadline: string } }
  | { name: 'legal-handoff' | 'agency-handoff' };

/**
 * What happened to a notice: `suppressed` when it had become stale, `expired` when its retries left
 * the provider's idempotency window (a person then contacts the customer).
 */
export type NoticeDelivery = 'sent' | 'outbox' | 'not_sent' | 'suppressed' | 'expired';

/**
 * Resend remembers an idempotency key for 24 hours; a retry after that could deliver a second copy,
 * so a notice whose first attempt is older than this is suppressed instead.
 */
export const PROVIDER_IDEMPOTENCY_WINDOW_MS = 23 * 3_600_000;
const PROVIDER_WINDOW_PASSED = "its first attempt is older than the mail provider's 24-hour idempotency window";

/** A provider call that hangs longer than this is abandoned and retried (under the same key), so the row lock is short. */
const SEND_TIMEOUT_MS = 20_000;

export interface NoticeDependencies {
  db: Pool;
  templates: TemplateLibrary;
  /** Undefined when no Resend API key is configured: notices go to the outbox table. */
  transport?: MailTransport;
  from: string;
  companyName: string;
  collectionsPhone: string;
  /** Overrides PROVIDER_IDEMPOTENCY_WINDOW_MS (tests). */
  providerWindowMs?: number;
  /** Overrides SEND_TIMEOUT_MS (tests). */
  sendTimeoutMs?: number;
}

export function createNoticeActivities(deps: NoticeDependencies) {
  function variables(input: DunningNoticeInput): NoticeVariables {
    const row = {
      number: input.invoice.invoiceNumber,
      amount: formatMoney(input.invoice.amount),
      balance: formatMoney(input.invoice.balance),
      dueDate: input.invoice.dueDate,
      daysPastDue: input.invoice.daysPastDue,
    };
    return {
      customer: { name: input.customer.name },
      company: { name: deps.companyName, phone: deps.collectionsPhone },
      invoice: row,
      invoices: [row],
      total: row.balance,
      charges: (input.charges ?? []).map((charge) => ({ label: charge.label, amount: formatMoney(charge.amount) })),
      paymentLink: input.invoice.paymentLink ?? `mailto:${deps.from.replace(/^.*<|>$/g, '')}`,
      tone: input.tone,
    };
  }

  function renderLetter(letter: LetterRequest, notice: NoticeVariables): RenderedEmail {
    if (letter.name === 'settlement-offer') {
      const { discount, amount, deadline } = letter.settlement;
      return deps.templates.renderLetter(letter.name, { ...notice, settlement: { discount, amount: formatMoney(amount), deadline } });
    }
    return deps.templates.renderLetter(letter.name, notice);
  }

  /** Records the notice as pending before anything leaves, so a retry finds it; answers whether its first attempt left the provider's window. */
  async function store(input: DunningNoticeInput, email: RenderedEmail): Promise<{ expired: boolean }> {
    await deps.db.query(
      `INSERT INTO communications (idempotency_key, invoice_id, customer_id, channel, template, tone, recipient, subject, body_text, body_html, status)
       VALUES ($1, $2, $3, 'email', $4, $5, $6, $7, $8, $9, 'pending') ON CONFLICT (idempotency_key) DO NOTHING`,
      [input.event.idempotencyKey, input.event.invoiceId, input.customer.customerId, input.template, input.tone,
        input.customer.email ?? null, email.subject, email.text, email.html],
    );
    const first = await deps.db.query<{ expired: boolean }>(
      'SELECT created_at < now() - make_interval(secs => $2::float8 / 1000) AS expired FROM communications WHERE idempotency_key = $1',
      [input.event.idempotencyKey, deps.providerWindowMs ?? PROVIDER_IDEMPOTENCY_WINDOW_MS],
    );
    return { expired: first.rows[0]?.expired ?? false };
  }

  return {
    /**
     * Renders and delivers one notice, at most once per idempotency key. Under the invoice's row lock
     * it checks that nothing recorded since the notice was decided (a payment that closed the invoice,
     * a cancel, a hold, a pause) makes it stale; a stale notice is kept as suppressed, never delivered.
     * The lock is held through the provider call, so a payment's ledger write waits for a send in flight.
     */
    async sendDunningNotice(input: DunningNoticeInput): Promise<NoticeDelivery> {
      const key = input.event.idempotencyKey;
      const previous = await deps.db.query<{ status: string }>('SELECT status FROM communications WHERE idempotency_key = $1', [key]);
      const previousStatus = previous.rows[0]?.status;
      if (previousStatus && previousStatus !== 'pending') return previousStatus as NoticeDelivery;

      const email = input.letter ? renderLetter(input.letter, variables(input)) : deps.templates.render(input.template, variables(input));
      const { expired } = await store(input, email);
      return inTransaction(deps.db, async (client) => {
        const invoice = await client.query<InvoiceContactState>(
          'SELECT status, contact_hold, dunning_paused, state_seq FROM invoices WHERE invoice_id = $1 FOR UPDATE', [input.event.invoiceId]);
        const stale = invoice.rows[0] ? staleContactReason(invoice.rows[0], input.event.snapshot.seq, input.letter ? 'letter' : 'dunning') : null;
        if (stale) return suppress(client, input, stale, 'suppressed');
        if (expired) return suppress(client, input, PROVIDER_WINDOW_PASSED, 'expired');
        throwIfCancelled();
        const recipient = input.customer.email;
        if (!recipient) return settle(client, input, 'not_sent', `${input.event.summary}: not sent, no email address on file`);
        if (!deps.transport) return settle(client, input, 'outbox', `${input.event.summary}: written to the outbox (no Resend API key)`);
        const transport = deps.transport;
        const messageId = await whileHeartbeating(withTimeout(
          transport.send({ from: deps.from, to: recipient, subject: email.subject, text: email.text, html: email.html, tags: [{ name: 'template', value: input.template }] }, key),
          deps.sendTimeoutMs ?? SEND_TIMEOUT_MS,
        ));
        return settle(client, input, 'sent', `${input.event.summary}: sent to ${recipient}`, messageId);
      });
    },

    /** Keeps a notice the workflow stopped (stale, or cancelled in flight) as suppressed with the reason, and logs it. */
    async suppressNotice(input: { event: CollectionEvent; reason: string }): Promise<void> {
      await inTransaction(deps.db, async (client) => {
        await client.query(
          "UPDATE communications SET status = 'suppressed', suppressed_reason = $2 WHERE idempotency_key = $1 AND status = 'pending'",
          [input.event.idempotencyKey, input.reason]);
        await appendCollectionEvent(client, input.event);
      });
    },
  };

  async function settle(client: PoolClient, input: DunningNoticeInput, status: 'sent' | 'outbox' | 'not_sent', summary: string, providerMessageId?: string): Promise<NoticeDelivery> {
    await client.query(
      `UPDATE communications SET status = $2, provider_message_id = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END
       WHERE idempotency_key = $1`,
      [input.event.idempotencyKey, status, providerMessageId ?? null],
    );
    if (status === 'outbox') {
      await client.query(
        `INSERT INTO outbox (idempotency_key, recipient, sender, subject, body_text, body_html)
         SELECT idempotency_key, recipient, $2, subject, body_text, body_html FROM communications WHERE idempotency_key = $1
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [input.event.idempotencyKey, deps.from],
      );
    }
    await appendCollectionEvent(client, { ...input.event, summary, data: { ...input.event.data, delivery: status, providerMessageId } });
    return status;
  }

  async function suppress(client: PoolClient, input: DunningNoticeInput, reason: string, delivery: 'suppressed' | 'expired'): Promise<NoticeDelivery> {
    await client.query("UPDATE communications SET status = 'suppressed', suppressed_reason = $2 WHERE idempotency_key = $1", [input.event.idempotencyKey, reason]);
    const summary = `${input.event.summary}: not sent, ${reason}`;
    await appendCollectionEvent(client, { ...input.event, type: 'notice_suppressed', summary, data: { ...input.event.data, delivery, reason } });
    return delivery;
  }
}
