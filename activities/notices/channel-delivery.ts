/**
 * Delivers one rendered message on the channel chosen for it: email through Resend (deduplicated by
 * the message key), SMS through Twilio (at most once: an attempt that did not confirm is never
 * repeated), or a printable letter queued for the post. Without a provider configured, email and
 * SMS go to the outbox table, so nothing is lost.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import type { ChannelChoice, ContactChannel } from '../../src/domain/contact-channels';
import { renderLetterPdf } from '../../src/notices/letter-document';
import type { NoticeVariables } from '../../src/notices/notice-variables';
import { smsText } from '../../src/notices/sms-text';
import type { RenderedEmail } from '../../src/notices/template-library';
import { whileHeartbeating, withTimeout } from './activity-liveness';
import type { MailTransport } from './mail-transport';
import type { SmsTransport } from './sms-transport';

export interface ChannelDependencies {
  db: Pool;
  transport?: MailTransport;
  sms?: SmsTransport;
  from: string;
  companyName: string;
  collectionsPhone: string;
  sendTimeoutMs: number;
}

/** The message as it was delivered, for its communications rows and the timeline. */
export interface ChannelDelivery {
  status: 'sent' | 'outbox' | 'not_sent';
  channel: ContactChannel;
  recipient: string | null;
  providerMessageId?: string;
  /** What happened, in words for the timeline: "sent to …", "texted to …". */
  what: string;
  /** What the customer reads on this channel. */
  content: RenderedEmail;
}

/** One message: its key, the keys of the notices it speaks for, its template and what it says. */
export interface ChannelMessage {
  messageKey: string;
  noticeKeys: string[];
  customerId: string;
  customerName: string;
  template: string;
  email: RenderedEmail;
  variables: NoticeVariables;
}

/** Delivers the message on the chosen channel; `not_sent` when nothing on file can reach the customer. */
export async function deliverOnChannel(deps: ChannelDependencies, client: PoolClient, choice: ChannelChoice, message: ChannelMessage): Promise<ChannelDelivery> {
  if (!choice.channel) return { status: 'not_sent', channel: 'email', recipient: null, what: `not sent, ${choice.reason}`, content: message.email };
  const { address, name } = choice.contact;
  switch (choice.channel) {
    case 'email':
      return deliverEmail(deps, client, address, message);
    case 'sms':
      return deliverSms(deps, client, address, message);
    case 'letter':
      return queueLetter(deps, client, { name: name ?? message.customerName, address }, message);
  }
}

async function deliverEmail(deps: ChannelDependencies, client: PoolClient, to: string, message: ChannelMessage): Promise<ChannelDelivery> {
  const { email } = message;
  const base = { channel: 'email' as const, recipient: to, content: email };
  if (!deps.transport) {
    await toOutbox(deps, client, message, to, email);
    return { ...base, status: 'outbox', what: 'written to the outbox (no Resend API key)' };
  }
  const transport = deps.transport;
  const providerMessageId = await whileHeartbeating(withTimeout(
    transport.send({ from: deps.from, to, subject: email.subject, text: email.text, html: email.html, tags: [{ name: 'template', value: message.template }] }, message.messageKey),
    deps.sendTimeoutMs,
  ));
  return { ...base, status: 'sent', providerMessageId, what: `sent to ${to}` };
}

async function deliverSms(deps: ChannelDependencies, client: PoolClient, to: string, message: ChannelMessage): Promise<ChannelDelivery> {
  const body = smsText(message.email.subject, message.variables);
  const base = { channel: 'sms' as const, recipient: to, content: { subject: message.email.subject, text: body, html: '' } };
  if (!deps.sms) {
    await toOutbox(deps, client, message, to, base.content);
    return { ...base, status: 'outbox', what: 'written to the outbox (no SMS provider configured)' };
  }
  // Recorded outside the send's transaction, so it survives a crash after the provider accepted the text.
  const earlier = await deps.db.query(
    "UPDATE communications SET attempted_at = now() WHERE idempotency_key = ANY($1) AND attempted_at IS NULL RETURNING idempotency_key", [message.noticeKeys]);
  if (earlier.rowCount === 0) return { ...base, status: 'sent', what: `texted to ${to} by an earlier attempt that did not confirm (not sent again)` };
  const sms = deps.sms;
  try {
    const providerMessageId = await whileHeartbeating(withTimeout(sms.send({ to, body }), deps.sendTimeoutMs));
    return { ...base, status: 'sent', providerMessageId, what: `texted to ${to}` };
  } catch (error) {
    if (!(error instanceof ApplicationFailure)) throw error; // no answer: the text may have left, so it is not sent again
    // The provider answered (refused or failed): nothing was sent, so a retry may send.
    await deps.db.query('UPDATE communications SET attempted_at = NULL WHERE idempotency_key = ANY($1)', [message.noticeKeys]);
    if (error.type !== 'SmsRejected') throw error;
    // The number itself is refused (invalid, or the customer replied STOP): the next attempt takes the next channel.
    await deps.db.query(
      "UPDATE customer_contacts SET unusable_reason = $3, updated_at = now() WHERE customer_id = $1 AND channel = 'sms' AND address = $2",
      [message.customerId, to, error.message]);
    throw ApplicationFailure.retryable(`${error.message}; the next attempt takes the customer's next channel`, 'ChannelUnusable');
  }
}

async function queueLetter(deps: ChannelDependencies, client: PoolClient, to: { name: string; address: string }, message: ChannelMessage): Promise<ChannelDelivery> {
  const pdf = await renderLetterPdf({
    companyName: deps.companyName, collectionsPhone: deps.collectionsPhone, date: new Date().toISOString().slice(0, 10),
    recipientName: to.name, postalAddress: to.address, subject: message.email.subject, body: message.email.text,
  });
  await client.query(
    `INSERT INTO letters (message_key, customer_id, recipient_name, postal_address, subject, pdf)
     SELECT $1, customer_id, $2, $3, $4, $5 FROM communications WHERE idempotency_key = $6 ON CONFLICT (message_key) DO NOTHING`,
    [message.messageKey, to.name, to.address, message.email.subject, pdf, message.noticeKeys[0]]);
  const letter = await client.query<{ letter_id: string }>('SELECT letter_id FROM letters WHERE message_key = $1', [message.messageKey]);
  const firstLine = to.address.split('\n')[0];
  return {
    channel: 'letter', recipient: `${to.name}, ${to.address.replace(/\n/g, ', ')}`, content: message.email, status: 'sent',
    what: `queued for printing as letter ${letter.rows[0]?.letter_id} to ${to.name}, ${firstLine}`,
  };
}

/** One outbox row per message, under the key of the notice it leads with. */
async function toOutbox(deps: ChannelDependencies, client: PoolClient, message: ChannelMessage, to: string, content: RenderedEmail): Promise<void> {
  await client.query(
    `INSERT INTO outbox (idempotency_key, recipient, sender, subject, body_text, body_html) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [message.noticeKeys[0], to, deps.from, content.subject, content.text, content.html]);
}
