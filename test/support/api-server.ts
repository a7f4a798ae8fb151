/** Serves the real express app on an ephemeral loopback port for end-to-end tests. */
import type { Server } from 'node:http';
import { createApp, type ApiDependencies } from '../../src/api/app';
import { createLogger } from '../../src/logger';

export interface TestApi {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startTestApi(deps: Omit<ApiDependencies, 'log'>): Promise<TestApi> {
  const app = createApp({ ...deps, log: createLogger('silent') });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const address = server.address();
  return {
    baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
