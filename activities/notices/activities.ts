/**
 * Sends dunning notices. Each notice is stored in `communications` under the key of the workflow
 * step that caused it before anything leaves, so a retry finds it and never sends a second copy.
 * With no Resend API key the notice goes to the `outbox` table instead.
 */
import type { Pool } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { formatMoney, type Money } from '../../src/domain/money';
import { appendCollectionEvent, type CollectionEvent } from '../collection-log/collection-event';
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

/** What happened to a notice. */
export type NoticeDelivery = 'sent' | 'outbox' | 'not_sent';

export interface NoticeDependencies {
  db: Pool;
  templates: TemplateLibrary;
  /** Undefined when no Resend API key is configured: notices go to the outbox table. */
  transport?: MailTransport;
  from: string;
  companyName: string;
  collectionsPhone: string;
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

  /** Records the notice as pending before anything leaves, so a retry finds it. */
  async function store(input: DunningNoticeInput, email: RenderedEmail): Promise<void> {
    await deps.db.query(
      `INSERT INTO communications (idempotency_key, invoice_id, customer_id, channel, template, tone, recipient, subject, body_text, body_html, status)
       VALUES ($1, $2, $3, 'email', $4, $5, $6, $7, $8, $9, 'pending') ON CONFLICT (idempotency_key) DO NOTHING`,
      [input.event.idempotencyKey, input.event.invoiceId, input.customer.customerId, input.template, input.tone,
        input.customer.email ?? null, email.subject, email.text, email.html],
    );
  }

  async function settle(input: DunningNoticeInput, status: NoticeDelivery, summary: string, providerMessageId?: string): Promise<void> {
    await inTransaction(deps.db, async (client) => {
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
    });
  }

  return {
    /** Renders and delivers one notice, at most once per idempotency key. */
    async sendDunningNotice(input: DunningNoticeInput): Promise<NoticeDelivery> {
      const key = input.event.idempotencyKey;
      const previous = await deps.db.query<{ status: string }>('SELECT status FROM communications WHERE idempotency_key = $1', [key]);
      const previousStatus = previous.rows[0]?.status;
      if (previousStatus && previousStatus !== 'pending') return previousStatus as NoticeDelivery;

      const email = input.letter ? renderLetter(input.letter, variables(input)) : deps.templates.render(input.template, variables(input));
      const recipient = input.customer.email;
      await store(input, email);
      if (!recipient) {
        await settle(input, 'not_sent', `${input.event.summary}: not sent, no email address on file`);
        return 'not_sent';
      }
      if (!deps.transport) {
        await settle(input, 'outbox', `${input.event.summary}: written to the outbox (no Resend API key)`);
        return 'outbox';
      }
      const messageId = await deps.transport.send(
        { from: deps.from, to: recipient, subject: email.subject, text: email.text, html: email.html, tags: [{ name: 'template', value: input.template }] },
        key,
      );
      await settle(input, 'sent', `${input.event.summary}: sent to ${recipient}`, messageId);
      return 'sent';
    },
  };
}
