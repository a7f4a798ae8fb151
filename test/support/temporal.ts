/** Temporal environments for tests, on the pinned executables from src/temporal/toolchain. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES, registerSearchAttributes } from '../../src/temporal/search-attributes';
import { ensureTemporalCli, ensureTestServer } from '../../src/temporal/toolchain';

/** The workflow bundle built once by global-setup. */
export function workflowBundle(): { codePath: string } {
  return { codePath: process.env.TEST_WORKFLOW_BUNDLE as string };
}

/**
 * The Java time-skipping server on the pinned executable. The SDK gives a server 5 s to listen, which
 * a JVM starting on a busy machine can miss: a start that timed out is tried again, on a new port.
 */
export async function startTimeSkippingServer(attempts = 3): Promise<TestWorkflowEnvironment> {
  const path = await ensureTestServer();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping(path ? { server: { executable: { type: 'existing-path', path } } } : undefined);
    } catch (error) {
      if (attempt >= attempts || !/did not start within/.test(String(error))) throw error;
    }
  }
}

/** The Java time-skipping server with this project's search attributes registered (it knows none by itself). */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const env = await startTimeSkippingServer();
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** A real Temporal dev server (the CLI's), with the search attributes given at start. */
export async function devServerEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(path ? { executable: { type: 'existing-path' as const, path } } : {}),
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      extraArgs: ['--log-level', 'error'],
    },
  });
}
