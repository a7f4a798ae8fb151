/**
 * `npm start -- --demo` twice on one day: the second run finds its invoices registered, one of them
 * already ended, and leaves everything as it is instead of failing.
 */
import { loadDemo } from '../../src/cli/demo';
import { cancelInvoiceSignal, invoiceWorkflowId } from '../../workflows/invoice-collection/definitions';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

const TASK_QUEUE = 'collections-demo-e2e';
const LIFECYCLE_EVENTS = ['dispute_opened', 'promise_made', 'hold_placed'];

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack(TASK_QUEUE);
});

afterAll(async () => {
  await stack?.close();
});

const deps = () => ({ db: stack.db.pool, client: stack.env.client, taskQueue: TASK_QUEUE });

async function lifecycleEvents(ids: string[]): Promise<string[]> {
  const result = await stack.db.pool.query<{ invoice_id: string; type: string }>(
    'SELECT invoice_id, type FROM collection_events WHERE invoice_id = ANY($1) AND type = ANY($2) ORDER BY invoice_id, type',
    [ids, LIFECYCLE_EVENTS]);
  return result.rows.map((row) => `${row.invoice_id} ${row.type}`);
}

test('the demo loads a second time on the same day, after one of its invoices has ended, without error and without changes', async () => {
  const first = await loadDemo(deps());
  expect(first.created).toEqual(first.ids);
  expect(first.ids).toHaveLength(10);
  const shown = await eventually(() => lifecycleEvents(first.ids), (events) => events.length === 3);
  expect(shown).toHaveLength(3);

  // The disputed invoice is voided: its workflow ends, and any update to it now answers "already completed".
  const ended = stack.env.client.workflow.getHandle(invoiceWorkflowId(first.ids[2]));
  await ended.signal(cancelInvoiceSignal, { reason: 'voided' });
  await ended.result();

  const second = await loadDemo(deps());
  expect(second).toEqual({ ids: first.ids, created: [] });
  expect(await lifecycleEvents(first.ids)).toEqual(shown);
});
