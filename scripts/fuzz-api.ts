/**
 * Throws malformed and random requests at a running engine's invoice endpoints and reports any 5xx
 * or hung request; bad input must always get a 4xx naming the field. Prints figures, asserts nothing.
 *
 *   npm start -- --demo            # in another terminal
 *   npx tsx scripts/fuzz-api.ts [baseUrl] [invoiceId] [requests]
 */
const [baseUrl = 'http://localhost:3000/v1', invoiceArg, countArg = '1500'] = process.argv.slice(2);
const invoiceId = invoiceArg || `DEMO-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-03`;

const VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 1e300, 'x', '', ' ', '\u0000', 'é'.repeat(5000), [], {}, [1], { amountMinor: 1 },
  { amountMinor: 1, currency: 'USD' }, { amountMinor: -5, currency: 'USD' }, { amountMinor: 9007199254740993, currency: 'USD' },
  '2026-02-30', '1900-01-01', '2099-01-01', 'customer', 'company', 'legal', 'agency', 'all', 'pricing', 'vip', 'seasonal',
];

/** Each endpoint under /invoices/{id} and the fields its body may have. */
const ENDPOINTS: [string, string[]][] = [
  ['/payments', ['paymentId', 'amount', 'receivedAt', 'method']],
  ['/disputes', ['disputeId', 'category', 'amount', 'reason']],
  ['/disputes/D-1/resolution', ['inFavourOf', 'creditMemo', 'resolvedBy', 'note']],
  ['/promises', ['promiseId', 'amount', 'promisedDate', 'takenBy']],
  ['/holds', ['holdId', 'kind', 'reason', 'until']],
  ['/holds/H-1/release', ['releasedBy']],
  ['/escalation-decisions', ['level', 'approved', 'decidedBy', 'note']],
  ['/charge-waivers', ['kind', 'decidedBy', 'reason']],
  ['/settlement-offers', ['offerId', 'amount', 'proposedBy']],
  ['/settlement-offers/S-1/decision', ['approved', 'decidedBy']],
  ['/payments/p-1/reversal', ['reason']],
  ['/bankruptcy', ['reference', 'reportedBy']],
  ['/write-off-decision', ['approved', 'decidedBy', 'role', 'note']],
  ['/policy', ['version', 'policyId', 'movedBy', 'reason']],
  ['/cancel', ['reason']],
];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const textual = (field: string) => /(Id|By)$|^reason$|^reference$/.test(field);

async function main(): Promise<void> {
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  const started = performance.now();
  for (let i = 0; i < Number(countArg); i++) {
    const [path, fields] = pick(ENDPOINTS.filter(([p]) => p !== '/cancel' || Math.random() < 0.02));
    const body: Record<string, unknown> = {};
    for (const field of fields) if (Math.random() < 0.8) body[field] = textual(field) && Math.random() < 0.5 ? `v${i}` : pick(VALUES);
    const raw = Math.random() < 0.05 ? '{"broken":' : JSON.stringify(Math.random() < 0.05 ? pick(VALUES) : body);
    const target = `${baseUrl}/invoices/${Math.random() < 0.1 ? 'NOPE' : invoiceId}${path}`;
    try {
      const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw, signal: AbortSignal.timeout(15_000) });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) failures.push(`${response.status} POST ${target} ${raw.slice(0, 120)}`);
    } catch (error) {
      failures.push(`no answer POST ${target} ${raw.slice(0, 120)}: ${String(error)}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${countArg} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
  process.stdout.write(`5xx or no answer: ${failures.length}\n${failures.slice(0, 20).join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
