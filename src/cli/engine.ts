/** The engine's two roles, worker and API, built on open infrastructure; `start` runs both in one process. */
import type { Server } from 'node:http';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { resendTransport } from '../../activities/notices/mail-transport';
import { twilioTransport } from '../../activities/notices/sms-transport';
import { TemplateLibrary } from '../notices/template-library';
import { createApp } from '../api/app';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { engineDataConverter } from '../encryption/data-converter';
import { connectWorker } from '../temporal/connection';
import { createCollectionsWorker } from '../temporal/worker';
import { startRegistrationReconciler } from '../invoices/reconcile-registrations';
import { startEventDispatcher } from '../events/dispatcher';
import type { OpenDatabase, OpenTemporal } from './infrastructure';

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * Starts a worker polling the task queue; email goes to Resend, or to the outbox without an API key.
 * Beside it runs registration reconciliation: at start and then periodically, invoices saved without
 * a workflow (the registering process died in between) get theirs; and the dispatcher of outbound
 * events, sending what the activities queued to subscribers' URLs.
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
  });
  const running = worker.run();
  const reconciler = startRegistrationReconciler({ db: database.db, client: temporal.client, taskQueue: config.temporal.taskQueue, log },
    { intervalMs: config.reconcile.intervalMs, olderThanMs: config.reconcile.graceMs });
  const dispatcher = startEventDispatcher({ db: database.db, log });
  return {
    async stop() {
      await dispatcher.stop();
      await reconciler.stop();
      worker.shutdown();
      await running;
      await connection.close();
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

/** Serves the HTTP API on HOST (127.0.0.1 unless opened) and PORT. */
export async function startApiRole(config: Config, log: Logger, database: OpenDatabase, temporal: OpenTemporal, port = config.httpPort): Promise<RunningApi> {
  const app = createApp({ db: database.db, client: temporal.client, taskQueue: config.temporal.taskQueue, log });
  const server: Server = await new Promise((resolve, reject) => {
    // express calls back with the error when listening fails (a port in use, a HOST not on this machine).
    const listening = app.listen(port, config.httpHost, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: localUrl(config.httpHost, actualPort),
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      // Idle keep-alive connections would hold the close open for seconds.
      server.closeIdleConnections();
    }),
  };
}
