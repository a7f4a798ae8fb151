/** The data converter every client and worker of the engine uses, so that all of them read and write the same payloads. */
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { Config } from '../config';
import { EncryptionCodec } from './encryption-codec';

/** The codec sealing payloads with the configured keys; undefined when none are configured. */
export function engineCodec(encryption: Config['temporal']['encryption']): PayloadCodec | undefined {
  return encryption ? new EncryptionCodec(encryption.keys) : undefined;
}

/**
 * Payloads, and failures' messages and stack traces, sealed with the configured keys; undefined (the
 * SDK's default, readable payloads) when none are configured.
 */
export function engineDataConverter(encryption: Config['temporal']['encryption']): DataConverter | undefined {
  const codec = engineCodec(encryption);
  return codec ? { payloadCodecs: [codec], failureConverterPath: require.resolve('./failure-converter') } : undefined;
}
