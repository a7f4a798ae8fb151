/**
 * Liveness and readiness of the worker role, on WORKER_HEALTH_PORT: the worker has no HTTP API, and an
 * orchestrator needs to know whether it polls (a worker that failed stops polling without exiting at once).
 * Same paths and answers as the API's: `/v1/health/live`, `/v1/health/ready`.
 */
import { createServer, type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { State } from '@temporalio/worker';
import type { Pool } from 'pg';
import { checkDependencies } from '../health';

export interface WorkerHealthListener {
  port: number;
  stop(): Promise<void>;
}

/** Serves the worker's health on `host`:`port` (0 picks a free port). */
export async function serveWorkerHealth(options: {
  host: string; port: number; db: Pool; client: Client; workerState: () => State;
}): Promise<WorkerHealthListener> {
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return answer(405, { status: 'method not allowed' });
    if (req.url === '/v1/health/live') return answer(200, { status: 'ok' });
    if (req.url !== '/v1/health/ready') return answer(404, { status: 'not found' });
    checkDependencies(options.db, options.client).then(({ ok, postgres, temporal }) => {
      const worker = options.workerState();
      // Anything but RUNNING is starting, draining, stopped or failed: no new work should be counted on.
      const status = worker === 'RUNNING' ? (ok ? 'ok' : 'degraded') : worker === 'FAILED' ? 'failed' : 'stopping';
      answer(status === 'ok' ? 200 : 503, { status, worker: worker.toLowerCase(), postgres, temporal });
    }, (error: unknown) => answer(503, { status: 'degraded', error: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
