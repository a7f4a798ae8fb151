/**
 * Throws random and malformed requests at every route of a running engine's API and reports any
 * 5xx or unanswered request; bad input must always get a 4xx naming the field. The requests are
 * those of the property test test/e2e/api-fuzz.test.ts (scripts/api-fuzz-requests.ts). It first
 * registers three FZ-INV-* invoices and saves policy `fuzz`, so requests reach past "not found".
 * It needs an admin API key in COLLECTIONS_API_KEY (the one `npm start` prints on a fresh install,
 * or `npm run collections -- keys create --holder fuzz --role admin`); FUZZ_KEYS may add keys of
 * other roles, comma-separated.
 *
 *   npm start -- --demo            # in another terminal
 *   COLLECTIONS_API_KEY=ce_… npx tsx scripts/fuzz-api.ts [baseUrl] [requests] [seed]
 *
 * Exits 1 when any request got a 5xx or no answer.
 */
import fc from 'fast-check';
import { apiRequest, FUZZED_ROUTES, prepareFuzzContext, send } from './api-fuzz-requests';

const [baseUrl = 'http://localhost:3000/v1', countArg = '10000', seedArg] = process.argv.slice(2);

async function main(): Promise<void> {
  const adminKey = process.env.COLLECTIONS_API_KEY;
  if (!adminKey) throw new Error('COLLECTIONS_API_KEY must hold an admin API key');
  const context = await prepareFuzzContext(baseUrl, adminKey, (process.env.FUZZ_KEYS ?? '').split(',').filter((key) => key !== ''));
  const seed = seedArg === undefined ? Date.now() : Number(seedArg);
  const requests = fc.sample(apiRequest(context), { numRuns: Number(countArg), seed });
  const statuses = new Map<number, number>();
  const routes = new Set<string>();
  const failures: string[] = [];
  const started = performance.now();
  for (const request of requests) {
    routes.add(request.route);
    const label = `${request.method} ${request.path.slice(0, 160)} ${request.body?.slice(0, 120) ?? ''}`;
    try {
      const status = await send(baseUrl, request);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) failures.push(`${status} ${label}`);
    } catch (error) {
      failures.push(`no answer ${label}: ${String(error)}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${requests.length} requests over ${routes.size} of ${FUZZED_ROUTES.length} routes in ${seconds.toFixed(1)} s (seed ${seed}); `
    + `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`);
  process.stdout.write(`5xx or no answer: ${failures.length}\n${failures.slice(0, 20).join('\n')}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
