/**
 * Applies schema migrations with node-pg-migrate (plain SQL files under ./migrations, recorded in
 * `pgmigrations`). Several processes may start at once (a worker and an API): they take turns.
 */
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { Client } from 'pg';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** This project's advisory lock key for migrating (node-pg-migrate's own lock has another). */
const MIGRATION_LOCK = 73_160_001;

/** Brings the database at `databaseUrl` up to the latest schema; returns the names applied now. */
export async function migrateUp(databaseUrl: string): Promise<string[]> {
  // node-pg-migrate's own lock gives up at once ("Another migration is already running") when another
  // process holds it; waiting for this one first makes processes that start together take turns.
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await runner({
      databaseUrl,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Infinity,
      checkOrder: true,
      log: () => undefined,
    });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.end(); // ending the session releases the lock
  }
}
