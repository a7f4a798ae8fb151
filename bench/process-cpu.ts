/**
 * CPU time by process, read from /proc: this process (API, clients, worker), the engine's processes
 * it started (a worker or an API of their own), the Temporal server and Postgres. On two shared
 * cores a rate is bounded by the CPU each operation costs all of them together, so the benchmarks
 * print that cost next to the rates.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The processes a benchmark's CPU is split between. */
export type Group = 'this process' | 'engine processes' | 'temporal server' | 'postgres';

/** CPU used so far by each process of a group, by process id. */
export type CpuByProcess = Map<number, { group: Group; cpuMs: number }>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface ProcessStat { pid: number; parent: number; command: string; cpuMs: number }

function readStat(pid: string): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), parent: Number(fields[1]), command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined; // the process ended between the listing and the read
  }
}

/** This process, and the Temporal server and Postgres processes it started, by group; empty where /proc is absent. */
function processesByGroup(): { group: Group; stat: ProcessStat }[] {
  let stats: ProcessStat[];
  try {
    stats = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(readStat).filter((stat): stat is ProcessStat => stat !== undefined);
  } catch {
    return [];
  }
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  const startedHere = (stat: ProcessStat): boolean => {
    for (let parent = byPid.get(stat.parent); parent; parent = byPid.get(parent.parent)) if (parent.pid === process.pid) return true;
    return false;
  };
  const grouped: { group: Group; stat: ProcessStat }[] = [];
  for (const stat of stats) {
    const group: Group | undefined = stat.pid === process.pid ? 'this process'
      : !startedHere(stat) ? undefined
        : stat.command === 'postgres' ? 'postgres'
          // the CLI's dev server is `temporal`; the server built from its Go module is `server`
          : stat.command === 'temporal' || stat.command === 'server' ? 'temporal server'
            : stat.command === 'node' ? 'engine processes' : undefined;
    if (group) grouped.push({ group, stat });
  }
  return grouped;
}

/** Milliseconds of CPU (user and system) each process has used so far. */
export function cpuByProcess(): CpuByProcess {
  return new Map(processesByGroup().map(({ group, stat }) => [stat.pid, { group, cpuMs: stat.cpuMs }]));
}

/** The process ids of the Temporal server and of Postgres, as started by this process. */
export function startedProcesses(): { temporal: number[]; postgres: number[] } {
  const grouped = processesByGroup();
  const of = (group: Group) => grouped.filter((entry) => entry.group === group).map((entry) => entry.stat.pid);
  return { temporal: of('temporal server'), postgres: of('postgres') };
}

/** CPU per operation between two readings, e.g. `this process 8.1 + temporal server 10.2 + postgres 2.0 = 20.3 ms`. */
export function cpuPerOperation(before: CpuByProcess, after: CpuByProcess, operations: number): string {
  return formatPerOperation(cpuBetween(before, after), operations);
}

/**
 * CPU used by each group between two readings. A process started meanwhile counts from zero; one
 * that ended meanwhile (a Postgres connection closed while idle) is left out, so a figure is at
 * most a few ticks short, never negative.
 */
export function cpuBetween(before: CpuByProcess, after: CpuByProcess): Map<Group, number> {
  const used = new Map<Group, number>();
  for (const [pid, { group, cpuMs }] of after) used.set(group, (used.get(group) ?? 0) + cpuMs - (before.get(pid)?.cpuMs ?? 0));
  return used;
}

/** Adds up the CPU of several windows, group by group. */
export function sumCpu(windows: Map<Group, number>[]): Map<Group, number> {
  const total = new Map<Group, number>();
  for (const window of windows) for (const [group, ms] of window) total.set(group, (total.get(group) ?? 0) + ms);
  return total;
}

/** `this process 8.1 + temporal server 10.2 + postgres 2.0 = 20.3 ms of CPU each`. */
export function formatPerOperation(used: Map<Group, number>, operations: number): string {
  const parts = [...used].map(([group, ms]) => [group, ms / operations] as const);
  const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
  return `${parts.map(([group, ms]) => `${group} ${ms.toFixed(1)}`).join(' + ')} = ${total.toFixed(1)} ms of CPU each`;
}
