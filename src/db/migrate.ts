/**
 * Applies schema migrations with node-pg-migrate (plain SQL files under ./migrations, recorded in
 * `pgmigrations`, serialised by an advisory lock so several processes may start at once).
 */
import path from 'node:path';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Brings the database at `databaseUrl` up to the latest schema; returns the names applied now. */
export async function migrateUp(databaseUrl: string): Promise<string[]> {
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
}
