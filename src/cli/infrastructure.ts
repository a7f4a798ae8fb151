/** Opening the engine's two dependencies, Postgres and Temporal: configured ones, or embedded defaults. */
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { startEmbeddedPostgres } from '../db/embedded-postgres';
import { migrateUp } from '../db/migrate';
import { createPool } from '../db/pool';
import type { Logger } from '../logger';
import { ensureDefaultPolicy } from '../policies/policy-store';
import { connectClient } from '../temporal/connection';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { assertSearchAttributes } from '../temporal/search-attributes';
import { ensureTemporalCli } from '../temporal/toolchain';
import { localUrl } from './engine';

export interface OpenDatabase {
  db: Pool;
  url: string;
  /** Human-readable, password-free description of where it is. */
  where: string;
  close(): Promise<void>;
}

/** The database the engine uses on its embedded Postgres. */
export const EMBEDDED_DATABASE = 'collections';

/** DATABASE_URL when set; otherwise an embedded Postgres whose files live under DATA_DIR. Migrated either way. */
export async function openDatabase(config: Config, log: Logger, options: { allowEmbedded: boolean }): Promise<OpenDatabase> {
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    if (!options.allowEmbedded) throw new Error('DATABASE_URL is required for this role');
    const dataDir = path.resolve(config.dataDir, 'postgres');
    log.info({ dataDir, port: config.embeddedPostgresPort }, 'starting embedded Postgres');
    const postgres = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort });
    await postgres.ensureDatabase(EMBEDDED_DATABASE);
    url = postgres.urlFor(EMBEDDED_DATABASE);
    stopEmbedded = () => postgres.stop();
  }
  const applied = await migrateUp(url);
  if (applied.length > 0) log.info({ migrations: applied }, 'schema migrated');
  const db = createPool(url, config.databasePoolSize);
  await ensureDefaultPolicy(db);
  const parsed = new URL(url);
  return {
    db,
    url,
    where: `postgres://${parsed.host}${parsed.pathname}${stopEmbedded ? ' (embedded)' : ''}`,
    async close() {
      await db.end();
      await stopEmbedded?.();
    },
  };
}

export interface OpenTemporal {
  address: string;
  connection: Connection;
  client: Client;
  devServer?: DevServer;
  close(): Promise<void>;
}

/** TEMPORAL_ADDRESS when set (its search attributes must exist); otherwise a local dev server with the Web UI. */
export async function openTemporal(config: Config, log: Logger, options: { allowDevServer: boolean; webUiCodecKey?: string }): Promise<OpenTemporal> {
  let address = config.temporal.address;
  let devServer: DevServer | undefined;
  if (!address && options.allowDevServer) {
    const cliPath = await ensureTemporalCli();
    if (!cliPath) throw new Error('no Temporal CLI: install Go (it is built from source) or set TEMPORAL_ADDRESS / TEMPORAL_CLI_PATH');
    log.info({ port: config.temporal.devServerPort }, 'starting the Temporal dev server');
    devServer = await startDevServer({
      cliPath,
      dataDir: path.resolve(config.dataDir, 'temporal'),
      port: config.temporal.devServerPort,
      uiPort: config.temporal.devServerUiPort,
      namespace: config.temporal.namespace,
      // Encrypted payloads: the Web UI asks the API's codec endpoint to decode them, with its own key in the path (it sends no header of ours).
      codecEndpoint: config.temporal.encryption
        ? `${localUrl(config.httpHost, config.httpPort)}/v1/codec${options.webUiCodecKey ? `/keys/${options.webUiCodecKey}` : ''}` : undefined,
    });
    address = devServer.address;
  }
  address ??= `127.0.0.1:${config.temporal.devServerPort}`;
  const { connection, client } = await connectClient(config.temporal, address);
  await assertSearchAttributes(connection, config.temporal.namespace);
  return {
    address,
    connection,
    client,
    devServer,
    async close() {
      await connection.close();
      await devServer?.stop();
    },
  };
}
