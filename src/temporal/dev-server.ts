/** The Temporal CLI's dev server (SQLite file, Web UI) as a child process of `npm start`. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { devServerSearchAttributeArgs } from './search-attributes';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `temporal server start-dev` with this project's search attributes and waits until it listens;
 * with `codecEndpoint`, its Web UI sends payloads there to be decoded.
 */
export async function startDevServer(options: {
  cliPath: string; dataDir: string; port: number; uiPort: number; namespace: string; codecEndpoint?: string;
}): Promise<DevServer> {
  if (await portAnswers(options.port)) {
    throw new Error(`port ${options.port} is already in use: stop the other Temporal server, or set TEMPORAL_ADDRESS to use it`);
  }
  mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn(options.cliPath, [
    'server', 'start-dev',
    '--db-filename', path.join(options.dataDir, 'temporal.db'),
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--namespace', options.namespace,
    '--log-level', 'error',
    ...devServerSearchAttributeArgs(),
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  // However the process ends (a second Ctrl-C, a crash), the dev server must not outlive it.
  const killOnExit = () => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    process.removeListener('exit', killOnExit);
    resolve(code);
  }));

  const deadline = Date.now() + 60_000;
  while (!(await portAnswers(options.port))) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited (${child.exitCode}): ${stderr.trim()}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('the Temporal dev server did not start within 60 s'); }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
