/**
 * What the scale benchmark reads off the running deployment: process memory from /proc, database
 * sizes from Postgres, files on disk, the worker's own SDK metrics and the task queues' backlogs, and
 * from those when the engine has nothing left to do.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { load } from './bench-machine';

export interface Memory {
  /** Resident now and its high-water mark since the process started (or since the mark was reset), bytes. */
  rss: number;
  hwm: number;
}

/** VmRSS and VmHWM of a process, from /proc/<pid>/status. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets a process's VmHWM to its current RSS (clear_refs 5), so the next reading is the peak from now on; false where not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Reads the RSS of some processes every second and keeps each one's highest, beside VmHWM (a cross-check where clear_refs is refused). */
export function sampleRss(pids: Record<string, number>): { stop(): Record<string, number> } {
  const highest: Record<string, number> = Object.fromEntries(Object.keys(pids).map((name) => [name, 0]));
  const read = () => {
    for (const [name, pid] of Object.entries(pids)) {
      try {
        highest[name] = Math.max(highest[name], memoryOf(pid).rss);
      } catch { /* the process ended: keep what was read */ }
    }
  };
  read();
  const timer = setInterval(read, 1_000);
  return { stop: () => { clearInterval(timer); read(); return highest; } };
}

/** The Temporal server's process: the one whose command line names the cluster's directory (startTemporalCluster does not hand out its pid). */
export function serverPid(clusterDir: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes('--root') && args.includes(clusterDir) && args.includes('start')) return Number(entry);
    } catch { /* gone meanwhile */ }
  }
  throw new Error(`no Temporal server process runs with --root ${clusterDir}`);
}

/** The server's two databases, as its configuration names them. */
export function serverDatabases(clusterDir: string): { main: string; visibility: string } {
  const config = JSON.parse(readFileSync(path.join(clusterDir, 'config', 'cluster.yaml'), 'utf8')) as {
    persistence: { datastores: Record<'default' | 'visibility', { sql: { databaseName: string } }> };
  };
  return { main: config.persistence.datastores.default.sql.databaseName, visibility: config.persistence.datastores.visibility.sql.databaseName };
}

/** Bytes of every file under a directory. */
export function directorySize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    try {
      if (entry.isDirectory()) total += directorySize(full);
      else if (entry.isFile()) total += statSync(full).size;
    } catch { /* removed meanwhile (a WAL segment recycled) */ }
  }
  return total;
}

export interface DatabaseSizes {
  /** pg_database_size of each database, bytes. */
  bytes: Record<string, number>;
  /** The largest tables of each (indexes and TOAST included), bytes. */
  biggest: Record<string, { table: string; bytes: number }[]>;
}

/** Sizes of some databases of the Postgres at `adminUrl`, each with its three largest tables. */
export async function databaseSizes(adminUrl: string, databases: string[]): Promise<DatabaseSizes> {
  const sizes: DatabaseSizes = { bytes: {}, biggest: {} };
  for (const database of databases) {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const total = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
      sizes.bytes[database] = Number(total.rows[0].bytes);
      const tables = await client.query<{ table: string; bytes: string }>(
        `SELECT c.relname AS table, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 2 DESC LIMIT 3`);
      sizes.biggest[database] = tables.rows.map((row) => ({ table: row.table, bytes: Number(row.bytes) }));
    } finally {
      await client.end();
    }
  }
  return sizes;
}

/** The worker's SDK metrics (Prometheus text), each name summed over its labels. */
export async function workerMetrics(bindAddress: string): Promise<Map<string, number>> {
  const text = await (await fetch(`http://${bindAddress}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match) sums.set(match[1], (sums.get(match[1]) ?? 0) + Number(match[2]));
  }
  return sums;
}

/** The first metric whose name starts with `prefix` and ends with `suffix` (the exporter may add a unit), or 0. */
export function metric(metrics: Map<string, number>, prefix: string, suffix = ''): number {
  for (const [name, value] of metrics) if (name.startsWith(prefix) && name.endsWith(suffix)) return value;
  return 0;
}

/**
 * Workflow tasks and activity tasks the worker has finished so far; of the workflow tasks, those that
 * found their workflow in the sticky cache and those that did not (its history fetched and replayed),
 * and those that failed.
 */
export function tasksDone(metrics: Map<string, number>): { workflowTasks: number; cacheHits: number; cacheMisses: number; failed: number; activities: number } {
  return {
    workflowTasks: metric(metrics, 'temporal_workflow_task_execution_latency', '_count'),
    cacheHits: metric(metrics, 'temporal_sticky_cache_hit'),
    cacheMisses: metric(metrics, 'temporal_sticky_cache_miss'),
    failed: metric(metrics, 'temporal_workflow_task_execution_failed'),
    activities: metric(metrics, 'temporal_activity_execution_latency', '_count'),
  };
}

/** Tasks waiting in the task queue's workflow and activity backlogs (the server's approximation; sticky queues are not counted). */
export async function backlog(connection: Connection, namespace: string, taskQueue: string): Promise<number> {
  let total = 0;
  for (const taskQueueType of [temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]) {
    const answer = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType, reportStats: true });
    total += Number(answer.stats?.approximateBacklogCount?.toString() ?? 0);
  }
  return total;
}

/**
 * Waits until the engine is idle: both backlogs empty and the worker finishing no task for `stillMs`.
 * Returns when it last finished one (the end of the work), or undefined when `deadline` came first.
 */
export async function waitUntilIdle(watch: { metricsAddress: string; connection: Connection; namespace: string; taskQueue: string; workerPid: number },
  options: { stillMs: number; deadline: number; label: string }): Promise<number | undefined> {
  let last = '';
  let lastChange = Date.now();
  let reported = Date.now();
  for (;;) {
    const metrics = await workerMetrics(watch.metricsAddress);
    const done = tasksDone(metrics);
    const waiting = await backlog(watch.connection, watch.namespace, watch.taskQueue);
    const now = `${done.workflowTasks}|${done.activities}|${waiting}`;
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (waiting === 0 && Date.now() - lastChange >= options.stillMs) {
      return lastChange;
    }
    if (Date.now() > options.deadline) return undefined;
    if (Date.now() - reported >= 60_000) {
      reported = Date.now();
      console.log(`  ${options.label}: ${done.workflowTasks} workflow tasks and ${done.activities} activities done so far, backlog ${waiting}; ` +
        `worker RSS ${(memoryOf(watch.workerPid).rss / 2 ** 20).toFixed(0)} MB, ${metric(metrics, 'temporal_sticky_cache_size')} workflows cached   [${load()}]`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
