/**
 * `audit export|replay`: for auditors, from a terminal. Export writes an invoice's workflow history
 * (every run) and its timeline from the running engine's Temporal; replay runs history files or
 * exports against this checkout's workflow code and says, for each, whether it replayed or where
 * it first diverged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { exportInvoiceAudit } from '../audit/audit-export';
import { replayHistories, replayLine } from '../audit/history-replay';
import { timelineText } from '../audit/timeline-text';
import { loadConfig } from '../config';
import { engineDataConverter } from '../encryption/data-converter';
import { createLogger } from '../logger';
import { openTemporal } from './infrastructure';
import { listens } from './plan-commands';

const USAGE = [
  'usage: audit export <invoiceId> [--out DIR]   writes DIR/<invoiceId>.history.json (every run\'s history and the timeline) and DIR/<invoiceId>.timeline.txt',
  '         from the running engine\'s Temporal ("npm start", or TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE); DIR defaults to the current folder',
  '       audit replay <file|folder>...              replays each history (a history JSON or an export) against this code: one line each,',
  '         "replayed" or "nondeterminism at event <id>"; exits 1 if any did not replay',
].join('\n');

/** `audit export <invoiceId> [--out DIR]`. */
async function exportAudit(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string', default: '.' } } });
  const [invoiceId, extra] = positionals;
  if (!invoiceId || extra) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  if (!(await listens(address))) {
    process.stderr.write(`no Temporal server answers at ${address}: the engine is not running. Start it with "npm start", or set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE)\n`);
    return 1;
  }
  const temporal = await openTemporal(config, createLogger('error'), { allowDevServer: false });
  try {
    const audit = await exportInvoiceAudit(temporal.client, invoiceId);
    const out = values.out as string;
    mkdirSync(out, { recursive: true });
    const historyFile = path.join(out, `${invoiceId}.history.json`);
    const timelineFile = path.join(out, `${invoiceId}.timeline.txt`);
    writeFileSync(historyFile, `${JSON.stringify(audit, null, 2)}\n`);
    writeFileSync(timelineFile, timelineText(audit));
    process.stdout.write(`${audit.workflowId}: ${audit.runs.length} run(s), ${audit.timeline.length} timeline entries\n  ${historyFile}\n  ${timelineFile}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    process.stderr.write(`invoice ${invoiceId} has no workflow on ${address} (namespace ${config.temporal.namespace})\n`);
    return 1;
  } finally {
    await temporal.close();
  }
}

/** `audit replay <file|folder>...`: one line per history; 1 when any did not replay. */
async function replay(paths: string[]): Promise<number> {
  if (paths.length === 0 || paths.some((p) => p.startsWith('-'))) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // The SDK core's warnings (the failing workflow task) repeat what each line says.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  // Encrypted histories (PAYLOAD_ENCRYPTION_KEYS) replay with the engine's own codec.
  const outcomes = await replayHistories(paths, { dataConverter: engineDataConverter(loadConfig().temporal.encryption) });
  for (const outcome of outcomes) process.stdout.write(`${replayLine(outcome)}\n`);
  if (outcomes.length === 0) process.stdout.write(`no history found in ${paths.join(', ')}\n`);
  return outcomes.length > 0 && outcomes.every((o) => o.status === 'replayed') ? 0 : 1;
}

/** Runs `audit <export|replay> …`; answers the exit code (2 for a usage error). */
export async function runAuditCommand(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'export') return await exportAudit(rest);
    if (command === 'replay') return await replay(rest);
  } catch (error) {
    if (!(error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) throw error;
    process.stderr.write(`${error.message}\n`);
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
