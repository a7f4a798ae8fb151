/** Stops the embedded Postgres started by global-setup, if any. */
export default async function globalTeardown(): Promise<void> {
  const postgres = (globalThis as Record<string, unknown>).__collectionsPostgres as { stop(): Promise<void> } | undefined;
  if (postgres) await postgres.stop();
}
