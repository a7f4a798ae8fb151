/** Prints the scale benchmark's figures for one size, and how the per-invoice figures grow between sizes. */
import { load } from './bench-machine';
import { percentile } from './latency';
import { formatPerOperation } from './process-cpu';
import type { ScaleRun, Snapshot, WaitingRun } from './scale-run';
import { describeWindow } from './scale-window';

const MB = 2 ** 20;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

function line(label: string, figure: string, perInvoice = ''): void {
  console.log(`  ${label.padEnd(58)} ${figure.padEnd(44)} ${perInvoice}`);
}

/** The Temporal server's two databases together. */
function temporalBytes(run: WaitingRun, snapshot: Snapshot): number {
  return snapshot.databases.bytes[run.databases.temporal] + snapshot.databases.bytes[run.databases.visibility];
}

/** The figures that can be put per invoice, for the growth table: a name, the unit, and the value. */
export function perInvoice(run: ScaleRun | WaitingRun): { name: string; unit: string; value: number }[] {
  const n = run.settings.invoices;
  const { empty, waiting } = run;
  const engine = (snapshot: Snapshot) => (snapshot.databases.bytes[run.databases.engine] - empty.databases.bytes[run.databases.engine]) / n / 1024;
  const whileWaiting = [
    { name: 'fill: start to settled', unit: 'ms', value: run.settledAt === undefined ? NaN : (run.settledAt - run.fill.startedAt) / n },
    { name: 'worker RSS while waiting (above idle)', unit: 'kB', value: (waiting.worker.rss - empty.worker.rss) / n / 1024 },
    { name: 'worker RSS while waiting per cached workflow (above idle)', unit: 'kB', value: (waiting.worker.rss - empty.worker.rss) / Math.max(1, waiting.cached) / 1024 },
    { name: 'Temporal server RSS while waiting (above idle)', unit: 'kB', value: (waiting.server.rss - empty.server.rss) / n / 1024 },
    { name: 'Temporal databases while waiting (above empty)', unit: 'kB', value: (temporalBytes(run, waiting) - temporalBytes(run, empty)) / n / 1024 },
    { name: 'engine database while waiting (above empty)', unit: 'kB', value: engine(waiting) },
  ];
  if (!('firing' in run)) return whileWaiting;
  const { after, firing } = run;
  const last = firing.lateness.at(-1) ?? NaN;
  return [
    ...whileWaiting,
    { name: 'worker peak RSS during the firing (above idle)', unit: 'kB', value: (run.peaks.worker - empty.worker.rss) / n / 1024 },
    { name: 'Temporal databases after the firing (above empty)', unit: 'kB', value: (temporalBytes(run, after) - temporalBytes(run, empty)) / n / 1024 },
    { name: 'engine database after the firing (above empty)', unit: 'kB', value: engine(after) },
    { name: 'firing: due moment to last reminder done', unit: 'ms', value: last / n },
    { name: 'firing: worker workflow tasks', unit: '', value: run.firingTasks.workflowTasks / n },
    { name: 'firing: workflow tasks that missed the cache', unit: '', value: run.firingTasks.cacheMisses / n },
    { name: 'firing: worker activities', unit: '', value: run.firingTasks.activities / n },
  ];
}

function printSnapshot(run: WaitingRun, snapshot: Snapshot, title: string): void {
  const n = run.settings.invoices;
  const { empty } = run;
  const { temporal, visibility, engine } = run.databases;
  const bytes = snapshot.databases.bytes;
  console.log(`${title}: open ${snapshot.open.invoices} invoiceCollection and ${snapshot.open.outreach} customerOutreach workflows   [${load()}]`);
  line('worker RSS (VmRSS, VmHWM so far)', `${mb(snapshot.worker.rss)}, ${mb(snapshot.worker.hwm)} (idle ${mb(empty.worker.rss)})`, `${kb((snapshot.worker.rss - empty.worker.rss) / n)} / invoice`);
  line('worker sticky cache (workflows held in memory)', `${snapshot.cached} (limit ${run.cacheLimit.size}, ${run.cacheLimit.set ? 'WORKER_MAX_CACHED_WORKFLOWS' : 'the SDK default'})`,
    snapshot.cached > 0 ? `${kb((snapshot.worker.rss - empty.worker.rss) / snapshot.cached)} / cached workflow` : '');
  line('Temporal server RSS (VmRSS, VmHWM so far)', `${mb(snapshot.server.rss)}, ${mb(snapshot.server.hwm)} (idle ${mb(empty.server.rss)})`, `${kb((snapshot.server.rss - empty.server.rss) / n)} / invoice`);
  line('Temporal databases (history + visibility)', `${mb(bytes[temporal])} + ${mb(bytes[visibility])} (empty ${mb(empty.databases.bytes[temporal])} + ${mb(empty.databases.bytes[visibility])})`,
    `${kb((temporalBytes(run, snapshot) - temporalBytes(run, empty)) / n)} / invoice`);
  console.log(`    largest tables: ${[...snapshot.databases.biggest[temporal], ...snapshot.databases.biggest[visibility]].map((t) => `${t.table} ${mb(t.bytes)}`).join(', ')}`);
  line('Temporal server files (configuration and log)', kb(snapshot.serverFiles));
  line(`engine database (${engine})`, `${mb(bytes[engine])} (empty ${mb(empty.databases.bytes[engine])})`, `${kb((bytes[engine] - empty.databases.bytes[engine]) / n)} / invoice`);
  console.log(`    largest tables: ${snapshot.databases.biggest[engine].map((t) => `${t.table} ${mb(t.bytes)}`).join(', ')}`);
  line('Postgres data directory (WAL included)', `${mb(snapshot.postgresFiles)} (WAL ${mb(snapshot.wal)})`);
}

/** The fill and the deployment while all N wait, printed as soon as they are measured. */
export function printWaiting(run: WaitingRun): void {
  const { settings, fill } = run;
  const n = settings.invoices;
  console.log(`\nfigures for ${n} invoices (${run.customers} customers, ${settings.perCustomer} each); deployment ready in ${s(run.deployedIn)}   [${load()}]`);
  console.log('fill: the customer and invoice rows saveInvoice writes, 500 to an INSERT, each batch just before its workflows are started by');
  console.log(`  startInvoiceCollection (the API's start: same id, options and input), ${settings.concurrency} starts in flight`);
  const fillMs = fill.endedAt - fill.startedAt;
  line('workflows started (the server acknowledged each start)', `${fill.started} in ${s(fillMs)}`, `${(n / (fillMs / 1000)).toFixed(1)} / s`);
  if (fill.alreadyStarted > 0) line('starts answered "already started"', String(fill.alreadyStarted));
  if (fill.retries.size > 0) line('start attempts retried', [...fill.retries].map(([why, count]) => `${count} × ${why}`).join('; '));
  line(settings.sleeping ? 'settled: the worker idle, every invoice asleep' : 'settled: the worker idle, every reminder with its outreach',
    run.settledAt === undefined ? 'not before the due moment' : `${s(run.settledAt - fill.startedAt)} after the first start`,
    run.settledAt === undefined ? '' : `${(n / ((run.settledAt - fill.startedAt) / 1000)).toFixed(1)} invoices / s`);
  line('CPU per invoice until settled (idle seconds included)', formatPerOperation(run.fillCpu, n));
  printSnapshot(run, run.waiting, settings.sleeping ? `while all ${n} sleep` : `while all ${n} wait (${s(run.window.opensAt - run.waiting.at)} before the due moment)`);
}

/** The firing and the deployment after it. */
export function printFiring(run: ScaleRun, command: string): void {
  const { settings, firing } = run;
  const n = settings.invoices;

  console.log(`firing at ${describeWindow(run.window)}: every invoice's reminder due; done = its notice row marked sent, timed by the stand-in's acceptance`);
  console.log('  (each invoice, 8 days overdue, decided its 7-day reminder at its start and handed it to its customer\'s outreach workflow, which sleeps');
  console.log('  on a timer until the contact window opens; an invoice\'s own step timers fall at the send hour of a later day: bench/scale-window.ts)');
  const sent = firing.statuses.sent ?? 0;
  const last = firing.lateness.at(-1);
  const others = Object.entries(firing.statuses).filter(([status]) => status !== 'sent');
  line('reminders sent', `${sent} of ${n}${others.length ? `; other rows: ${others.map(([status, count]) => `${count} ${status}`).join(', ')}` : ''}${firing.missing ? `; ${firing.missing} invoices with no row` : ''}`);
  if (last !== undefined) {
    line('due moment to the last reminder done', `${s(last)}${firing.allSentSeenAt ? ` (rows all sent, seen at +${s(firing.allSentSeenAt - firing.dueAt)})` : ' (not all sent before the limit)'}`, `${(last / n).toFixed(2)} ms / invoice`);
    line('lateness of a reminder against its due moment', `p50 ${s(percentile(firing.lateness, 50))}, p99 ${s(percentile(firing.lateness, 99))}, first ${s(firing.lateness[0])}`);
    line('throughput', `${(sent / (last / 1000)).toFixed(1)} reminders / s; ${firing.emails} emails, ${(firing.emails / (last / 1000)).toFixed(1)} / s`, `${(sent / Math.max(1, firing.emails)).toFixed(1)} invoices / email`);
  }
  line('emails accepted before the due moment', String(firing.early));
  line('worker peak RSS during the firing (sampled; VmHWM)', `${mb(run.peaks.worker)}; ${run.peaks.workerHwm === undefined ? 'not resettable' : mb(run.peaks.workerHwm)}`, `${kb((run.peaks.worker - run.empty.worker.rss) / n)} / invoice`);
  line('Temporal server peak RSS during the firing (sampled; VmHWM)', `${mb(run.peaks.server)}; ${run.peaks.serverHwm === undefined ? 'not resettable' : mb(run.peaks.serverHwm)}`);
  const t = run.firingTasks;
  line('worker tasks done from the due moment until idle', `${t.workflowTasks} workflow tasks, ${t.activities} activities`, `${(t.workflowTasks / n).toFixed(2)} + ${(t.activities / n).toFixed(2)} / invoice`);
  line('  workflow tasks: cache hits, misses (history replayed), failed', `${t.cacheHits}, ${t.cacheMisses}, ${t.failed}`);
  line('  workflows forced out of the sticky cache meanwhile', String(t.evictions));
  line('worker idle again (every invoice told how its reminder went)', run.firingSettledAt === undefined ? 'not within the limit' : `+${s(run.firingSettledAt - firing.dueAt)}`);
  printSnapshot(run, run.after, 'after the firing');
  console.log(`reproduce: ${command}`);
}

/** Per-invoice figures side by side; ratio 1.00 means the figure grows in proportion to the invoices. */
export function printGrowth(runs: (ScaleRun | WaitingRun)[]): void {
  if (runs.length < 2) return;
  const [first, ...rest] = runs;
  const header = ['per invoice', ...runs.map((run) => String(run.settings.invoices)), ...rest.map((run) => `ratio ${run.settings.invoices}/${first.settings.invoices}`)];
  console.log(`\ngrowth from ${runs.map((run) => run.settings.invoices).join(' to ')} invoices (per invoice; ratio 1.00 = grows in proportion)   [${load()}]`);
  console.log(`  ${header[0].padEnd(58)} ${header.slice(1).map((h) => h.padStart(12)).join(' ')}`);
  const tables = runs.map(perInvoice);
  tables[0].forEach((row, index) => {
    const values = tables.map((table) => table[index].value);
    const ratios = values.slice(1).map((value) => (value / values[0]).toFixed(2));
    console.log(`  ${`${row.name}${row.unit ? `, ${row.unit}` : ''}`.padEnd(58)} ${[...values.map((v) => v.toFixed(2)), ...ratios].map((v) => v.padStart(12)).join(' ')}`);
  });
}
