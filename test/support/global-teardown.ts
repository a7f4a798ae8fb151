/** Stops the embedded Postgres started by global-setup, if any, and removes the run's scratch folder. */
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const postgres = (globalThis as Record<string, unknown>).__collectionsPostgres as { stop(): Promise<void> } | undefined;
  if (postgres) await postgres.stop();
  const scratch = process.env.TEST_SCRATCH_DIR;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
