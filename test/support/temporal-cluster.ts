/**
 * A real Temporal server (go.temporal.io/server, built by src/temporal/toolchain.ts) on Postgres, as a
 * cluster is run: its own `temporal` and `temporal_visibility` databases set up by its SQL schema
 * tool, every service in one process on free loopback ports, the namespace created and this
 * project's search attributes registered through the operator API, as an operator would.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client } from 'pg';
import { missingSearchAttributes, registerSearchAttributes } from '../../src/temporal/search-attributes';
import { ensureTemporalServer, type TemporalServerToolchain } from '../../src/temporal/toolchain';
import { scratchDir } from './scratch';

export interface TemporalCluster {
  /** The frontend's gRPC address, for TEMPORAL_ADDRESS. */
  address: string;
  namespace: string;
  /** Where the server's configuration and log are. */
  dir: string;
  stop(): Promise<void>;
}

/** How often every service re-reads namespaces (2 s by default); a new search attribute is usable after one refresh. */
const NAMESPACE_REFRESH_MS = 1_000;
const START_LIMIT_MS = 90_000;

interface PostgresTarget { host: string; port: number; user: string; password: string }

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs the schema tool on one database: the base schema, then every versioned update. */
async function setUpSchema(toolchain: TemporalServerToolchain, postgres: PostgresTarget, database: string, schema: 'temporal' | 'visibility'): Promise<void> {
  const connection = ['--plugin', 'postgres12', '--ep', postgres.host, '-p', String(postgres.port), '-u', postgres.user, '--pw', postgres.password, '--db', database];
  await runTool(toolchain.sqlTool, [...connection, 'setup-schema', '-v', '0.0']);
  await runTool(toolchain.sqlTool, [...connection, 'update-schema', '-d', path.join(toolchain.postgresSchemaDir, schema, 'versioned')]);
}

function runTool(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args.at(-3)} ${args.at(-2)} ${args.at(-1)} exited with ${code}:\n${output.slice(-2000)}`))));
  });
}

/** The server's configuration. JSON is YAML, which the server reads; one store per database. */
function serverConfig(postgres: PostgresTarget, databases: { main: string; visibility: string }, ports: Record<string, number>, dynamicConfigPath: string) {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12', databaseName, connectAddr: `${postgres.host}:${postgres.port}`, connectProtocol: 'tcp',
      user: postgres.user, password: postgres.password, maxConns, maxIdleConns: maxConns, maxConnLifetime: '1h',
    },
  });
  const service = (name: string) => ({
    rpc: { grpcPort: ports[`${name}Grpc`], membershipPort: ports[`${name}Membership`], bindOnLocalHost: true, ...(name === 'frontend' ? { httpPort: ports.frontendHttp } : {}) },
  });
  const frontend = `127.0.0.1:${ports.frontendGrpc}`;
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default', visibilityStore: 'visibility', numHistoryShards: 4,
      datastores: { default: store(databases.main, 20), visibility: store(databases.visibility, 10) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: { frontend: service('frontend'), history: service('history'), matching: service('matching'), worker: service('worker') },
    clusterMetadata: {
      enableGlobalNamespace: false, failoverVersionIncrement: 10, masterClusterName: 'active', currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    publicClient: { hostPort: frontend },
    dynamicConfigClient: { filepath: dynamicConfigPath, pollInterval: '10s' },
  };
}

const DYNAMIC_CONFIG = { 'system.namespaceCacheRefreshInterval': [{ value: `${NAMESPACE_REFRESH_MS / 1000}s` }] };

async function until<T>(what: string, attempt: () => Promise<T | undefined>, exited: () => string | undefined): Promise<T> {
  const deadline = Date.now() + START_LIMIT_MS;
  let lastError: unknown;
  for (;;) {
    const failure = exited();
    if (failure) throw new Error(`the Temporal server exited while ${what}: ${failure}`);
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`the Temporal server did not finish ${what} within ${START_LIMIT_MS / 1000} s: ${String(lastError)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Starts a Temporal server on the Postgres at `adminUrl` (a superuser's URL, such as the test run's
 * embedded Postgres), with databases of its own, and waits until `namespace` takes workflows that set
 * this project's search attributes.
 */
export async function startTemporalCluster(options: { adminUrl: string; namespace?: string }): Promise<TemporalCluster> {
  const toolchain = await ensureTemporalServer();
  if (!toolchain) throw new Error('the Temporal server cannot be built here: install Go');
  const namespace = options.namespace ?? 'default';
  const url = new URL(options.adminUrl);
  const postgres: PostgresTarget = { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  const suffix = Math.random().toString(36).slice(2, 10);
  const databases = { main: `temporal_${suffix}`, visibility: `temporal_visibility_${suffix}` };
  await withAdmin(options.adminUrl, async (client) => {
    for (const database of Object.values(databases)) await client.query(`CREATE DATABASE ${database}`);
  });
  await setUpSchema(toolchain, postgres, databases.main, 'temporal');
  await setUpSchema(toolchain, postgres, databases.visibility, 'visibility');

  const ports: Record<string, number> = {};
  for (const name of ['frontendGrpc', 'frontendHttp', 'frontendMembership', 'historyGrpc', 'historyMembership', 'matchingGrpc', 'matchingMembership', 'workerGrpc', 'workerMembership']) {
    ports[name] = await freeLowPort();
  }
  const dir = scratchDir('temporal-cluster-');
  mkdirSync(path.join(dir, 'config'));
  const dynamicConfigPath = path.join(dir, 'config', 'dynamic.yaml');
  writeFileSync(dynamicConfigPath, JSON.stringify(DYNAMIC_CONFIG, null, 2));
  writeFileSync(path.join(dir, 'config', 'cluster.yaml'), JSON.stringify(serverConfig(postgres, databases, ports, dynamicConfigPath), null, 2));

  const logPath = path.join(dir, 'server.log');
  const log = createWriteStream(logPath);
  const child = spawn(toolchain.server, ['--root', dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  // Should the test process die first, the server must not outlive it.
  const killOnExit = () => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { process.removeListener('exit', killOnExit); resolve(); }));
  const exitedWith = () => (child.exitCode !== null || child.signalCode !== null
    ? `${child.exitCode ?? child.signalCode}; log ${logPath}:\n${readFileSync(logPath, 'utf8').slice(-3000)}` : undefined);

  const address = `127.0.0.1:${ports.frontendGrpc}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
    }
    log.end();
    await withAdmin(options.adminUrl, async (client) => {
      for (const database of Object.values(databases)) await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const connection = await until('opening its frontend', () => Connection.connect({ address, connectTimeout: 2_000 }), exitedWith);
    try {
      await until(`creating namespace ${namespace}`, async () => {
        await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') })
          .catch((error: { code?: number }) => { if (error.code !== GRPC_ALREADY_EXISTS) throw error; });
        return connection.workflowService.describeNamespace({ namespace });
      }, exitedWith);
      await until('registering search attributes', async () => {
        await registerSearchAttributes(connection, namespace);
        return (await missingSearchAttributes(connection, namespace)).length === 0 ? true : undefined;
      }, exitedWith);
    } finally {
      await connection.close();
    }
    // The frontend lists the new attributes; history validates them on its own copy of the namespace,
    // refreshed on the same interval: a workflow upserting one before then would fail every task.
    await new Promise((resolve) => setTimeout(resolve, 2 * NAMESPACE_REFRESH_MS));
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, namespace, dir, stop };
}

const GRPC_ALREADY_EXISTS = 6;

/**
 * A free loopback port below 32768: the server records its services' ports in a smallint column
 * (cluster_membership), so the operating system's ephemeral ports (32768 and up) make it exit.
 */
async function freeLowPort(): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
