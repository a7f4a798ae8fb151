/**
 * The engine's two roles as separate processes, as a deployment runs them: `src/cli/main.ts worker`
 * and `src/cli/main.ts api`, each a node process of its own (no tsx relay in between, so a signal
 * reaches the engine itself), configured only through the environment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
/** The worker bundles its workflows at start: tens of seconds on a busy machine. */
const READY_LIMIT_MS = 180_000;

export type RoleName = 'worker' | 'api';

export interface RoleProcess {
  role: RoleName;
  child: ChildProcess;
  /** Base URL of its health routes (`/v1/health/live`, `/v1/health/ready`): the API's own, or the worker's WORKER_HEALTH_PORT. */
  healthUrl: string;
  /** Everything it wrote (JSON log lines), the last 64 kB. */
  output(): string;
  /** How it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `role` with `env` on top of this process's environment and waits until its readiness answers 200. */
export async function startRole(role: RoleName, env: NodeJS.ProcessEnv, healthPort: number): Promise<RoleProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', role], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, ...(role === 'api' ? { PORT: String(healthPort) } : { WORKER_HEALTH_PORT: String(healthPort) }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-65_536); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const started: RoleProcess = { role, child, healthUrl: `http://127.0.0.1:${healthPort}/v1/health`, output: () => output, exited };
  const deadline = Date.now() + READY_LIMIT_MS;
  while ((await readiness(started)) !== 200) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the ${role} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ${role} was not ready within ${READY_LIMIT_MS / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return started;
}

/** The status of GET …/health/ready, or undefined when nothing answers. */
export async function readiness(role: RoleProcess): Promise<number | undefined> {
  try {
    const response = await fetch(`${role.healthUrl}/ready`, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return undefined;
  }
}

/** Ends a role that a test left running (a failed test); a stopped one is left alone. */
export async function killRole(role: RoleProcess | undefined): Promise<void> {
  if (!role || role.child.exitCode !== null || role.child.signalCode !== null) return;
  role.child.kill('SIGKILL');
  await role.exited;
}
