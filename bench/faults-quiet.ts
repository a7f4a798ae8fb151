/** Waits until the engine has nothing left to do: no send pending, and nothing new reaching the stand-in or the read model for a while. */
import type { Pool } from 'pg';
import type { ResendStandIn } from '../test/support/resend-stand-in';

/** Longer than a retried activity's backoff after the faults, so a late retry is still seen. */
const STILL_MS = 30_000;
const LIMIT_MS = 10 * 60_000;

export async function waitForQuiet(db: Pool, resend: ResendStandIn): Promise<void> {
  const deadline = Date.now() + LIMIT_MS;
  let last = '';
  let stillSince = Date.now();
  for (;;) {
    const { rows: [row] } = await db.query<{ pending: number; seq: string; payments: number }>(
      `SELECT (SELECT count(*)::int FROM communications WHERE status = 'pending') AS pending,
              (SELECT coalesce(sum(state_seq), 0)::text FROM invoices) AS seq,
              (SELECT count(*)::int FROM payments) AS payments`);
    const now = `${resend.requests.length}|${row.pending}|${row.seq}|${row.payments}`;
    if (now !== last) {
      last = now;
      stillSince = Date.now();
    } else if (row.pending === 0 && Date.now() - stillSince >= STILL_MS) {
      return;
    }
    if (Date.now() > deadline) {
      console.log(`  not quiet after ${LIMIT_MS / 60_000} minutes (${row.pending} sends pending): counting as it stands`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
