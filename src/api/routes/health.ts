/** /v1/health: is the API able to reach Postgres and Temporal. */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Pool } from 'pg';

async function probe(check: () => Promise<unknown>): Promise<'ok' | string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function healthRoutes(db: Pool, client: Client): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [postgres, temporal] = await Promise.all([
      probe(() => db.query('SELECT 1')),
      probe(() => client.workflowService.getSystemInfo({})),
    ]);
    const ok = postgres === 'ok' && temporal === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres, temporal });
  });
  return router;
}
