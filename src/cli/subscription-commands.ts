/**
 * `subscriptions add --url URL [--types T,T] [--description TEXT] --by NAME`, `subscriptions list`,
 * `subscriptions remove <id> --by NAME`: subscribers to outbound events, from a terminal, checked with
 * the API's own schema. A new subscription's signing secret is printed once; a list shows none.
 * They work on the engine's database as the keys commands do.
 */
import { parseArgs } from 'node:util';
import { singleLine } from '../domain/invoice-messages';
import { OUTBOUND_EVENT_TYPES } from '../events/outbound-events';
import { createSubscription, deactivateSubscription, listSubscriptions, newSubscriptionSchema } from '../events/subscriptions';
import { withKeyStore } from './key-commands';

const USAGE = [
  'usage: subscriptions add --url URL [--types TYPE,…] [--description TEXT] --by NAME   subscribe a URL; prints its signing secret once',
  `         types: ${OUTBOUND_EVENT_TYPES.join(', ')} (every type when left out)`,
  '       subscriptions list                                                            every subscription, without secrets',
  '       subscriptions remove <id> --by NAME                                           stop one: nothing more is sent to it',
].join('\n');

const OPTION_OF: Record<string, string> = { url: '--url', eventTypes: '--types', description: '--description', by: '--by' };

/** Who acts: the person at the terminal, as an API key names its holder. */
const byField = singleLine(200);

/** Writes each problem with the option it is about, then the usage; answers exit code 2. */
function refuse(problems: { option: string; reason: string }[]): number {
  for (const { option, reason } of problems) process.stderr.write(`${option}: ${reason}\n`);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

/** The options and positionals, or undefined (the reason and the usage written) when node's parser refuses them. */
function parse(args: string[], options: Record<string, { type: 'string' }>) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return undefined;
  }
}

async function add(args: string[]): Promise<number> {
  const parsed = parse(args, { url: { type: 'string' }, types: { type: 'string' }, description: { type: 'string' }, by: { type: 'string' } });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const request = newSubscriptionSchema.safeParse({
    url: values.url, eventTypes: values.types?.split(',').map((type) => type.trim()), description: values.description,
  });
  const by = byField.safeParse(values.by);
  const problems = [
    ...(request.error?.issues ?? []).map((issue) => ({ option: OPTION_OF[String(issue.path[0])] ?? String(issue.path[0]), reason: issue.code === 'invalid_type' ? 'is required' : issue.message })),
    ...(by.success ? [] : [{ option: '--by', reason: values.by === undefined ? 'is required: who subscribes' : by.error.issues[0].message }]),
    ...(positionals.length > 0 ? [{ option: positionals[0], reason: 'is not an option of subscriptions add' }] : []),
  ];
  if (!request.success || !by.success || problems.length > 0) return refuse(problems);
  return withKeyStore(async (db) => {
    const created = await createSubscription(db, request.data, by.data);
    process.stdout.write([
      `subscription ${created.subscriptionId} created for ${created.url} (${created.eventTypes?.join(', ') ?? 'every event type'}); its signing secret:`,
      '',
      `  ${created.signingSecret}`,
      '',
      'It is shown only this once. Deliveries carry Standard Webhooks signatures (webhook-id, webhook-timestamp,',
      `webhook-signature) made with it; stop them with "collections subscriptions remove ${created.subscriptionId} --by NAME".`,
      '',
    ].join('\n'));
    return 0;
  });
}

const when = (instant: Date | null) => (instant ? instant.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

async function list(): Promise<number> {
  return withKeyStore(async (db) => {
    const subscriptions = await listSubscriptions(db);
    if (subscriptions.length === 0) {
      process.stdout.write('no subscriptions; add one with "collections subscriptions add --url URL --by NAME"\n');
      return 0;
    }
    const rows = subscriptions.map((s) => [s.subscriptionId, s.active ? 'active' : `stopped ${when(s.deactivatedAt)}`, s.eventTypes?.join(',') ?? 'all',
      when(s.createdAt), s.createdBy, s.url]);
    const header = ['ID', 'STATUS', 'TYPES', 'CREATED', 'BY', 'URL'];
    const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
    for (const row of [header, ...rows]) {
      process.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')}\n`);
    }
    return 0;
  });
}

async function remove(args: string[]): Promise<number> {
  const parsed = parse(args, { by: { type: 'string' } });
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const by = byField.safeParse(values.by);
  if (positionals.length !== 1 || !by.success) {
    return refuse(by.success ? [] : [{ option: '--by', reason: values.by === undefined ? 'is required: who stops it' : by.error.issues[0].message }]);
  }
  return withKeyStore(async (db) => {
    const stopped = await deactivateSubscription(db, positionals[0], by.data);
    if (!stopped) {
      process.stderr.write(`no subscription with id ${positionals[0]} (see "collections subscriptions list")\n`);
      return 1;
    }
    process.stdout.write(`subscription ${stopped.subscriptionId} to ${stopped.url} is stopped (since ${when(stopped.deactivatedAt)}); nothing more is sent to it\n`);
    return 0;
  });
}

/** Runs a `subscriptions` sub-command with its arguments; answers the exit code. */
export async function runSubscriptionCommand(args: string[]): Promise<number> {
  const [mode, ...rest] = args;
  if (mode === 'add') return add(rest);
  if (mode === 'list' && rest.length === 0) return list();
  if (mode === 'remove') return remove(rest);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
