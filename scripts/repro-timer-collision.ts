/**
 * Reproduces, on the Java time-skipping test server, the wedge an update causes when it lands the
 * instant a workflow's timer fires (see test/e2e/timer-collision.test.ts, which shows a real dev
 * server handling the same collision). Starts 20 small workflows waiting on `condition(…, 3 s)`
 * and sends each an update within ±60 ms of its timer; prints how many answered and how many runs
 * ended. On the test server some runs stop for good: the worker's completion that cancels the
 * already-fired timer is refused ("invalid history builder state for action") and never retried.
 *
 *   npx tsx scripts/repro-timer-collision.ts [time-skipping|dev-server]
 */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { ensureTemporalCli, ensureTestServer } from '../src/temporal/toolchain';
import { earlyWake, wakeUpdate } from '../test/workflows/support/early-wake';

const TIMER_MS = 3_000;
const RUNS = 20;
/** Loop iterations in each update's handler (about 100 ms here): a workflow task that takes a while, like the invoice's. */
const WORK_PER_UPDATE = 100_000_000;

async function environment(kind: string): Promise<TestWorkflowEnvironment> {
  if (kind === 'dev-server') {
    const cli = await ensureTemporalCli();
    return TestWorkflowEnvironment.createLocal(cli ? { server: { executable: { type: 'existing-path', path: cli } } } : undefined);
  }
  const testServer = await ensureTestServer();
  return TestWorkflowEnvironment.createTimeSkipping(testServer ? { server: { executable: { type: 'existing-path', path: testServer } } } : undefined);
}

async function main(): Promise<void> {
  const kind = process.argv[2] ?? 'time-skipping';
  const env = await environment(kind);
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, '..', 'test', 'workflows', 'support', 'early-wake.ts') });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'repro', workflowBundle });
  const outcome = await worker.runUntil(async () => {
    const handles = await Promise.all(Array.from({ length: RUNS }, (_, i) =>
      env.client.workflow.start(earlyWake, { taskQueue: 'repro', workflowId: `repro-${Date.now()}-${i}`, args: [TIMER_MS, WORK_PER_UPDATE] })));
    const firstStart = Date.now();
    return Promise.all(handles.map(async (handle, i) => {
      const startedAt = (await handle.describe()).startTime.getTime();
      const offset = -60 + ((i * 127) % 121);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + TIMER_MS + offset - Date.now())));
      const within = <T>(work: Promise<T>, fallback: T) => Promise.race([work, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), 10_000))]);
      const answered = await within(handle.executeUpdate(wakeUpdate, { args: [`update ${i}`] }).then(() => true, () => true), false);
      const ended = await within(handle.result().then(() => true, () => true), false);
      return { answered, ended, startedAfterMs: startedAt - firstStart };
    }));
  });
  const answered = outcome.filter((run) => run.answered).length;
  const ended = outcome.filter((run) => run.ended).length;
  process.stdout.write(`${kind}: ${answered}/${RUNS} updates answered within 10 s, ${ended}/${RUNS} runs ended\n`);
  await env.teardown();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
