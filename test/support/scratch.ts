/**
 * Scratch folders for tests. Each one is made inside the test run's own folder (global-setup), which
 * global-teardown removes, so a run leaves nothing behind in the system's temp folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A new empty folder named `<prefix>XXXXXX` inside this run's scratch folder. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? tmpdir(), prefix));
}
