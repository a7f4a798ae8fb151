/**
 * Serves the real express app on an ephemeral loopback port for end-to-end tests, with an admin API
 * key created for the test (and more keys, of any role, on request).
 */
import type { Server } from 'node:http';
import { answerClientErrors } from '../../src/api/client-errors';
import { createApiKey, type ApiRole } from '../../src/api/access/api-keys';
import { createApp, type ApiDependencies } from '../../src/api/app';
import { createLogger } from '../../src/logger';

export interface TestApi {
  baseUrl: string;
  /** An admin key created for this API's tests (holder `test admin`). */
  adminKey: string;
  /** Creates a key of `role` (holder `test <role>` unless given) and answers it. */
  createKey(role: ApiRole, options?: { holder?: string; approverRole?: string }): Promise<string>;
  /** fetch below the base URL with `key` (the admin key unless given) as the bearer credential. */
  fetch(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestApi(deps: Omit<ApiDependencies, 'log'>): Promise<TestApi> {
  // Tests call far faster than any client: no rate limit unless a test sets its own.
  const app = createApp({ rateLimit: { limit: 1_000_000, windowMs: 60_000 }, ...deps, log: createLogger('silent') });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  answerClientErrors(server);
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  const createKey: TestApi['createKey'] = async (role, options = {}) => (await createApiKey(deps.db, {
    holder: options.holder ?? `test ${role}`, role, ...(options.approverRole ? { approverRole: options.approverRole } : {}),
  })).key;
  const adminKey = await createKey('admin', { holder: 'test admin' });
  return {
    baseUrl,
    adminKey,
    createKey,
    fetch: (path, { key = adminKey, headers, ...init } = {}) => fetch(`${baseUrl}${path}`, {
      ...init, headers: { ...Object.fromEntries(new Headers(headers).entries()), authorization: `Bearer ${key}` },
    }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
