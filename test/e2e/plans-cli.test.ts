/**
 * `collections plans` through the real command line against the whole engine (its Temporal dev
 * server, worker and Postgres): a plan proposed, shown and cancelled by the person named with --by;
 * a custom plan approved in the approver role given; terms recommended; bad flags refused with the
 * flag and the reason, and nothing started; a clear message when the engine is not running.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';
import { runCommandLine } from '../support/command-line';

const TASK_QUEUE = 'plans-cli-e2e';

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack(TASK_QUEUE);
  const erp = await stack.api.createKey('system', { holder: 'ERP' });
  for (const [invoiceId, dueInDays] of [['PC-1', -30], ['PC-2', -5]] as const) {
    const registered = await stack.call('POST', '/invoices', {
      invoiceId, invoiceNumber: `N-${invoiceId}`, amount: { amountMinor: 45_000, currency: 'USD' }, dueDate: addDays(isoDateOf(Date.now()), dueInDays),
      customer: { customerId: 'C-PC', name: 'Contoso Ltd', email: 'ap@contoso.example', segment: 'smb' },
    }, erp);
    expect(registered.status).toBe(201);
    await eventually(() => stack.call('GET', `/invoices/${invoiceId}`), (s) => s.body?.recentHistory?.length >= 2);
  }
});

afterAll(async () => {
  await stack?.close();
});

/** The command line on the stack's database and Temporal. */
function collections(...args: string[]) {
  return runCommandLine({ DATABASE_URL: stack.db.url, TEMPORAL_ADDRESS: stack.env.address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: TASK_QUEUE }, args);
}

test('propose, show and cancel a plan; who acted is --by', async () => {
  const proposed = await collections('plans', 'propose', 'PC-PLAN', '--invoices', 'PC-1,PC-2', '--term-days', '60', '--by', 'Carla Collector');
  expect(proposed).toMatchObject({ code: 0, stderr: '' });
  expect(proposed.stdout).toContain('Plan PC-PLAN accepted (standard): $900.00 in 2 installments');
  expect(proposed.stdout).toMatch(/^ {2}1 +\d{4}-\d\d-\d\d +\$450\.00 +\$0\.00 +\w+ +PC-1 \$450\.00$/m);
  expect(proposed.stdout).toMatch(/^ {2}2 +\d{4}-\d\d-\d\d +\$450\.00 +\$0\.00 +\w+ +PC-2 \$450\.00$/m);

  await eventually(() => stack.call('GET', '/plans/PC-PLAN'), (answer) => answer.body?.invoices?.every((invoice: { joined: boolean }) => invoice.joined));
  const shown = await collections('plans', 'show', 'PC-PLAN');
  expect(shown).toMatchObject({ code: 0, stderr: '' });
  expect(shown.stdout).toContain('Plan PC-PLAN: active (standard)');
  expect(shown.stdout).toMatch(/^ {2}proposed +by Carla Collector; no approval$/m);
  expect(shown.stdout).toMatch(/^ {2}total +\$900\.00 +paid \$0\.00 +remaining \$900\.00$/m);
  expect(shown.stdout).toMatch(/^ {2}PC-1 +N-PC-1 +\$450\.00 +\$0\.00 +joined$/m);
  const json = await collections('plans', 'show', 'PC-PLAN', '--json');
  expect(JSON.parse(json.stdout)).toMatchObject({ planId: 'PC-PLAN', status: 'active', proposedBy: 'Carla Collector', terms: { termDays: 60, installmentCount: 2 } });

  const cancelled = await collections('plans', 'cancel', 'PC-PLAN', '--by', 'Max Manager', '--reason', 'customer paid in full elsewhere', '--json');
  expect(cancelled).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(cancelled.stdout).timeline).toEqual(expect.arrayContaining([expect.objectContaining({ summary: expect.stringContaining('Max Manager') })]));
  const ended = await eventually(() => stack.call('GET', '/plans/PC-PLAN'), (answer) => answer.body?.status === 'cancelled');
  expect(ended.body.status).toBe('cancelled');
  const again = await collections('plans', 'cancel', 'PC-PLAN', '--by', 'Max Manager', '--reason', 'twice');
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^payment plan PC-PLAN is cancelled; (it cannot be cancelled|nothing can change it)\n$/);
  expect(await collections('plans', 'show', 'PC-NONE')).toMatchObject({ code: 1, stderr: 'payment plan PC-NONE does not exist\n' });
}, 180_000);

test('a custom plan waits for approval and is approved in the approver role given; terms are recommended', async () => {
  await stack.env.client.workflow.getHandle('plan-PC-PLAN').result(); // the cancelled plan has let its invoices go
  const recommended = await collections('plans', 'recommend', '--customer', 'C-PC');
  expect(recommended).toMatchObject({ code: 0, stderr: '' });
  expect(recommended.stdout).toContain('Customer C-PC owes $900.00 on PC-1, PC-2.');
  expect(recommended.stdout).toMatch(/^Propose it with "collections plans propose <planId> --invoices PC-1,PC-2 --term-days \d+ --installments \d+/m);

  const proposed = await collections('plans', 'propose', 'PC-CUSTOM', '--invoices', 'PC-1,PC-2', '--term-days', '120', '--installments', '4', '--by', 'Carla Collector');
  expect(proposed).toMatchObject({ code: 0, stderr: '' });
  expect(proposed.stdout).toContain('Plan PC-CUSTOM waits for approval (custom): a term of 120 days is longer than the 90 days the policy allows without approval.');
  const noRole = await collections('plans', 'approve', 'PC-CUSTOM', '--by', 'Ann Lee');
  expect(noRole).toMatchObject({ code: 2, stderr: expect.stringContaining('--approver-role: is required to approve') });
  const approved = await collections('plans', 'approve', 'PC-CUSTOM', '--by', 'Ann Lee', '--approver-role', 'ar-manager', '--note', 'seasonal business');
  expect(approved).toMatchObject({ code: 0, stderr: '' });
  expect(approved.stdout).toMatch(/^ {2}proposed +by Carla Collector; approved by Ann Lee \(ar-manager\): seasonal business$/m);
  expect((await eventually(() => stack.call('GET', '/plans/PC-CUSTOM'), (answer) => answer.body?.status === 'active')).body.status).toBe('active');
}, 180_000);

test('a bad flag is refused with the flag and the reason, and no plan starts', async () => {
  const bad = await collections('plans', 'propose', 'PC-FLAGS', '--invoices', 'PC-1', '--term-days', 'sixty', '--installments', '2.5');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--term-days: must be a number\n');
  expect(bad.stderr).toContain('--installments: must be a whole number\n');
  expect(bad.stderr).toContain('--by: is required\n');
  expect(bad.stdout).toBe('');
  const unknown = await collections('plans', 'propose', 'PC-FLAGS', '--invoices', 'PC-1', '--term-days', '60', '--by', 'Carla', '--term', '90');
  expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--term'") });
  const never = await stack.env.client.workflow.getHandle('plan-PC-FLAGS').describe().catch((error: unknown) => error);
  expect(never).toBeInstanceOf(WorkflowNotFoundError);
  // Flags the schema accepts but the plan does not: its own refusal, naming the flag.
  const refused = await collections('plans', 'propose', 'PC-UNKNOWN', '--invoices', 'PC-NOPE', '--term-days', '60', '--by', 'Carla');
  expect(refused).toMatchObject({ code: 1, stderr: '--invoices: no invoice PC-NOPE is registered\nplan PC-UNKNOWN refused; a plan id is used once, so propose again under another\n' });
}, 180_000);

test('without a running engine the command says so', async () => {
  const answer = await runCommandLine({ TEMPORAL_ADDRESS: '127.0.0.1:1' }, ['plans', 'show', 'PC-PLAN']);
  expect(answer.code).toBe(1);
  expect(answer.stderr).toContain('no Temporal server answers at 127.0.0.1:1: the engine is not running. Start it with "npm start"');
}, 60_000);
