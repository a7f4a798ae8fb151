/**
 * A message that did not arrive (the email bounced, or the customer marked it as spam), delivered
 * again on the customer's next channel. Each invoice it spoke for is re-checked under its row lock:
 * one paid, cancelled, held or paused since drops out. With no channel left, the invoices that still
 * need it are answered for a collector's call.
 */
import type { Pool } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { chooseChannel } from '../../src/domain/contact-channels';
import { formatMoney } from '../../src/domain/money';
import { LETTER_VARIABLE_PATHS } from '../../src/notices/letter-variables';
import type { NoticeInvoiceRow, NoticeVariables } from '../../src/notices/notice-variables';
import { deliverOnChannel, type ChannelDependencies } from './channel-delivery';
import { readContactProfile } from './contact-profile';
import { staleContactReason, type InvoiceContactState } from './contact-guard';
import { reportSettledNotices, type SettledNotice } from './notice-report';

/** How a redelivery went: on which channel, or which notices now need a person to call. */
export interface RedeliveryOutcome {
  channel: string | null;
  /** Notices that still need the customer reached, when no channel can: their invoices open call tasks. */
  calls: { invoiceId: string; key: string }[];
  /** Notices dropped because their invoice no longer needs them. */
  dropped: number;
  what: string;
}

/** The key of a notice's (or a message's) redelivery. */
export const redeliveryKey = (key: string) => `${key}/redelivered`;

interface SentNotice {
  idempotency_key: string;
  invoice_id: string;
  customer_id: string;
  template: string;
  tone: string;
  subject: string;
  body_text: string;
  body_html: string;
}

type InvoiceRow = InvoiceContactState & {
  invoice_id: string; invoice_number: string; currency: string; amount_minor: string; balance_minor: string; due_date: string;
  days_past_due: number | null; payment_link: string | null;
};

export function createRedeliveryActivities(deps: Omit<ChannelDependencies, 'sendTimeoutMs'> & { sendTimeoutMs?: number }) {
  return {
    /** Delivers a message again on the customer's next usable channel, at most once (its notices' redelivery keys). */
    async redeliverMessage(input: { messageKey: string; reason: string }): Promise<RedeliveryOutcome> {
      const sent = await deps.db.query<SentNotice>(
        `SELECT idempotency_key, invoice_id, customer_id, template, tone, subject, body_text, body_html FROM communications
         WHERE (message_key = $1 OR (message_key IS NULL AND idempotency_key = $1)) AND status = 'sent' ORDER BY idempotency_key`, [input.messageKey]);
      if (sent.rows.length === 0) return { channel: null, calls: [], dropped: 0, what: 'nothing of the message was sent' };
      const done = await previousRedelivery(deps.db, sent.rows);
      if (done) return done;
      await copyForRedelivery(deps.db, sent.rows, input.messageKey);

      const settledNow: SettledNotice[] = [];
      const outcome = await inTransaction(deps.db, async (client) => {
        const invoiceIds = [...new Set(sent.rows.map((n) => n.invoice_id))].sort();
        const invoices = await client.query<InvoiceRow>(
          `SELECT invoice_id, status, contact_hold, dunning_paused, state_seq, invoice_number, currency, amount_minor, balance_minor, due_date::text, days_past_due, payment_link
           FROM invoices WHERE invoice_id = ANY($1) ORDER BY invoice_id FOR UPDATE`, [invoiceIds]);
        const live = sent.rows.filter((notice) => {
          const invoice = invoices.rows.find((row) => row.invoice_id === notice.invoice_id);
          return invoice && !staleContactReason(invoice, 0, isLetter(notice.template) ? 'letter' : 'dunning');
        });
        const dropped = sent.rows.filter((n) => !live.includes(n));
        for (const notice of dropped) {
          await client.query("UPDATE communications SET status = 'suppressed', suppressed_reason = $2 WHERE idempotency_key = $1",
            [redeliveryKey(notice.idempotency_key), NO_LONGER_NEEDED]);
          settledNow.push({ key: redeliveryKey(notice.idempotency_key), channel: 'none', outcome: 'suppressed' });
        }
        if (live.length === 0) return { channel: null, calls: [], dropped: dropped.length, what: 'not delivered again: no invoice of it still needs it' };

        const [lead] = live;
        const profile = await readContactProfile(client, lead.customer_id);
        const choice = chooseChannel(profile, isLetter(lead.template) ? 'letter' : 'reminder');
        if (!choice.channel) {
          for (const notice of live) {
            await client.query("UPDATE communications SET status = 'suppressed', suppressed_reason = $2 WHERE idempotency_key = $1", [redeliveryKey(notice.idempotency_key), choice.reason]);
            settledNow.push({ key: redeliveryKey(notice.idempotency_key), channel: 'none', outcome: choice.delivery });
          }
          return { channel: null, calls: live.map((n) => ({ invoiceId: n.invoice_id, key: n.idempotency_key })), dropped: dropped.length, what: `not delivered again: ${choice.reason}` };
        }
        const customer = await client.query<{ name: string }>('SELECT name FROM customers WHERE customer_id = $1', [lead.customer_id]);
        const delivered = await deliverOnChannel({ ...deps, sendTimeoutMs: deps.sendTimeoutMs ?? 20_000 }, client, choice, {
          messageKey: redeliveryKey(input.messageKey), noticeKeys: live.map((n) => redeliveryKey(n.idempotency_key)), customerId: lead.customer_id,
          customerName: customer.rows[0]?.name ?? lead.customer_id, template: lead.template,
          email: { subject: lead.subject, text: lead.body_text, html: lead.body_html },
          variables: variablesOf(deps, live.map((n) => invoices.rows.find((row) => row.invoice_id === n.invoice_id) as InvoiceRow), customer.rows[0]?.name ?? '', lead.tone),
        });
        for (const notice of live) {
          await client.query(
            `UPDATE communications SET status = $2, provider_message_id = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END,
               subject = $4, body_text = $5, body_html = $6, channel = $7, recipient = $8 WHERE idempotency_key = $1`,
            [redeliveryKey(notice.idempotency_key), delivered.status, delivered.providerMessageId ?? null, delivered.content.subject, delivered.content.text,
              delivered.content.html, delivered.channel, delivered.recipient]);
          settledNow.push({ key: redeliveryKey(notice.idempotency_key), channel: delivered.status === 'not_sent' ? 'none' : delivered.channel, outcome: delivered.status });
        }
        return { channel: delivered.channel, calls: [], dropped: dropped.length, what: `${input.reason}: ${delivered.what}` };
      });
      // After the commit; a retry finds the redelivery decided (previousRedelivery) and reports nothing again.
      reportSettledNotices(settledNow);
      return outcome;
    },
  };
}

const isLetter = (template: string) => template in LETTER_VARIABLE_PATHS;
const NO_LONGER_NEEDED = 'the invoice no longer needs it';

/** A redelivery already decided (a retried activity): answered as it was. */
async function previousRedelivery(db: Pool, sent: SentNotice[]): Promise<RedeliveryOutcome | null> {
  const rows = await db.query<{ status: string; channel: string; suppressed_reason: string | null; invoice_id: string; idempotency_key: string }>(
    "SELECT status, channel, suppressed_reason, invoice_id, idempotency_key FROM communications WHERE idempotency_key = ANY($1) AND status <> 'pending'",
    [sent.map((n) => redeliveryKey(n.idempotency_key))]);
  if (rows.rows.length < sent.length) return null;
  const reached = rows.rows.find((r) => r.status !== 'suppressed');
  const dropped = rows.rows.filter((r) => r.suppressed_reason === NO_LONGER_NEEDED);
  const unreachable = rows.rows.filter((r) => r.status === 'suppressed' && r.suppressed_reason !== NO_LONGER_NEEDED);
  return {
    channel: reached?.channel ?? null, dropped: dropped.length,
    calls: reached ? [] : unreachable.map((r) => ({ invoiceId: r.invoice_id, key: r.idempotency_key.replace(/\/redelivered$/, '') })),
    what: 'already delivered again',
  };
}

/** Pending copies of the message's notices under their redelivery keys, before anything leaves (a retry finds them). */
async function copyForRedelivery(db: Pool, sent: SentNotice[], messageKey: string): Promise<void> {
  for (const notice of sent) {
    await db.query(
      `INSERT INTO communications (idempotency_key, invoice_id, customer_id, channel, template, tone, recipient, subject, body_text, body_html, status, message_key, why)
       SELECT $1, invoice_id, customer_id, channel, template, tone, recipient, subject, body_text, body_html, 'pending', $3, why FROM communications WHERE idempotency_key = $2
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [redeliveryKey(notice.idempotency_key), notice.idempotency_key, redeliveryKey(messageKey)]);
  }
}

/** What an SMS needs to say about the invoices, from their rows now. */
function variablesOf(deps: { companyName: string; collectionsPhone: string; from: string }, invoices: InvoiceRow[], customerName: string, tone: string): NoticeVariables {
  const row = (invoice: InvoiceRow): NoticeInvoiceRow => ({
    number: invoice.invoice_number,
    amount: formatMoney({ amountMinor: Number(invoice.amount_minor), currency: invoice.currency }),
    balance: formatMoney({ amountMinor: Number(invoice.balance_minor), currency: invoice.currency }),
    dueDate: invoice.due_date, daysPastDue: invoice.days_past_due ?? 0,
  });
  const [lead] = invoices;
  const total = invoices.reduce((sum, invoice) => sum + Number(invoice.balance_minor), 0);
  return {
    customer: { name: customerName }, company: { name: deps.companyName, phone: deps.collectionsPhone },
    invoice: row(lead), invoices: invoices.map(row), total: formatMoney({ amountMinor: total, currency: lead.currency }), charges: [],
    paymentLink: lead.payment_link ?? `mailto:${deps.from.replace(/^.*<|>$/g, '')}`, tone,
  };
}
