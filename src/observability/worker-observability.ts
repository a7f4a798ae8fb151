/** The worker options that make a worker observable: activity metrics and log attributes always, tracing when it is on. */
import type { WorkerOptions } from '@temporalio/worker';
import { activityObservability } from './activity-observability';
import { workerTracing } from './tracing';

/**
 * Interceptors and sinks for `Worker.create`. A pre-built workflow bundle already holds its workflow
 * interceptors (the SDK would ignore ours, with a warning), so they are added only when the worker
 * bundles its workflows itself.
 */
export function workerObservability(options: { prebuiltBundle: boolean }): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const tracing = workerTracing();
  return {
    interceptors: {
      activity: [activityObservability, ...tracing.activity],
      client: { workflow: tracing.client },
      ...(options.prebuiltBundle ? {} : { workflowModules: tracing.workflowModules }),
    },
    ...(tracing.sinks ? { sinks: tracing.sinks } : {}),
  };
}
