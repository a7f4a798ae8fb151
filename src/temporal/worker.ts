/** Builds the worker that runs this project's workflows and activities on one task queue. */
import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions as TemporalWorkerOptions } from '@temporalio/worker';
import type { CollectionsActivities } from '../../activities';
import { workerObservability } from '../observability/worker-observability';

export const WORKFLOWS_PATH = path.join(__dirname, '..', '..', 'workflows', 'index.ts');

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: CollectionsActivities;
  /** A pre-built bundle (tests build one per file); otherwise the workflows are bundled at start. */
  workflowBundle?: TemporalWorkerOptions['workflowBundle'];
  /** Payload codecs (encryption); the activities' `Context.current().client` inherits it from the worker. */
  dataConverter?: TemporalWorkerOptions['dataConverter'];
  /**
   * How long `shutdown()` lets running activities finish before cancelling them. The SDK's default is
   * none: a stopping worker would cancel a notice mid-send, to be sent again by another worker.
   */
  shutdownGraceMs?: number;
  /**
   * How many workflows the worker keeps in memory between their tasks (its sticky cache). The SDK's
   * default follows the heap limit; a workflow evicted from the cache is rebuilt by replay on its next task.
   */
  maxCachedWorkflows?: number;
}

/** After the grace time, cancelled activities get this long to stop before the worker gives up on them. */
const SHUTDOWN_FORCE_AFTER_GRACE_MS = 5_000;

export function createCollectionsWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    dataConverter: options.dataConverter,
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
    ...(options.shutdownGraceMs === undefined ? {} : {
      shutdownGraceTime: options.shutdownGraceMs,
      shutdownForceTime: options.shutdownGraceMs + SHUTDOWN_FORCE_AFTER_GRACE_MS,
    }),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    // Activity failures counted, log lines naming their run; tracing interceptors when tracing is on.
    ...workerObservability({ prebuiltBundle: options.workflowBundle !== undefined }),
  });
}
