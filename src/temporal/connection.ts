/** Connections to Temporal built from configuration: a local dev server, a self-hosted cluster or Temporal Cloud. */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { engineDataConverter } from '../encryption/data-converter';
import { clientTracingInterceptors } from '../observability/tracing';

function connectionOptions(config: Config['temporal'], address: string) {
  const clientCert = config.tlsCertPath && config.tlsKeyPath
    ? { crt: readFileSync(config.tlsCertPath), key: readFileSync(config.tlsKeyPath) }
    : undefined;
  return {
    address,
    tls: config.tls ? { clientCertPair: clientCert } : undefined,
    apiKey: config.apiKey,
    metadata: config.apiKey ? { 'temporal-namespace': config.namespace } : undefined,
  };
}

/** A client connection (API, CLI, demo), encrypting payloads when keys are configured, and traced when tracing is on. */
export async function connectClient(config: Config['temporal'], address: string): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect(connectionOptions(config, address));
  const interceptors = { workflow: clientTracingInterceptors() };
  return { connection, client: new Client({ connection, namespace: config.namespace, dataConverter: engineDataConverter(config.encryption), interceptors }) };
}

/** A worker connection. */
export function connectWorker(config: Config['temporal'], address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config, address));
}
