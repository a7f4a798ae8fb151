/**
 * The smallest workflow with the invoice workflow's wait: a condition with a timeout that an update
 * can cut short. Woken early, the SDK cancels the timer; when the timer fires at the same instant,
 * the workflow task that cancels it races the timer's firing. See test/e2e/timer-collision.test.ts.
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const wakeUpdate = defineUpdate<string, [string]>('wake');

/**
 * Waits `ms` or until woken; answers how it ended. `workPerUpdate` spins the update's workflow task
 * for a while (as a real workflow's handler does work), widening the window in which the timer can
 * fire while the task is with the worker.
 */
export async function earlyWake(ms: number, workPerUpdate = 0): Promise<string> {
  let wokenBy: string | undefined;
  setHandler(wakeUpdate, (by) => {
    let spin = 0;
    for (let i = 0; i < workPerUpdate; i += 1) spin += i % 7;
    wokenBy ??= spin >= 0 ? by : by;
    return wokenBy;
  });
  const woken = await condition(() => wokenBy !== undefined, ms);
  return woken ? `woken by ${wokenBy}` : 'timer fired';
}
