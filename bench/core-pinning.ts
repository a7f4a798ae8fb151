/**
 * `BENCH_PIN_SERVER=1`: the Temporal server gets the machine's last core to itself and everything
 * else (this process, Postgres) the others, as on a cluster, where the server runs on its own
 * machines and the API's CPU is not taken from it. Linux with `taskset` only; elsewhere it says so
 * and changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export const PIN_SERVER = process.env.BENCH_PIN_SERVER === '1';

/** Pins the processes this run started (`pids` by group) and answers a line saying what was done. */
export function pinServerApart(pids: { temporal: number[]; others: number[] }): string {
  const cores = cpus().length;
  if (cores < 2) return 'not pinned: one core';
  const last = String(cores - 1);
  const rest = cores === 2 ? '0' : `0-${cores - 2}`;
  try {
    for (const pid of pids.temporal) execFileSync('taskset', ['-a', '-p', '-c', last, String(pid)], { stdio: 'ignore' });
    for (const pid of [process.pid, ...pids.others]) execFileSync('taskset', ['-a', '-p', '-c', rest, String(pid)], { stdio: 'ignore' });
  } catch (error) {
    return `not pinned: taskset failed (${(error as Error).message.split('\n')[0]})`;
  }
  return `pinned: the Temporal server on core ${last}, this process and Postgres on core${cores === 2 ? '' : 's'} ${rest}`;
}
