/** A worker running the real activities against a test database and the Resend stand-in. */
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { resendTransport } from '../../activities/notices/mail-transport';
import { TemplateLibrary } from '../../src/notices/template-library';
import { createCollectionsWorker } from '../../src/temporal/worker';
import { workflowBundle } from './temporal';

export const TEST_FROM = 'Example Co. AR <ar@example.com>';

export function testActivities(db: Pool, resendBaseUrl?: string) {
  return createActivities({
    db,
    templates: new TemplateLibrary(),
    transport: resendBaseUrl ? resendTransport('re_test_key', resendBaseUrl) : undefined,
    from: TEST_FROM,
    companyName: 'Example Co.',
    collectionsPhone: '+1 555 0100',
  });
}

export function testWorker(connection: NativeConnection, taskQueue: string, db: Pool, resendBaseUrl?: string): Promise<Worker> {
  return createCollectionsWorker({
    connection,
    namespace: 'default',
    taskQueue,
    activities: testActivities(db, resendBaseUrl),
    workflowBundle: workflowBundle(),
  });
}
