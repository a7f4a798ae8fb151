/**
 * How a customer is reached: their channels in order of preference and a named contact per channel.
 * Backend systems and collectors keep it current; entering a contact anew clears the failure that
 * made it unusable (a bounce, a complaint), and the next message reads it at send time.
 */
import type { Pool } from 'pg';
import { z } from 'zod';
import { inTransaction } from '../db/pool';
import { CONTACT_CHANNELS, type ContactChannel } from '../domain/contact-channels';
import { singleLine } from '../domain/invoice-messages';

const contactName = singleLine(200).optional();

const postalAddress = z.string({ error: 'must be text' }).trim().max(600)
  .refine((value) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(value), 'must not contain control characters other than line breaks')
  .refine((value) => { const lines = value.split('\n').filter((l) => l.trim()); return lines.length >= 2 && lines.length <= 8; }, 'must have 2 to 8 lines, one per line of the envelope')
  .refine((value) => value.split('\n').every((line) => line.length <= 100), 'must have lines of at most 100 characters');

/** A change to the customer's contacts: a channel given replaces its contact, null removes it, absent leaves it. */
export const customerContactSchema = z.object({
  channels: z.array(z.enum(CONTACT_CHANNELS, { error: `must be one of ${CONTACT_CHANNELS.join(', ')}` }))
    .min(1, 'must name at least one channel').max(CONTACT_CHANNELS.length)
    .refine((list) => new Set(list).size === list.length, 'must not name a channel twice').optional(),
  email: z.object({ name: contactName, address: z.email('must be an email address').max(320) }).strict().nullable().optional(),
  sms: z.object({ name: contactName, phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a mobile number in E.164, such as +14155550100') }).strict().nullable().optional(),
  letter: z.object({ name: contactName, postalAddress }).strict().nullable().optional(),
}).strict();

export type CustomerContactChange = z.infer<typeof customerContactSchema>;

/** The customer's contacts as the API shows them. */
export interface CustomerContacts {
  customerId: string;
  channels: ContactChannel[];
  contacts: { channel: ContactChannel; name: string | null; address: string; unusableReason: string | null }[];
  doNotContact: { on: boolean; reason: string | null };
}

/** A change that names a channel left without a contact (the field and the reason, for a 422). */
export class ContactChangeRefused extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field} ${reason}`);
  }
}

const ADDRESS_OF = { email: (c: { address: string }) => c.address, sms: (c: { phone: string }) => c.phone, letter: (c: { postalAddress: string }) => c.postalAddress.trim() };

/** Applies the change in one transaction; null when the customer is unknown. */
export async function changeCustomerContacts(db: Pool, customerId: string, change: CustomerContactChange): Promise<CustomerContacts | null> {
  return inTransaction(db, async (client) => {
    const found = await client.query('SELECT 1 FROM customers WHERE customer_id = $1 FOR UPDATE', [customerId]);
    if (found.rowCount === 0) return null;
    for (const channel of CONTACT_CHANNELS) {
      const given = change[channel];
      if (given === undefined) continue;
      if (given === null) {
        await client.query('DELETE FROM customer_contacts WHERE customer_id = $1 AND channel = $2', [customerId, channel]);
        continue;
      }
      const address = (ADDRESS_OF[channel] as (c: typeof given) => string)(given);
      await client.query(
        `INSERT INTO customer_contacts (customer_id, channel, contact_name, address) VALUES ($1, $2, $3, $4)
         ON CONFLICT (customer_id, channel) DO UPDATE SET contact_name = EXCLUDED.contact_name, address = EXCLUDED.address, unusable_reason = NULL, updated_at = now()`,
        [customerId, channel, given.name ?? null, address]);
    }
    if (change.channels) await client.query('UPDATE customers SET channels = $2, updated_at = now() WHERE customer_id = $1', [customerId, change.channels]);
    const contacts = await readContacts(client, customerId);
    const unreachable = contacts?.channels.filter((channel) => !contacts.contacts.some((c) => c.channel === channel));
    if (unreachable && unreachable.length > 0) {
      throw new ContactChangeRefused(change.channels ? 'channels' : unreachable[0], `names ${unreachable.join(', ')} without a contact on file: give one in the same request`);
    }
    return contacts;
  });
}

/** The customer's channels and contacts (the registration email counts as the email contact until one is entered); null when unknown. */
export async function readContacts(db: Pick<Pool, 'query'>, customerId: string): Promise<CustomerContacts | null> {
  const customer = await db.query<{ channels: ContactChannel[]; email: string | null; do_not_contact: boolean; do_not_contact_reason: string | null }>(
    'SELECT channels, email, do_not_contact, do_not_contact_reason FROM customers WHERE customer_id = $1', [customerId]);
  const row = customer.rows[0];
  if (!row) return null;
  const rows = await db.query<{ channel: ContactChannel; contact_name: string | null; address: string; unusable_reason: string | null }>(
    'SELECT channel, contact_name, address, unusable_reason FROM customer_contacts WHERE customer_id = $1 ORDER BY channel', [customerId]);
  const contacts = rows.rows.map((r) => ({ channel: r.channel, name: r.contact_name, address: r.address, unusableReason: r.unusable_reason }));
  if (row.email && !contacts.some((c) => c.channel === 'email')) contacts.unshift({ channel: 'email', name: null, address: row.email, unusableReason: null });
  return { customerId, channels: row.channels, contacts, doNotContact: { on: row.do_not_contact, reason: row.do_not_contact_reason } };
}
