/** The customer's channels and contacts as the notice activities read them, under the send's transaction. */
import type { PoolClient } from 'pg';
import { readContacts } from '../../src/customers/customer-contacts';
import type { ContactProfile } from '../../src/domain/contact-channels';

/**
 * Reads how to reach the customer now, so a corrected number or address applies to the next message.
 * The email address the workflow was started with stands in when the record has none.
 */
export async function readContactProfile(client: PoolClient, customerId: string, startedWithEmail?: string): Promise<ContactProfile> {
  const found = await readContacts(client, customerId);
  const contacts = found?.contacts ?? [];
  if (startedWithEmail && !contacts.some((c) => c.channel === 'email')) contacts.push({ channel: 'email', name: null, address: startedWithEmail, unusableReason: null });
  return { channels: found?.channels ?? ['email'], contacts, doNotContact: found?.doNotContact.on ?? false };
}
