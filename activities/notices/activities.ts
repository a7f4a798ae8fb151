/**
 * Sends dunning notices. Each notice is stored in `communications` under the key of the workflow
 * step that caused it before anything leaves, so a retry finds it and never sends a second copy.
 * With no Resend API key the notice goes to the `outbox` table instead.
 */
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../../src/db/pool';
import { formatMoney, type Money } from '../../src/domain/money';
import { whyOf } from '../../src/domain/why';
import { appendCollectionEvent, type CollectionEvent } from '../collection-log/collection-event';
import { staleContactReason, type InvoiceContactState } from './contact-guard';
import { throwIfCancelled } from './activity-liveness';
import type { MailTransport } from './mail-transport';
import type { SmsTransport } from './sms-transport';
import { deliverOnChannel, type ChannelDelivery } from './channel-delivery';
import { reportSettledNotices, type SettledNotice } from './notice-report';
import { readContactProfile } from './contact-profile';
import { chooseChannel } from '../../src/domain/contact-channels';
import type { NoticeVariables, RenderedEmail, TemplateLibrary } from '../../src/notices/template-library';
import type { NoticeInvoiceRow } from '../../src/notices/notice-variables';

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
  | { name: 'legal-handoff' | 'agency-handoff' }
  | { name: 'payment-plan-agreement'; plan: PlanAgreement };

/** A payment plan's agreement letter: every invoice it covers, its schedule and total (a plan may cover several invoices). */
export interface PlanAgreement {
  total: Money;
  agreementDate: string;
  installments: { number: number; amount: Money; dueDate: string }[];
  invoices: Pick<DunningNoticeInput['invoice'], 'invoiceNumber' | 'amount' | 'balance' | 'dueDate' | 'daysPastDue'>[];
}

/**
 * What happened to a notice: `suppressed` when it had become stale, `expired` when its retries left
 * the provider's idempotency window, `withheld` when the customer asked not to be emailed (a person
 * then contacts the customer in both cases).
 */
export type NoticeDelivery = 'sent' | 'outbox' | 'not_sent' | 'suppressed' | 'expired' | 'withheld';

/** One message to a customer, for one or several invoices; `messageKey` is the provider's idempotency key. */
export interface CustomerMessageInput {
  messageKey: string;
  purpose: 'dunning' | 'letter' | 'plan';
  /** The notices it speaks for, the most severe first: its template and tone are the message's. */
  notices: DunningNoticeInput[];
}

/** How each notice of a message ended, by its idempotency key. */
export interface NoticeOutcome {
  key: string;
  delivery: NoticeDelivery;
  reason?: string;
}

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
  /** Undefined when no SMS provider is configured: texts go to the outbox table. */
  sms?: SmsTransport;
  from: string;
  companyName: string;
  collectionsPhone: string;
  /** Overrides PROVIDER_IDEMPOTENCY_WINDOW_MS (tests). */
  providerWindowMs?: number;
  /** Overrides SEND_TIMEOUT_MS (tests). */
  sendTimeoutMs?: number;
}

export function createNoticeActivities(deps: NoticeDependencies) {
  function row(input: DunningNoticeInput): NoticeInvoiceRow {
    return {
      number: input.invoice.invoiceNumber,
      amount: formatMoney(input.invoice.amount),
      balance: formatMoney(input.invoice.balance),
      dueDate: input.invoice.dueDate,
      daysPastDue: input.invoice.daysPastDue,
    };
  }

  /** What the templates see: the lead notice's invoice, every invoice of the message, their total. */
  function variables(notices: DunningNoticeInput[]): NoticeVariables {
    const [lead] = notices;
    const several = notices.length > 1;
    const total = notices.reduce((sum, n) => sum + n.invoice.balance.amountMinor, 0);
    return {
      customer: { name: lead.customer.name },
      company: { name: deps.companyName, phone: deps.collectionsPhone },
      invoice: row(lead),
      invoices: notices.map(row),
      total: formatMoney({ amountMinor: total, currency: lead.invoice.balance.currency }),
      charges: notices.flatMap((n) => (n.charges ?? []).map((charge) => ({
        label: several ? `${charge.label}, invoice #${n.invoice.invoiceNumber}` : charge.label, amount: formatMoney(charge.amount),
      }))),
      paymentLink: lead.invoice.paymentLink ?? `mailto:${deps.from.replace(/^.*<|>$/g, '')}`,
      tone: lead.tone,
    };
  }

  function render(notices: DunningNoticeInput[]): RenderedEmail {
    const [lead] = notices;
    if (!lead.letter) return deps.templates.render(lead.template, variables(notices));
    const notice = variables([lead]);
    if (lead.letter.name === 'settlement-offer') {
      const { discount, amount, deadline } = lead.letter.settlement;
      return deps.templates.renderLetter(lead.letter.name, { ...notice, settlement: { discount, amount: formatMoney(amount), deadline } });
    }
    if (lead.letter.name === 'payment-plan-agreement') {
      const { plan } = lead.letter;
      const invoices = plan.invoices.map((invoice) => row({ ...lead, invoice }));
      return deps.templates.renderLetter(lead.letter.name, {
        ...notice, invoices, total: formatMoney(plan.total),
        plan: { total: formatMoney(plan.total), agreementDate: plan.agreementDate, installments: plan.installments.map((i) => ({ number: i.number, amount: formatMoney(i.amount), dueDate: i.dueDate })) },
      });
    }
    return deps.templates.renderLetter(lead.letter.name, notice);
  }

  /** Records each notice as pending before anything leaves, so a retry finds it; answers whether the message's first attempt left the provider's window. */
  async function store(message: CustomerMessageInput, email: RenderedEmail): Promise<{ expired: boolean }> {
    for (const input of message.notices) {
      await deps.db.query(
        `INSERT INTO communications (idempotency_key, invoice_id, customer_id, channel, template, tone, recipient, subject, body_text, body_html, status, message_key, why)
         VALUES ($1, $2, $3, 'email', $4, $5, $6, $7, $8, $9, 'pending', $10, $11) ON CONFLICT (idempotency_key) DO NOTHING`,
        [input.event.idempotencyKey, input.event.invoiceId, input.customer.customerId, input.template, input.tone,
          input.customer.email ?? null, email.subject, email.text, email.html, message.messageKey, whyJson(input.event)],
      );
    }
    const first = await deps.db.query<{ expired: boolean }>(
      'SELECT min(created_at) < now() - make_interval(secs => $2::float8 / 1000) AS expired FROM communications WHERE idempotency_key = ANY($1)',
      [message.notices.map((n) => n.event.idempotencyKey), deps.providerWindowMs ?? PROVIDER_IDEMPOTENCY_WINDOW_MS],
    );
    return { expired: first.rows[0]?.expired ?? false };
  }

  /**
   * Renders and delivers one message for one or several notices, at most once per key. Under the
   * rows locks of its invoices it checks each notice: one that something recorded since its decision
   * made stale (a payment that closed the invoice, a cancel, a hold, a pause) drops out and is kept
   * as suppressed; a message left with no notice is not sent. The locks are held through the
   * provider call, so a payment's ledger write waits for a send in flight.
   */
  async function sendMessage(message: CustomerMessageInput): Promise<NoticeOutcome[]> {
    const keys = message.notices.map((n) => n.event.idempotencyKey);
    const previous = await deps.db.query<{ idempotency_key: string; status: string; suppressed_reason: string | null }>(
      'SELECT idempotency_key, status, suppressed_reason FROM communications WHERE idempotency_key = ANY($1)', [keys]);
    const settled = new Map(previous.rows.filter((r) => r.status !== 'pending')
      .map((r) => [r.idempotency_key, { key: r.idempotency_key, delivery: r.status as NoticeDelivery, ...(r.suppressed_reason ? { reason: r.suppressed_reason } : {}) }]));
    if (settled.size === keys.length) return keys.map((key) => settled.get(key) as NoticeOutcome);

    const { expired } = await store(message, render(message.notices));
    const settledNow: SettledNotice[] = [];
    const answer = await inTransaction(deps.db, async (client) => {
      const invoiceIds = [...new Set(message.notices.map((n) => n.event.invoiceId))].sort();
      const rows = await client.query<InvoiceContactState & { invoice_id: string }>(
        'SELECT invoice_id, status, contact_hold, dunning_paused, state_seq FROM invoices WHERE invoice_id = ANY($1) ORDER BY invoice_id FOR UPDATE', [invoiceIds]);
      const profile = await readContactProfile(client, message.notices[0].customer.customerId, message.notices[0].customer.email);
      const outcomes = new Map<string, NoticeOutcome>(settled);
      const live: DunningNoticeInput[] = [];
      for (const notice of message.notices) {
        const key = notice.event.idempotencyKey;
        if (outcomes.has(key)) continue;
        const invoice = rows.rows.find((r) => r.invoice_id === notice.event.invoiceId);
        // Only a dunning notice waits out a pause (a promise, an offer, a plan); letters and a plan's own messages do not.
        const purpose = message.purpose === 'dunning' && !notice.letter ? 'dunning' : 'letter';
        const stale = invoice ? staleContactReason(invoice, notice.event.snapshot.seq, purpose) : null;
        if (stale) outcomes.set(key, await suppress(client, notice, stale, 'suppressed', 'none', settledNow));
        else live.push(notice);
      }
      const finish = () => keys.map((key) => outcomes.get(key) as NoticeOutcome);
      if (live.length === 0) return finish();
      const [lead] = live;
      const choice = chooseChannel(profile, lead.letter ? 'letter' : 'reminder');
      const why = expired ? { text: PROVIDER_WINDOW_PASSED, delivery: 'expired' as const }
        : choice.channel === null && choice.delivery === 'withheld' ? { text: choice.reason, delivery: 'withheld' as const } : null;
      if (why) {
        for (const notice of live) outcomes.set(notice.event.idempotencyKey, await suppress(client, notice, why.text, why.delivery, choice.channel ?? 'none', settledNow));
        return finish();
      }
      throwIfCancelled();
      const email = render(live);
      const summaryOf = (notice: DunningNoticeInput, what: string) => `${notice.event.summary}: ${what}${live.length > 1 ? ` (one message for ${live.length} invoices)` : ''}`;
      const delivered = await deliverOnChannel({ ...deps, sendTimeoutMs: deps.sendTimeoutMs ?? SEND_TIMEOUT_MS }, client, choice, {
        messageKey: message.messageKey, noticeKeys: live.map((n) => n.event.idempotencyKey), customerId: lead.customer.customerId, customerName: lead.customer.name,
        template: lead.template, email, variables: variables(live),
      });
      for (const notice of live) outcomes.set(notice.event.idempotencyKey, { key: notice.event.idempotencyKey, delivery: await settle(client, notice, delivered, summaryOf(notice, delivered.what), settledNow) });
      return finish();
    });
    reportSettledNotices(settledNow);
    return answer;
  }

  return {
    /** One notice about one invoice, its own message (the invoice workflow's path before customer outreach). */
    async sendDunningNotice(input: DunningNoticeInput): Promise<NoticeDelivery> {
      const [outcome] = await sendMessage({ messageKey: input.event.idempotencyKey, purpose: input.letter ? 'letter' : 'dunning', notices: [input] });
      return outcome.delivery;
    },

    /** One message for every notice a customer's outreach merged (see sendMessage). */
    async sendCustomerMessage(message: CustomerMessageInput): Promise<NoticeOutcome[]> {
      return sendMessage(message);
    },

    /** Keeps a notice the workflow stopped (stale, or cancelled in flight) as suppressed with the reason, and logs it. */
    async suppressNotice(input: { event: CollectionEvent; reason: string }): Promise<void> {
      const recorded = await inTransaction(deps.db, async (client) => {
        await client.query(
          "UPDATE communications SET status = 'suppressed', suppressed_reason = $2 WHERE idempotency_key = $1 AND status = 'pending'",
          [input.event.idempotencyKey, input.reason]);
        return appendCollectionEvent(client, input.event);
      });
      if (recorded) reportSettledNotices([{ key: input.event.idempotencyKey, channel: 'none', outcome: 'suppressed' }]);
    },
  };

  async function settle(client: PoolClient, input: DunningNoticeInput, delivered: ChannelDelivery, summary: string, settledNow: SettledNotice[]): Promise<NoticeDelivery> {
    const { status, providerMessageId, content, channel, recipient } = delivered;
    await client.query(
      `UPDATE communications SET status = $2, provider_message_id = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END,
         subject = $4, body_text = $5, body_html = $6, channel = $7, recipient = $8
       WHERE idempotency_key = $1`,
      [input.event.idempotencyKey, status, providerMessageId ?? null, content.subject, content.text, content.html, channel, recipient],
    );
    if (await appendCollectionEvent(client, { ...input.event, summary, data: { ...input.event.data, delivery: status, channel, providerMessageId } })) {
      settledNow.push({ key: input.event.idempotencyKey, channel: status === 'not_sent' ? 'none' : channel, outcome: status });
    }
    return status;
  }

  async function suppress(client: PoolClient, input: DunningNoticeInput, reason: string, delivery: 'suppressed' | 'expired' | 'withheld',
    channel: string, settledNow: SettledNotice[]): Promise<NoticeOutcome> {
    await client.query("UPDATE communications SET status = 'suppressed', suppressed_reason = $2 WHERE idempotency_key = $1", [input.event.idempotencyKey, reason]);
    const summary = `${input.event.summary}: not sent, ${reason}`;
    if (await appendCollectionEvent(client, { ...input.event, type: 'notice_suppressed', summary, data: { ...input.event.data, delivery, reason } })) {
      settledNow.push({ key: input.event.idempotencyKey, channel, outcome: delivery });
    }
    return { key: input.event.idempotencyKey, delivery, reason };
  }
}

/** The notice's `why` (carried in its timeline event's data) as the communications row stores it; null when it has none. */
function whyJson(event: CollectionEvent): string | null {
  const why = whyOf(event.data);
  return why ? JSON.stringify(why) : null;
}
