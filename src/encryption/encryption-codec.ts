/**
 * The payload codec that keeps customer data out of Temporal histories: every payload a client or
 * worker sends (workflow inputs, activity arguments and results, signals, updates, queries, memos,
 * summaries) is replaced by one whose data is the whole original Payload, proto-encoded and sealed
 * with AES-256-GCM, and whose metadata says only `encoding: binary/encrypted` and which key sealed it.
 *
 * The sealed bytes are `iv (12) | ciphertext | tag (16)`, the layout of Temporal's encryption samples,
 * so their codec servers and this one read each other's payloads. node:crypto does the work: AES-GCM
 * is in Node itself, and a dependency would add code to trust without adding safety.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** The `encoding` of a sealed payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata entry naming the key that sealed a payload. */
export const KEY_ID_METADATA = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
// A fresh random 96-bit IV per payload: the size GCM is specified for; 2^32 payloads per key stay far below the collision bound.
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** One key of the ring: its id (written beside every payload it seals) and its 32 bytes. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** A payload this codec cannot open: an unknown key id, altered bytes, or a malformed sealed payload. */
export class UnreadablePayloadError extends Error {
  constructor(message: string, readonly keyId?: string) {
    super(message);
    this.name = 'UnreadablePayloadError';
  }
}

const text = (bytes: Uint8Array | null | undefined): string | undefined => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** Whether a payload is one this kind of codec sealed (with whichever key). */
export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

/**
 * Seals with the first key of the ring and opens with any of them: rotating is putting a new key
 * first and keeping the old ones behind it for as long as histories sealed with them are read.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly current: EncryptionKey;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(ring: readonly EncryptionKey[]) {
    if (ring.length === 0) throw new Error('an encryption codec needs at least one key');
    for (const { id, key } of ring) if (key.length !== KEY_BYTES) throw new Error(`encryption key ${id} must be ${KEY_BYTES} bytes, not ${key.length}`);
    this.current = ring[0];
    this.keys = new Map(ring.map(({ id, key }) => [id, key]));
  }

  /** The id of the key new payloads are sealed with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  /** Opens sealed payloads; any other payload (recorded before encryption was turned on) passes unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.open(payload) : payload));
  }

  private seal(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv, { authTagLength: TAG_BYTES });
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(this.current.id) },
      data: sealed,
    };
  }

  private open(payload: Payload): Payload {
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new UnreadablePayloadError(`an encrypted payload carries no ${KEY_ID_METADATA}`);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new UnreadablePayloadError(`payload encrypted with key "${keyId}", which is not in PAYLOAD_ENCRYPTION_KEYS (it holds ${[...this.keys.keys()].join(', ')})`, keyId);
    }
    const sealed = Buffer.from(payload.data ?? []);
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new UnreadablePayloadError(`payload encrypted with key "${keyId}" is too short to be one`, keyId);
    const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      // GCM's tag check: the bytes were altered, or sealed under another key that carries the same id.
      throw new UnreadablePayloadError(`payload encrypted with key "${keyId}" failed authentication: it was altered, or that id names another key here`, keyId);
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}
