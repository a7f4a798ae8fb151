/** The engine's two roles, worker and API, built on open infrastructure; `start` runs both in one process. */
import { createServer, type ServerResponse } from 'node:http';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { resendTransport } from '../../activities/notices/mail-transport';
import { twilioTransport } from '../../activities/notices/sms-transport';
import { TemplateLibrary } from '../notices/template-library';
import { createApp } from '../api/app';
import { answerClientErrors } from '../api/client-errors';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { engineDataConverter } from '../encryption/data-converter';
import { connectWorker } from '../temporal/connection';
import { createCollectionsWorker } from '../temporal/worker';
import { startRegistrationReconciler } from '../invoices/reconcile-registrations';
import { startEventDispatcher } from '../events/dispatcher';
import type { OpenDatabase, OpenTemporal } from './infrastructure';
import { serveWorkerHealth } from './worker-health';

export interface RunningWorker {
  /** Where the worker answers liveness and readiness (WORKER_HEALTH_PORT), if it does. */
  healthPort?: number;
  /** Stops taking tasks, lets running activities finish (WORKER_SHUTDOWN_GRACE_SECONDS), then disconnects. */
  stop(): Promise<void>;
}

/**
 * Starts a worker polling the task queue; email goes to Resend, or to the outbox without an API key.
 * Beside it runs registration reconciliation: at start and then periodically, invoices saved without
 * a workflow (the registering process died in between) get theirs; and the dispatcher of outbound
 * events, sending what the activities queued to subscribers' URLs. With WORKER_HEALTH_PORT, a listener
 * answers liveness and readiness until the worker has stopped.
 */
export async function startWorkerRole(config: Config, log: Logger, database: OpenDatabase, temporal: OpenTemporal): Promise<RunningWorker> {
  const { resendApiKey, resendBaseUrl } = config.mail;
  if (!resendApiKey) log.warn('RESEND_API_KEY is not set: notices are written to the outbox table, not emailed');
  const activities = createActivities({
    db: database.db,
    templates: new TemplateLibrary(),
    transport: resendApiKey ? resendTransport(resendApiKey, resendBaseUrl) : undefined,
    sms: config.sms ? twilioTransport(config.sms) : undefined,
    from: config.mail.from,
    companyName: config.mail.companyName,
    collectionsPhone: config.mail.collectionsPhone,
  });
  const connection = await connectWorker(config.temporal, temporal.address);
  const worker: Worker = await createCollectionsWorker({
    connection, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, activities,
    dataConverter: engineDataConverter(config.temporal.encryption),
    shutdownGraceMs: config.workerShutdownGraceMs,
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
  });
  const running = worker.run();
  const reconciler = startRegistrationReconciler({ db: database.db, client: temporal.client, taskQueue: config.temporal.taskQueue, log },
    { intervalMs: config.reconcile.intervalMs, olderThanMs: config.reconcile.graceMs });
  const dispatcher = startEventDispatcher({ db: database.db, log });
  let stopping = false;
  const health = config.workerHealthPort === undefined ? undefined : await serveWorkerHealth({
    host: config.httpHost, port: config.workerHealthPort, db: database.db, client: temporal.client,
    // Not ready from the signal on, while the dispatcher and reconciler stop before the worker itself.
    workerState: () => (stopping && worker.getState() === 'RUNNING' ? 'STOPPING' : worker.getState()),
  });
  return {
    healthPort: health?.port,
    async stop() {
      stopping = true;
      await dispatcher.stop();
      await reconciler.stop();
      // Polling stops at once; activities already running may finish within the grace time.
      worker.shutdown();
      await running;
      await connection.close();
      // Last, so readiness answers "stopping" for the whole drain.
      await health?.stop();
    },
  };
}

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** How a client on this machine reaches an API listening on `host`. */
export function localUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Requests still running this long after a stop are cut off, so Postgres and Temporal still close in time. */
const API_DRAIN_LIMIT_MS = 20_000;

/**
 * Serves the HTTP API on HOST (127.0.0.1 unless opened) and PORT. Stopping closes the listening socket
 * at once (new connections are refused), answers the requests already running, each with
 * `Connection: close`, and resolves when the last connection has closed.
 */
export async function startApiRole(config: Config, log: Logger, database: OpenDatabase, temporal: OpenTemporal, port = config.httpPort): Promise<RunningApi> {
  let stopping = false;
  const running = new Set<ServerResponse>();
  const app = createApp({ db: database.db, client: temporal.client, taskQueue: config.temporal.taskQueue, log, stopping: () => stopping });
  const server = createServer((req, res) => {
    // A keep-alive connection would otherwise carry the client's next request to a process that is leaving.
    if (stopping) res.setHeader('connection', 'close');
    running.add(res);
    res.once('close', () => running.delete(res));
    app(req, res);
  });
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    // A port in use or a HOST not on this machine fails the start.
    server.once('error', reject);
    server.listen(port, config.httpHost, () => { server.removeListener('error', reject); resolve(); });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: localUrl(config.httpHost, actualPort),
    stop: () => new Promise((resolve) => {
      stopping = true;
      for (const res of running) if (!res.headersSent) res.setHeader('connection', 'close');
      if (running.size > 0) log.info({ requests: running.size }, 'finishing running requests');
      const cutOff = setTimeout(() => {
        log.warn({ requests: running.size, limitMs: API_DRAIN_LIMIT_MS }, 'requests still running at the drain limit; closing their connections');
        server.closeAllConnections();
      }, API_DRAIN_LIMIT_MS);
      server.close(() => { clearTimeout(cutOff); resolve(); });
      // Idle keep-alive connections would hold the close open for seconds.
      server.closeIdleConnections();
    }),
  };
}
