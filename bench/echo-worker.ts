/**
 * The echo workflow's worker as a process of its own (BENCH_WORKER=process), so the bare update's
 * worker is placed as the collections worker is. Started by server-stack.ts with ECHO_ADDRESS; says
 * "ready" on stdout once polling, and drains on SIGTERM.
 */
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

export const ECHO_TASK_QUEUE = 'bench-echo';

/** The echo worker on `connection`, its bundle built first. */
export async function createEchoWorker(connection: NativeConnection): Promise<Worker> {
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'echo-workflow.ts'), logger: new DefaultLogger('ERROR') });
  return Worker.create({ connection, namespace: 'default', taskQueue: ECHO_TASK_QUEUE, workflowBundle });
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: process.env.ECHO_ADDRESS as string });
  const worker = await createEchoWorker(connection);
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  console.log('ready');
  await running;
  await connection.close();
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
