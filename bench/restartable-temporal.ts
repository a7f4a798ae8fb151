/**
 * Restarts the Temporal server that test/support/temporal-cluster.ts started, as an operator
 * restarts one: stopped with SIGTERM, then started again with the same configuration, so on the same
 * databases and ports. The test support keeps its child process to itself; this finds it by the
 * `--root` directory, which is unique to that server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureTemporalServer } from '../src/temporal/toolchain';
import type { TemporalCluster } from '../test/support/temporal-cluster';

const READY_LIMIT_MS = 120_000;

/** The pid of the server started with `--root dir`, read from /proc. */
function serverPid(dir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const root = args.indexOf('--root');
      if (root >= 0 && args[root + 1] === dir && args.includes('start')) return Number(entry);
    } catch {
      // the process ended while the list was read
    }
  }
  return undefined;
}

async function stopPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z')) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the frontend answers for the namespace again. */
async function frontendAnswers(cluster: TemporalCluster): Promise<void> {
  const deadline = Date.now() + READY_LIMIT_MS;
  for (;;) {
    try {
      const connection = await Connection.connect({ address: cluster.address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: cluster.namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the restarted Temporal server did not answer within ${READY_LIMIT_MS / 1000} s: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export interface RestartableCluster {
  /** Stops the server and starts it again; answers when it was told to stop and when it answered again. */
  restart(): Promise<{ stoppedAt: number; answeredAt: number }>;
  /** Stops the server and drops its databases. */
  stop(): Promise<void>;
}

export function restartable(cluster: TemporalCluster): RestartableCluster {
  let restarted: ChildProcess | undefined;
  const killOnExit = () => { restarted?.kill('SIGKILL'); };
  return {
    async restart() {
      const toolchain = await ensureTemporalServer();
      const pid = serverPid(cluster.dir);
      if (!toolchain || pid === undefined) throw new Error(`no Temporal server runs from ${cluster.dir}`);
      // Down from the moment it is told to stop: it drains before it exits.
      const stoppedAt = Date.now();
      await stopPid(pid);
      const log = createWriteStream(path.join(cluster.dir, 'server-restarted.log'));
      restarted = spawn(toolchain.server, ['--root', cluster.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
      restarted.stdout?.pipe(log);
      restarted.stderr?.pipe(log);
      // Should the benchmark die first, the server must not outlive it.
      process.once('exit', killOnExit);
      await frontendAnswers(cluster);
      return { stoppedAt, answeredAt: Date.now() };
    },
    async stop() {
      if (restarted && restarted.exitCode === null && restarted.signalCode === null) {
        const exited = new Promise((resolve) => restarted?.once('exit', resolve));
        restarted.kill('SIGTERM');
        const timeout = setTimeout(() => restarted?.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timeout);
      }
      process.removeListener('exit', killOnExit);
      await cluster.stop();
    },
  };
}
