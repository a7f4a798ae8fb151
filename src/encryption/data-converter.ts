/** The data converter every client and worker of the engine uses, so that all of them read and write the same payloads. */
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { EncryptionCodec } from './encryption-codec';

/** Payloads sealed with the configured keys; undefined (the SDK's default, readable payloads) when none are configured. */
export function engineDataConverter(encryption: Config['temporal']['encryption']): DataConverter | undefined {
  return encryption ? { payloadCodecs: [new EncryptionCodec(encryption.keys)] } : undefined;
}
