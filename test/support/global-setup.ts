/**
 * Once per test run: a Postgres (DATABASE_URL or an embedded one) with a migrated template database
 * that each test file clones, and one workflow bundle shared by every test file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { migrateUp } from '../../src/db/migrate';
import { WORKFLOWS_PATH } from '../../src/temporal/worker';
import { freePort } from './free-port';

const TEMPLATE = 'collections_test_template';

export default async function globalSetup(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'collections-test-'));
  let adminUrl = process.env.DATABASE_URL ?? '';
  if (!adminUrl) {
    // Only this process starts Postgres: test workers get its address through the environment.
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort(), persistent: false });
    (globalThis as Record<string, unknown>).__collectionsPostgres = postgres;
    adminUrl = postgres.adminUrl;
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE}`;
  await migrateUp(templateUrl.toString());

  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  // Test files make their folders inside this one (scratch.ts); global-teardown removes it.
  process.env.TEST_SCRATCH_DIR = scratch;
  process.env.TEST_POSTGRES_ADMIN_URL = adminUrl;
  process.env.TEST_POSTGRES_TEMPLATE = TEMPLATE;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}

const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};
