/** The customer's channels and contacts as the notice activities read them, under the send's transaction. */
import type { PoolClient } from 'pg';
import type { ChannelContact, ContactChannel, ContactProfile } from '../../src/domain/contact-channels';

/**
 * Reads how to reach the customer now, so a corrected number or address applies to the next message.
 * The email address given at registration stands for the email contact until one is entered.
 */
export async function readContactProfile(client: PoolClient, customerId: string, registeredEmail?: string): Promise<ContactProfile> {
  const customer = await client.query<{ do_not_contact: boolean; channels: ContactChannel[]; email: string | null }>(
    'SELECT do_not_contact, channels, email FROM customers WHERE customer_id = $1', [customerId]);
  const contacts = await client.query<{ channel: ContactChannel; contact_name: string | null; address: string; unusable_reason: string | null }>(
    'SELECT channel, contact_name, address, unusable_reason FROM customer_contacts WHERE customer_id = $1', [customerId]);
  const row = customer.rows[0];
  const entered: ChannelContact[] = contacts.rows.map((c) => ({ channel: c.channel, name: c.contact_name, address: c.address, unusableReason: c.unusable_reason }));
  const email = registeredEmail ?? row?.email ?? undefined;
  if (email && !entered.some((c) => c.channel === 'email')) entered.push({ channel: 'email', name: null, address: email, unusableReason: null });
  return { channels: row?.channels ?? ['email'], contacts: entered, doNotContact: row?.do_not_contact ?? false };
}
