/**
 * Activity heartbeats that reach the server are billed, and leave no history event: this wraps the
 * activities to see each attempt's heartbeat calls and estimates what the SDK lets through.
 */
import { Context } from '@temporalio/activity';
import type { CollectionsActivities } from '../activities';

/** The SDK sends an attempt's first heartbeat at once, then at most one per 80% of the heartbeat timeout. */
const THROTTLE_SHARE = 0.8;
/** The worker's default throttle when an activity has no heartbeat timeout. */
const DEFAULT_THROTTLE_MS = 30_000;

export class HeartbeatTally {
  private readonly byWorkflow = new Map<string, number>();

  /** The activities, each attempt's heartbeat calls counted against the workflow that scheduled it. */
  wrap(activities: CollectionsActivities): CollectionsActivities {
    const wrapped = Object.entries(activities).map(([name, run]) => [name, async (...args: unknown[]) => {
      const context = Context.current();
      const calls: number[] = [];
      const send = context.heartbeat;
      Object.defineProperty(context, 'heartbeat', { value: (details?: unknown) => { calls.push(Date.now()); send(details); } });
      try {
        return await (run as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        if (calls.length > 0) {
          const timeout = context.info.heartbeatTimeoutMs;
          const throttle = timeout ? timeout * THROTTLE_SHARE : DEFAULT_THROTTLE_MS;
          const sent = 1 + Math.floor((calls[calls.length - 1] - calls[0]) / throttle);
          const workflowId = context.info.workflowExecution?.workflowId ?? '?';
          this.byWorkflow.set(workflowId, (this.byWorkflow.get(workflowId) ?? 0) + sent);
        }
      }
    }]);
    return Object.fromEntries(wrapped) as CollectionsActivities;
  }

  /** Heartbeats estimated to have reached the server for a workflow's activities. */
  of(workflowId: string): number {
    return this.byWorkflow.get(workflowId) ?? 0;
  }
}
