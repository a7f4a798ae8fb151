/**
 * The whole engine for end-to-end tests: a real Temporal dev server, a worker with the real
 * activities, a fresh Postgres, the Resend stand-in and the HTTP API on a loopback port.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { EVERY_DAY_POLICY } from './invoice-fixtures';
import { startTestApi, type TestApi } from './api-server';
import { testWorker } from './collections-worker';
import { freshDatabase, type TestDatabase } from './database';
import { startResendStandIn, type ResendStandIn } from './resend-stand-in';
import { devServerEnvironment } from './temporal';

export interface ApiAnswer {
  status: number;
  type: string;
  // Tests read whatever the API answered.
  body: any;
}

export interface E2eStack {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  resend: ResendStandIn;
  /** The API, its admin key, and keys of other roles on request. */
  api: TestApi;
  /** Calls the API with a JSON body and reads the JSON answer, with `key` (the admin key unless given). */
  call(method: string, path: string, body?: unknown, key?: string): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export async function startE2eStack(taskQueue: string): Promise<E2eStack> {
  const [env, db, resend] = await Promise.all([devServerEnvironment(), freshDatabase(), startResendStandIn()]);
  // Contact any day and hour: these tests are about the API, whatever the wall clock says (contact windows are tested on the time-skipping server).
  await ensureDefaultPolicy(db.pool, EVERY_DAY_POLICY);
  const worker = await testWorker(env.nativeConnection, taskQueue, db.pool, resend.baseUrl);
  const running = worker.run();
  const api = await startTestApi({ db: db.pool, client: env.client, taskQueue });
  return {
    env, db, resend, api,
    async call(method, path, body, key) {
      const response = await api.fetch(path, {
        method,
        key,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await api.close();
      worker.shutdown();
      await running;
      await Promise.all([env.teardown(), db.drop(), resend.close()]);
    },
  };
}

/** Polls `probe` until `done` holds (or the time is up) and returns the last value. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
