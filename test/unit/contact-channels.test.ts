/** The channel a message takes: the customer's first preferred channel that can carry it. */
import { chooseChannel, type ContactProfile } from '../../src/domain/contact-channels';

const profile = (changes: Partial<ContactProfile> = {}): ContactProfile => ({
  channels: ['email', 'sms', 'letter'],
  contacts: [
    { channel: 'email', name: 'Dana', address: 'ap@acme.example', unusableReason: null },
    { channel: 'sms', name: null, address: '+14155550100', unusableReason: null },
    { channel: 'letter', name: 'Acme AP', address: '1 Main St\nSpringfield', unusableReason: null },
  ],
  doNotContact: false,
  ...changes,
});

test('the first preferred channel with a working contact', () => {
  expect(chooseChannel(profile(), 'reminder')).toEqual({ channel: 'email', contact: { name: 'Dana', address: 'ap@acme.example' } });
  expect(chooseChannel(profile({ channels: ['sms', 'email'] }), 'reminder')).toMatchObject({ channel: 'sms' });
});

test('a failed contact is passed over for the next channel', () => {
  const bounced = profile();
  bounced.contacts[0].unusableReason = 'email bounced';
  expect(chooseChannel(bounced, 'reminder')).toMatchObject({ channel: 'sms' });
});

test('a letter never goes by SMS', () => {
  expect(chooseChannel(profile({ channels: ['sms', 'letter'] }), 'letter')).toMatchObject({ channel: 'letter' });
  expect(chooseChannel(profile({ channels: ['sms'] }), 'letter')).toEqual({ channel: null, delivery: 'not_sent', reason: 'a letter cannot go by SMS, the only channel the customer takes' });
});

test('nothing usable: withheld when contacts failed (a person calls), not sent when nothing is on file', () => {
  const failed = profile({ channels: ['email'] });
  failed.contacts[0].unusableReason = 'email bounced';
  expect(chooseChannel(failed, 'reminder')).toEqual({ channel: null, delivery: 'withheld', reason: 'no channel reaches the customer (email: email bounced)' });
  expect(chooseChannel(profile({ channels: ['email'], contacts: [] }), 'reminder')).toEqual({ channel: null, delivery: 'not_sent', reason: 'no email address on file' });
  expect(chooseChannel(profile({ doNotContact: true }), 'reminder')).toMatchObject({ channel: null, delivery: 'withheld' });
});
