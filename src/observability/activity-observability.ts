/** What every activity attempt reports: a failure counted by activity type, and log lines that name their run. */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { activityFailures } from './metrics';

/**
 * The SDK names an activity's run `workflowRunId` where a workflow's log lines say `runId`; one name
 * lets a single query find both. The task token is dropped: whoever holds it can complete the activity.
 */
export function activityLogAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const { taskToken: _taskToken, workflowRunId, ...rest } = attributes;
  return workflowRunId === undefined ? rest : { ...rest, runId: workflowRunId };
}

/** Counts failed attempts (a cancelled one is not a failure) and shapes the activity logger's attributes. */
export const activityObservability: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (error) {
        if (!ctx.cancellationSignal.aborted) activityFailures.inc({ activity: ctx.info.activityType });
        throw error;
      }
    },
  },
  outbound: {
    getLogAttributes: (input, next) => activityLogAttributes(next(input)),
  },
});
