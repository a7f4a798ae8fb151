/** Keeping a long activity visible to the server (heartbeats) and bounded (a timeout), and honouring its cancellation. */
import { Context } from '@temporalio/activity';

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (a unit test)
  }
}

/** Heartbeats every second while `work` runs, so the workflow's cancellation reaches the activity. */
export async function whileHeartbeating<T>(work: Promise<T>): Promise<T> {
  const context = currentContext();
  if (!context) return work;
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), 1_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** Fails (retryably) when `work` takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the mail provider did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops here when the workflow has cancelled the activity (seen through a heartbeat). */
export function throwIfCancelled(): void {
  const context = currentContext();
  if (!context) return;
  context.heartbeat();
  const signal = context.cancellationSignal;
  if (signal.aborted) throw signal.reason;
}
