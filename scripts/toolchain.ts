/** Builds or finds the pinned Temporal CLI and test server before tests run (cached after the first time). */
import { ensureTemporalCli, ensureTestServer } from '../src/temporal/toolchain';

async function main(): Promise<void> {
  const [cli, testServer] = await Promise.all([ensureTemporalCli(), ensureTestServer()]);
  process.stderr.write(`[toolchain] temporal CLI: ${cli ?? 'SDK download'}\n[toolchain] test server: ${testServer ?? 'SDK download'}\n`);
}

main().catch((error) => {
  process.stderr.write(`[toolchain] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
