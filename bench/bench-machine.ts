/** The machine a figure was measured on and its load at that moment: the machine is shared, so every figure carries it. */
import { cpus, loadavg, totalmem } from 'node:os';

/** Cores, memory and Node version, once per run. */
export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, node ${process.version}`;
}

/** The load averages as `uptime` prints them (1, 5 and 15 minutes), read now. */
export function load(): string {
  return `load ${loadavg().map((value) => value.toFixed(2)).join(', ')}`;
}

/** The command that reproduces a benchmark's figures, with the settings it ran under. */
export function reproduce(script: string, settings: Record<string, string | number>): string {
  const env = Object.entries(settings).map(([name, value]) => `${name}=${value}`).join(' ');
  return `${env ? `${env} ` : ''}npm run ${script}`;
}
