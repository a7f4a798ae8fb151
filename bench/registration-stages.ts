/**
 * Prints figures (not a test): what one registration through the API is made of, each part timed on
 * its own, one at a time and at concurrency 16, on the dev server (or BENCH_SERVER=cluster) and embedded Postgres: the API key
 * check, the ledger write (which picks the policy version), the policy document (kept once read), the workflow start, an authenticated request that does
 * nothing (HTTP and the middleware), and the whole registration; then a second round of starts.
 *
 *   npm run bench:stages        (STAGES_COUNT=240 calls per part at concurrency 16)
 */
import { authenticateKey } from '../src/api/access/api-keys';
import { addDays, isoDateOf } from '../src/domain/calendar';
import { DEFAULT_POLICY } from '../src/domain/policy/default-policy';
import { saveRegistration } from '../src/invoices/invoice-store';
import { startInvoiceCollection } from '../src/invoices/start-collection';
import { policyVersion } from '../src/policies/policy-store';
import type { InvoiceCollectionInput } from '../workflows/invoice-collection/definitions';
import { load, machine, reproduce } from './bench-machine';
import { PIN_SERVER } from './core-pinning';
import { cpuByProcess, cpuPerOperation } from './process-cpu';
import { SERVER_NAME, SERVER_SETTING, serveApi, startServerAndLedger } from './server-stack';

const COUNT = Number(process.env.STAGES_COUNT ?? 240);
const TASK_QUEUE = 'registration-stages'; // no worker polls it: only the start is timed

function invoice(prefix: string, index: number): InvoiceCollectionInput {
  return {
    invoice: { invoiceId: `${prefix}-${index}`, invoiceNumber: `${prefix}-${index}`, amount: { amountMinor: 100_000 + index, currency: 'USD' }, dueDate: addDays(isoDateOf(Date.now()), 20) },
    customer: { customerId: `C-${index % 50}`, name: `Customer ${index % 50}`, email: `ap${index % 50}@example.com`, segment: 'smb', riskTier: 'green' },
    policy: DEFAULT_POLICY,
  };
}

/** Runs `work` for 0..count-1 with at most `concurrency` in flight; returns elapsed ms. */
async function timed(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await work(next++);
  }));
  return performance.now() - started;
}

async function main(): Promise<void> {
  console.log(`registration stages — ${new Date().toISOString()}; ${SERVER_NAME}; ${machine()}; ${load()}`);
  const { env, db, stop } = await startServerAndLedger();
  const { key, http, close } = await serveApi(db, env.client, TASK_QUEUE, 'stages bench');
  try {
    for (const concurrency of [1, 16]) {
      const count = concurrency === 1 ? Math.max(20, Math.floor(COUNT / 4)) : COUNT;
      const round = `c${concurrency}`;
      const parts: [string, (index: number) => Promise<void>][] = [
        ['API key check (one read)', async () => { await authenticateKey(db, key); }],
        ['ledger write (customer, invoice and policy version, one statement)', async (i) => {
          const { invoice: details, customer } = invoice(`S${round}`, i);
          await saveRegistration(db, { invoice: details, customer, policy: { policyId: DEFAULT_POLICY.policyId } });
        }],
        ['the policy version (read once, then kept)', async () => { await policyVersion(db, DEFAULT_POLICY.policyId, DEFAULT_POLICY.version); }],
        ['workflow start', async (i) => { await startInvoiceCollection(env.client, TASK_QUEUE, invoice(`S${round}`, i)); }],
        ['an authenticated request answered 404 (HTTP, middleware)', async () => { await http.get('/invoices/none'); }],
        ['registration through the API (all of the above)', async (i) => {
          const { invoice: details, customer } = invoice(`A${round}`, i);
          const response = await http.post('/invoices', { ...details, customer });
          if (response.status !== 201) throw new Error(`registration: ${response.status} ${JSON.stringify(response.body)}`);
        }],
        ['workflow start, again', async (i) => { await startInvoiceCollection(env.client, TASK_QUEUE, invoice(`T${round}`, i)); }],
      ];
      console.log(`\nconcurrency ${concurrency}, ${count} calls each   [${load()}]`);
      for (const [label, work] of parts) {
        const before = cpuByProcess();
        const ms = await timed(count, concurrency, work);
        console.log(`  ${(count / (ms / 1000)).toFixed(1).padStart(8)} /s  ${((ms / count) * concurrency).toFixed(1).padStart(7)} ms each  ${label}`);
        if (concurrency > 1) console.log(`  ${''.padStart(27)}${cpuPerOperation(before, cpuByProcess(), count)}`);
      }
    }
    console.log(`\nreproduce: ${reproduce('bench:stages', { STAGES_COUNT: COUNT, ...(PIN_SERVER ? { BENCH_PIN_SERVER: 1 } : {}), ...SERVER_SETTING })}`);
  } finally {
    await close();
    await stop();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
