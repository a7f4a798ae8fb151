/**
 * Obtains the Temporal executables this project runs against, pinned and cached outside the repo:
 * the Temporal CLI (dev server + Web UI) built from its Go module, and the Java time-skipping test
 * server from Maven Central. Machines without internet can reach those registries but not the
 * SDK's own download; where neither `go` nor `mvn` is installed, callers fall back to the SDK.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEST_SERVER_VERSION = '1.31.0';
/** The server the CLI above embeds, built on its own for runs on Postgres. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';

/** Where built tools live; survives `git clean` and fresh clones. */
export function toolchainCacheDir(): string {
  const base = process.env.COLLECTIONS_TOOLCHAIN_DIR
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'collections-engine');
  mkdirSync(base, { recursive: true });
  return base;
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command, streaming its output with a prefix so a long build shows progress. */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; label: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = Date.now();
    const ticker = setInterval(() => {
      log(`${options.label}: still working (${Math.round((Date.now() - started) / 1000)} s)`);
    }, 20_000);
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(`${options.label}: ${line.trim()}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', (error) => { clearInterval(ticker); reject(error); });
    child.on('exit', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  });
}

function log(message: string): void {
  process.stderr.write(`[toolchain] ${message}\n`);
}

/**
 * Path of the Temporal CLI, building it with `go install` on first use.
 * Returns undefined when Go is not installed (the SDK then downloads its own dev server).
 */
export async function ensureTemporalCli(): Promise<string | undefined> {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const root = path.join(toolchainCacheDir(), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const binary = path.join(root, 'bin', 'temporal');
  if (existsSync(binary)) return binary;
  if (!hasCommand('go')) {
    log('go is not installed: falling back to the Temporal SDK download of the dev server');
    return undefined;
  }
  log(`building the Temporal CLI v${TEMPORAL_CLI_VERSION} with go install (a few minutes, once)`);
  await run('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
    label: 'go install',
    env: goEnvironment(path.join(root, 'bin')),
  });
  log(`Temporal CLI ready at ${binary}`);
  return binary;
}

/** Go's settings for a build into `bin`: modules in the toolchain cache, writable so the cache can be deleted. */
function goEnvironment(bin: string): NodeJS.ProcessEnv {
  return { GOBIN: bin, GOPATH: path.join(toolchainCacheDir(), 'go'), GOFLAGS: '-modcacherw' };
}

/** The Temporal server, its SQL schema tool and the Postgres schema files they ship with. */
export interface TemporalServerToolchain {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` of the server module: `temporal/` and `visibility/`, each with `versioned/`. */
  postgresSchemaDir: string;
}

/**
 * The Temporal server and its schema tool, built with `go install` on first use (a few minutes,
 * once), with the Postgres schema copied beside them from the module. Only the runs on a real
 * server need it (`npm run test:cluster`); returns undefined when Go is not installed.
 */
export async function ensureTemporalServer(): Promise<TemporalServerToolchain | undefined> {
  const root = path.join(toolchainCacheDir(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const toolchain: TemporalServerToolchain = {
    server: path.join(root, 'bin', 'server'),
    sqlTool: path.join(root, 'bin', 'sql'),
    postgresSchemaDir: path.join(root, 'schema', 'postgresql', 'v12'),
  };
  if (Object.values(toolchain).every((file) => existsSync(file))) return toolchain;
  if (!hasCommand('go')) {
    log('go is not installed: the Temporal server cannot be built');
    return undefined;
  }
  const module = `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`;
  const env = goEnvironment(path.join(root, 'bin'));
  log(`building the Temporal server v${TEMPORAL_SERVER_VERSION} and its SQL tool with go install (a few minutes, once)`);
  await run('go', ['install', `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`], {
    label: 'go install', env,
  });
  // The schema files are not part of the binaries: they come from the module Go just downloaded.
  const download = spawnSync('go', ['mod', 'download', '-json', module], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const moduleDir = download.status === 0 ? (JSON.parse(download.stdout) as { Dir?: string }).Dir : undefined;
  if (!moduleDir) throw new Error(`go mod download ${module} failed: ${download.stderr}`);
  const schemaCopy = `${toolchain.postgresSchemaDir}.tmp`;
  rmSync(schemaCopy, { recursive: true, force: true });
  rmSync(toolchain.postgresSchemaDir, { recursive: true, force: true });
  // Copied, then renamed into place, so an interrupted copy is never taken for a complete one.
  cpSync(path.join(moduleDir, 'schema', 'postgresql', 'v12'), schemaCopy, { recursive: true });
  renameSync(schemaCopy, toolchain.postgresSchemaDir);
  log(`Temporal server ready at ${toolchain.server}`);
  return toolchain;
}

const TEST_SERVER_POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.collections</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * Path of a wrapper that runs the Java time-skipping test server, resolving its class path from
 * Maven Central on first use. Returns undefined when Java or Maven is missing.
 */
export async function ensureTestServer(): Promise<string | undefined> {
  if (process.env.TEMPORAL_TEST_SERVER_PATH) return process.env.TEMPORAL_TEST_SERVER_PATH;
  const root = path.join(toolchainCacheDir(), `temporal-test-server-${TEST_SERVER_VERSION}`);
  const wrapper = path.join(root, 'temporal-test-server');
  if (existsSync(wrapper)) return wrapper;
  if (!hasCommand('java') || !hasCommand('mvn')) {
    log('java or mvn is not installed: falling back to the Temporal SDK download of the test server');
    return undefined;
  }
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'pom.xml'), TEST_SERVER_POM);
  log(`resolving io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven Central (once)`);
  await run('mvn', ['-B', '-q', '-Dstyle.color=never', 'dependency:build-classpath', '-Dmdep.outputFile=classpath.txt', '-Dmdep.includeScope=runtime'], {
    cwd: root,
    label: 'mvn',
  });
  const classPath = readFileSync(path.join(root, 'classpath.txt'), 'utf8').trim();
  if (!classPath.includes('temporal-test-server')) throw new Error(`class path for the test server is incomplete: ${classPath}`);
  // The SDK passes `<port> --enable-time-skipping`; the server takes exactly those arguments.
  const script = `#!/bin/sh\nexec java -cp '${classPath}' io.temporal.testserver.TestServer "$@"\n`;
  writeFileSync(`${wrapper}.tmp`, script);
  chmodSync(`${wrapper}.tmp`, 0o755);
  renameSync(`${wrapper}.tmp`, wrapper);
  log(`test server ready at ${wrapper}`);
  return wrapper;
}
