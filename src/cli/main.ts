/**
 * The command line.
 *   start [--demo]  everything in one process with embedded defaults (dev server, Postgres, worker, API)
 *   worker          the worker role only (production: TEMPORAL_ADDRESS and DATABASE_URL)
 *   api             the HTTP API role only
 *   migrate         apply database migrations and exit
 *   policy init [--aging-report r.csv] [--answers a.json] [--tone …] [--out p.json]   a policy from the consultant's questions
 *   policy validate|lint <file.json>   check a policy document (problems, then advice)
 *   policy checklist|diagram <file.json> [--segment smb]   the follow-up checklist (Markdown) or flowchart (Mermaid)
 *   policy pack <file.json> --out pack.xlsx [--markdown pack.md]   the strategy pack for AR teams
 *   template list | template preview <name> [--tone firm] [--format text|html|json]
 *   keys create --holder NAME --role ROLE [--approver-role cfo] | keys list | keys revoke <id>   API keys
 *   subscriptions add --url URL [--types …] --by NAME | subscriptions list | subscriptions remove <id> --by NAME   outbound events
 *   plans propose|approve|show|cancel|recommend …   payment plans on the running engine (see plan-commands.ts)
 *   audit export <invoiceId> [--out DIR] | audit replay <file|folder>…   an invoice's history and timeline; replay against this code
 */
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config';
import { createLogger, type Logger } from '../logger';
import { loadDemo } from './demo';
import { checkPolicyFile, initPolicy, renderPolicyFile } from './policy-commands';
import { runTemplateCommand } from './template-commands';
import { runKeyCommand } from './key-commands';
import { runSubscriptionCommand } from './subscription-commands';
import { runPlanCommand } from './plan-commands';
import { runAuditCommand } from './audit-commands';
import { createFirstAdminKey, localWebUiKey } from '../api/access/api-keys';
import { TemplateLibrary } from '../notices/template-library';
import { exportStrategyPack } from '../reports/strategy-pack-file';
import { startApiRole, startWorkerRole } from './engine';
import { installTemporalRuntime } from '../temporal/runtime';
import { startObservability } from '../observability/start';
import { openDatabase, openTemporal, type OpenDatabase, type OpenTemporal } from './infrastructure';
import { whenLauncherExits } from './launcher-watch';
import { takeOverShutdownSignals } from '../db/embedded-postgres';

type Stop = () => Promise<void>;

async function stopAll(stops: Stop[], log: Logger): Promise<void> {
  for (const step of [...stops].reverse()) {
    await step().catch((error) => log.error({ err: error }, 'error while shutting down'));
  }
  stops.length = 0;
}

/** Runs a start-up; if any part fails, stops what had started (an embedded Postgres would outlive us). */
async function startingUp(log: Logger, stops: Stop[], work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await stopAll(stops, log);
    throw error;
  }
}

/** Signals that stop the engine: Ctrl-C, a process manager's SIGTERM, a closed terminal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A shutdown that takes longer than this is cut short (child processes are killed on exit). */
const SHUTDOWN_LIMIT_MS = 30_000;

/**
 * Stops everything in reverse order on a stop signal, or when the command that launched the engine
 * has gone without passing the signal on (see launcher-watch.ts).
 */
function stopOnSignal(log: Logger, stops: Stop[]): void {
  takeOverShutdownSignals();
  let stopping = false;
  const stop = async (cause: string) => {
    // Repeats are common and mean nothing more: Ctrl-C reaches the engine directly and again through
    // tsx's relay, and ends npm's shell, which the launcher watch reports. The time limit is the backstop.
    if (stopping) return;
    stopping = true;
    log.info({ cause }, 'shutting down');
    setTimeout(() => {
      log.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown is taking too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    await stopAll(stops, log);
    log.info('stopped');
    process.exit(0);
  };
  // Not awaited on purpose: a listener cannot wait; stop() logs each failure and ends the process itself.
  for (const signal of STOP_SIGNALS) process.on(signal, () => void stop(signal));
  whenLauncherExits((reason) => void stop(reason));
}

/**
 * Reads configuration, installs shutdown on signals, opens Postgres and Temporal (embedded ones
 * only when `embedded`), then runs `roles`; a failure part-way stops what had started.
 */
async function withInfrastructure(
  embedded: boolean,
  roles: (context: { config: Config; log: Logger; stops: Stop[]; database: OpenDatabase; temporal: OpenTemporal }) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  installTemporalRuntime(log, { metricsBindAddress: config.observability.temporalMetricsBindAddress });
  const stops: Stop[] = [];
  stopOnSignal(log, stops);
  await startingUp(log, stops, async () => {
    // Before the Temporal client and worker, which pick up tracing; stopped last, so the shutdown's own spans leave.
    const observability = await startObservability(config.observability, { host: config.httpHost, log });
    stops.push(() => observability.stop());
    const database = await openDatabase(config, log, { allowEmbedded: embedded });
    stops.push(() => database.close());
    const webUiCodecKey = embedded && config.temporal.encryption && !config.temporal.address ? await localWebUiKey(database.db) : undefined;
    const temporal = await openTemporal(config, log, { allowDevServer: embedded, webUiCodecKey });
    stops.push(() => temporal.close());
    await roles({ config, log, stops, database, temporal });
  });
}

async function start(demo: boolean): Promise<void> {
  await withInfrastructure(true, async ({ config, log, stops, database, temporal }) => {
    const worker = await startWorkerRole(config, log, database, temporal);
    stops.push(() => worker.stop());
    const api = await startApiRole(config, log, database, temporal);
    stops.push(() => api.stop());
    printBanner(config, database, temporal, api.url, await createFirstAdminKey(database.db));
    if (demo) {
      const { ids, created } = await loadDemo({ db: database.db, client: temporal.client, taskQueue: config.temporal.taskQueue });
      const what = created.length === ids.length ? `registered ${ids.length} invoices`
        : created.length === 0 ? `its ${ids.length} invoices of today were already registered`
          : `registered ${created.length} of its ${ids.length} invoices (the others already were)`;
      process.stdout.write(`Demo: ${what} (${ids[0]} … ${ids.at(-1)}); open the Web UI to see their timelines.\n\n`);
    }
  });
}

/** Where each part listens; and when no API key was active, the first admin key, shown this once. */
function printBanner(config: Config, database: OpenDatabase, temporal: OpenTemporal, apiUrl: string, firstAdminKey?: string): void {
  const lines = [
    '',
    'Collections engine is running',
    `  HTTP API         ${apiUrl}/v1   (health: ${apiUrl}/v1/health)`,
    `  Temporal         ${temporal.address}  namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
    temporal.devServer ? `  Temporal Web UI  ${temporal.devServer.uiUrl}/namespaces/${config.temporal.namespace}/workflows` : '',
    `  Postgres         ${database.where}`,
    `  Email            ${config.mail.resendApiKey ? 'Resend' : 'outbox table (set RESEND_API_KEY to send)'}`,
    ...(firstAdminKey ? [
      `  Admin API key    ${firstAdminKey}`,
      '                   shown only now (no key was active); send it as "Authorization: Bearer <key>", create keys',
      '                   for people and systems with "npm run collections -- keys create", then revoke this one',
    ] : []),
    '  Stop with Ctrl-C',
  ].filter((line) => line !== '');
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

async function role(name: 'worker' | 'api'): Promise<void> {
  await withInfrastructure(false, async ({ config, log, stops, database, temporal }) => {
    if (name === 'worker') {
      stops.push((await startWorkerRole(config, log, database, temporal)).stop);
      log.info({ taskQueue: config.temporal.taskQueue, temporal: temporal.address }, 'worker running');
    } else {
      const api = await startApiRole(config, log, database, temporal);
      stops.push(api.stop);
      log.info({ url: api.url }, 'API listening');
    }
  });
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log, { allowEmbedded: false });
  await database.close();
  log.info('database is up to date');
}

/** `policy pack <policy.json> --out pack.xlsx [--markdown pack.md]`: writes the strategy pack. */
async function packPolicy(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, markdown: { type: 'string' } } });
  const file = positionals[0];
  if (!file || (!values.out && !values.markdown)) {
    process.stderr.write('usage: policy pack <policy.json> --out pack.xlsx [--markdown pack.md]\n');
    return 2;
  }
  const result = await exportStrategyPack(file, { xlsx: values.out, markdown: values.markdown }, new TemplateLibrary());
  if (!result.ok) {
    for (const problem of result.problems) process.stdout.write(`error  ${problem}\n`);
    process.stdout.write(`${file}: refused, ${result.problems.length} problem(s)\n`);
    return 1;
  }
  process.stdout.write(`strategy pack written: ${result.written.join(', ')}\n`);
  return 0;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // These take their own options, so they are dispatched before the global ones are parsed.
  if (argv[0] === 'policy' && argv[1] === 'init') {
    process.exitCode = await initPolicy(argv.slice(2));
    return;
  }
  if (argv[0] === 'policy' && argv[1] === 'pack') {
    process.exitCode = await packPolicy(argv.slice(2));
    return;
  }
  if (argv[0] === 'policy' && (argv[1] === 'checklist' || argv[1] === 'diagram')) {
    process.exitCode = renderPolicyFile(argv[1], argv.slice(2));
    return;
  }
  if (argv[0] === 'keys') {
    process.exitCode = await runKeyCommand(argv.slice(1));
    return;
  }
  if (argv[0] === 'subscriptions') {
    process.exitCode = await runSubscriptionCommand(argv.slice(1));
    return;
  }
  if (argv[0] === 'plans') {
    process.exitCode = await runPlanCommand(argv.slice(1));
    return;
  }
  if (argv[0] === 'audit') {
    process.exitCode = await runAuditCommand(argv.slice(1));
    return;
  }
  if (argv[0] === 'template') {
    process.exitCode = runTemplateCommand(argv.slice(1));
    return;
  }
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { demo: { type: 'boolean', default: false } } });
  const command = positionals[0] ?? 'start';
  switch (command) {
    case 'start': return start(values.demo ?? false);
    case 'worker':
    case 'api': return role(command);
    case 'migrate': return migrate();
    case 'policy': {
      const [, mode, file] = positionals;
      if ((mode !== 'validate' && mode !== 'lint') || !file) throw new Error('usage: policy validate|lint <policy.json>');
      process.exitCode = checkPolicyFile(file, mode);
      return;
    }
    default:
      throw new Error(`unknown command "${command}"; use start [--demo], worker, api, migrate, policy init, policy validate|lint|checklist|diagram|pack <file>, template list|preview, keys create|list|revoke, subscriptions add|list|remove, plans propose|approve|show|cancel|recommend or audit export|replay`);
  }
}

main().then(() => {
  // embedded-postgres's exit hook ends the process with 0 on beforeExit; a failed command's code must survive it.
  if (typeof process.exitCode === 'number' && process.exitCode !== 0) process.exit(process.exitCode);
}, (error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
