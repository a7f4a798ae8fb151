/**
 * Health for load balancers and orchestrators: `/v1/health/live` (the process answers; restart it if
 * not), `/v1/health/ready` (send it requests: Postgres and Temporal answer and it is not stopping),
 * and `/v1/health`, the dependencies alone, as before.
 */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Pool } from 'pg';
import { checkDependencies } from '../../health';

export interface HealthDependencies {
  db: Pool;
  client: Client;
  /** True once the process has begun to stop: it finishes what it has, and takes nothing new. */
  stopping?: () => boolean;
}

export function healthRoutes(deps: HealthDependencies): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const { ok, postgres, temporal } = await checkDependencies(deps.db, deps.client);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres, temporal });
  });
  // Liveness depends on nothing outside the process: a database outage must not get every API process restarted.
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const { ok, postgres, temporal } = await checkDependencies(deps.db, deps.client);
    const status = deps.stopping?.() ? 'stopping' : ok ? 'ok' : 'degraded';
    res.status(status === 'ok' ? 200 : 503).json({ status, postgres, temporal });
  });
  return router;
}
