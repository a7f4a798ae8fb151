/**
 * Builds or finds the pinned Temporal CLI and test server before tests run (cached after the first time);
 * with `--server`, also the Temporal server and its SQL tool that `npm run test:cluster` runs on Postgres.
 */
import { ensureTemporalCli, ensureTemporalServer, ensureTestServer } from '../src/temporal/toolchain';

async function main(): Promise<void> {
  const withServer = process.argv.includes('--server');
  const [cli, testServer, server] = await Promise.all([
    ensureTemporalCli(), ensureTestServer(), withServer ? ensureTemporalServer() : Promise.resolve(undefined),
  ]);
  process.stderr.write(`[toolchain] temporal CLI: ${cli ?? 'SDK download'}\n[toolchain] test server: ${testServer ?? 'SDK download'}\n`);
  if (withServer) {
    if (!server) throw new Error('the Temporal server needs Go to build it');
    process.stderr.write(`[toolchain] temporal server: ${server.server}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`[toolchain] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
