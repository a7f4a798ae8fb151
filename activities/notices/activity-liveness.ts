/** Keeping a long activity visible to the server (heartbeats) and bounded (a timeout), and honouring its cancellation. */
import { Context } from '@temporalio/activity';

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (a unit test)
  }
}

/**
 * Heartbeats every second while `work` runs, so the workflow's cancellation reaches a send that hangs.
 * The first goes out after a second, not at once: each heartbeat the server sees is a billed action,
 * and a send answered sooner needs none (the invoice's row lock already serialised it with payments).
 */
export async function whileHeartbeating<T>(work: Promise<T>): Promise<T> {
  const context = currentContext();
  if (!context) return work;
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

/**
 * Stops here when the workflow's cancellation has reached the activity. It sends no heartbeat: a
 * cancellation comes back in a heartbeat's answer, so one sent here could not be seen here anyway,
 * and it would be a billed action on every message.
 */
export function throwIfCancelled(): void {
  const context = currentContext();
  if (!context) return;
  const signal = context.cancellationSignal;
  if (signal.aborted) throw signal.reason;
}
