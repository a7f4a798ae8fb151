/**
 * Which channel a message to the customer takes: the first in the customer's order of preference
 * that can reach them. A channel without a contact on file, or whose contact failed (a bounce, a
 * complaint), is passed over; letters carrying terms (a settlement offer, a hand-off, a plan
 * agreement) never go by SMS, which cannot hold them.
 */
export const CONTACT_CHANNELS = ['email', 'sms', 'letter'] as const;

/** A written channel to the customer (a call is a collector's task, not a channel chosen here). */
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** The named contact on one channel: an email address, a mobile number in E.164, a postal address. */
export interface ChannelContact {
  channel: ContactChannel;
  name: string | null;
  address: string;
  /** Why this contact no longer works, once it failed. */
  unusableReason: string | null;
}

/** What the customer record says about reaching them, read at send time. */
export interface ContactProfile {
  /** Order of preference. */
  channels: ContactChannel[];
  contacts: ChannelContact[];
  /** The customer asked not to be contacted in writing at all. */
  doNotContact: boolean;
}

/** What a message carries: a reminder fits every channel; a letter's terms do not fit an SMS. */
export type MessageKind = 'reminder' | 'letter';

/**
 * The channel to use, or why none can: `withheld` when the customer asked not to be written to or
 * every contact on file failed (a person then calls), `not_sent` when nothing is on file.
 */
export type ChannelChoice =
  | { channel: ContactChannel; contact: { name: string | null; address: string } }
  | { channel: null; delivery: 'withheld' | 'not_sent'; reason: string };

export const DO_NOT_CONTACT_REASON = 'the customer asked not to be emailed';

/** The first preferred channel able to carry this kind of message to the customer. */
export function chooseChannel(profile: ContactProfile, kind: MessageKind): ChannelChoice {
  if (profile.doNotContact) return { channel: null, delivery: 'withheld', reason: DO_NOT_CONTACT_REASON };
  const failed: string[] = [];
  for (const channel of profile.channels) {
    if (kind === 'letter' && channel === 'sms') continue;
    const contact = profile.contacts.find((c) => c.channel === channel);
    if (!contact) continue;
    if (contact.unusableReason) {
      failed.push(`${channel}: ${contact.unusableReason}`);
      continue;
    }
    return { channel, contact: { name: contact.name, address: contact.address } };
  }
  if (failed.length > 0) return { channel: null, delivery: 'withheld', reason: `no channel reaches the customer (${failed.join('; ')})` };
  const tried = profile.channels.filter((c) => !(kind === 'letter' && c === 'sms'));
  if (tried.length === 0) return { channel: null, delivery: 'not_sent', reason: 'a letter cannot go by SMS, the only channel the customer takes' };
  return { channel: null, delivery: 'not_sent', reason: `no ${tried.length === 1 && tried[0] === 'email' ? 'email address' : `contact for ${tried.join(', ')}`} on file` };
}
