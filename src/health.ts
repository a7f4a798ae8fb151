/**
 * Whether the engine's two dependencies answer: Postgres and the Temporal frontend. Shared by the API's
 * health routes and the worker's health listener, so both roles report the same way.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';

/** A check that has not answered by then counts as down: a probe must not hang with its dependency. */
const PROBE_TIMEOUT_MS = 3_000;

/** What each dependency said: `ok`, or why it cannot be reached. */
export interface DependencyHealth {
  ok: boolean;
  postgres: string;
  temporal: string;
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Asks Postgres for `SELECT 1` and the Temporal frontend for its system info, at the same time. */
export async function checkDependencies(db: Pool, client: Client): Promise<DependencyHealth> {
  const [postgres, temporal] = await Promise.all([
    probe(() => db.query('SELECT 1')),
    probe(() => client.workflowService.getSystemInfo({})),
  ]);
  return { ok: postgres === 'ok' && temporal === 'ok', postgres, temporal };
}
