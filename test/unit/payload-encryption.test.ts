/** The payload codec: AES-256-GCM round trip, key rotation, unknown keys, tampering, payloads recorded before encryption; and failures sealed too. */
import { ApplicationFailure, defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { engineDataConverter } from '../../src/encryption/data-converter';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, type EncryptionKey } from '../../src/encryption/encryption-codec';

const k1: EncryptionKey = { id: 'k1', key: Buffer.alloc(32, 1) };
const k2: EncryptionKey = { id: 'k2', key: Buffer.alloc(32, 2) };

const invoice = { customer: { name: 'TechCorp Inc.', email: 'ap@techcorp.example' }, amount: { amountMinor: 245_000, currency: 'USD' } };
const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
/** Everything a reader of the stored payload sees: its metadata and its data, as text. */
const visible = (payload: Payload) => JSON.stringify([Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, text(v)]), text(payload.data)]);

test('a payload comes back as it was sent, and in between shows only that it is encrypted and by which key', async () => {
  const codec = new EncryptionCodec([k1]);
  const original = toPayload(invoice);
  const [sealed] = await codec.encode([original]);
  expect(text(sealed.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
  expect(text(sealed.metadata?.[KEY_ID_METADATA])).toBe('k1');
  expect(Object.keys(sealed.metadata ?? {}).sort()).toEqual([METADATA_ENCODING_KEY, KEY_ID_METADATA].sort());
  for (const secret of ['TechCorp', 'ap@techcorp.example', '245000', 'json/plain']) expect(visible(sealed)).not.toContain(secret);

  const [opened] = await codec.decode([sealed]);
  expect(fromPayload(opened)).toEqual(invoice);
  expect(text(opened.metadata?.[METADATA_ENCODING_KEY])).toBe('json/plain');
});

test('the same payload sealed twice differs (a fresh IV each time), and many payloads keep their order', async () => {
  const codec = new EncryptionCodec([k1]);
  const [first, second] = await codec.encode([toPayload(invoice), toPayload(invoice)]);
  expect(Buffer.from(first.data!).equals(Buffer.from(second.data!))).toBe(false);
  const values = ['a', 1, null, { nested: [true] }, ''];
  expect((await codec.decode(await codec.encode(values.map(toPayload)))).map(fromPayload)).toEqual(values);
  expect(await codec.encode([])).toEqual([]);
});

test('rotation: a payload sealed with the old key opens once the new key leads the ring, and new payloads carry the new key', async () => {
  const [old] = await new EncryptionCodec([k1]).encode([toPayload(invoice)]);
  const rotated = new EncryptionCodec([k2, k1]);
  expect(fromPayload((await rotated.decode([old]))[0])).toEqual(invoice);
  const [fresh] = await rotated.encode([toPayload(invoice)]);
  expect(text(fresh.metadata?.[KEY_ID_METADATA])).toBe('k2');
  // A ring without k1 (after every old history is gone) still opens what k2 sealed.
  expect(fromPayload((await new EncryptionCodec([k2]).decode([fresh]))[0])).toEqual(invoice);
});

test('a payload sealed with a key the ring lacks is refused with that key id named', async () => {
  const [old] = await new EncryptionCodec([k1]).encode([toPayload(invoice)]);
  await expect(new EncryptionCodec([k2]).decode([old])).rejects.toThrow('payload encrypted with key "k1", which is not in PAYLOAD_ENCRYPTION_KEYS (it holds k2)');
});

test('altered bytes fail GCM authentication, as does another key under the same id', async () => {
  const codec = new EncryptionCodec([k1]);
  const [sealed] = await codec.encode([toPayload(invoice)]);
  for (const at of [0, 20, sealed.data!.length - 1]) {
    const tampered = Buffer.from(sealed.data!);
    tampered[at] ^= 0x01;
    await expect(codec.decode([{ ...sealed, data: tampered }])).rejects.toThrow('payload encrypted with key "k1" failed authentication');
  }
  await expect(new EncryptionCodec([{ id: 'k1', key: k2.key }]).decode([sealed])).rejects.toThrow(/failed authentication/);
  await expect(codec.decode([{ ...sealed, data: Buffer.alloc(10) }])).rejects.toThrow(/too short/);
  await expect(codec.decode([{ metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING) }, data: sealed.data }])).rejects.toThrow(/carries no encryption-key-id/);
});

test('payloads recorded before encryption was turned on pass through unchanged', async () => {
  const codec = new EncryptionCodec([k2, k1]);
  const plain = [toPayload(invoice), toPayload(undefined), defaultPayloadConverter.toPayload(new Uint8Array([1, 2, 3]))];
  expect(await codec.decode(plain)).toEqual(plain);
});

test('a ring needs a key, and every key 32 bytes', () => {
  expect(() => new EncryptionCodec([])).toThrow(/at least one key/);
  expect(() => new EncryptionCodec([{ id: 'short', key: Buffer.alloc(16) }])).toThrow('encryption key short must be 32 bytes, not 16');
});

describe('the engine\'s data converter', () => {
  test('no keys, no converter: payloads as the SDK writes them by default', () => {
    expect(engineDataConverter(undefined)).toBeUndefined();
  });

  test('a failure\'s message and stack trace travel sealed too, and come back whole', async () => {
    const converter = loadDataConverter(engineDataConverter({ keys: [k1] }));
    const failure = await encodeErrorToFailure(converter, ApplicationFailure.nonRetryable('Resend refused the email to ap@techcorp.example', 'EmailRejected'));
    expect(failure.message).not.toContain('techcorp');
    expect(failure.stackTrace ?? '').not.toContain('techcorp');
    expect(text(failure.encodedAttributes?.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(failure.encodedAttributes?.data)).not.toContain('techcorp');
    const error = await decodeOptionalFailureToOptionalError(converter, failure);
    expect(error?.message).toBe('Resend refused the email to ap@techcorp.example');
  });
});
