/** A worker running the real activities against a test database and the Resend stand-in. */
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities, type ActivityDependencies } from '../../activities';
import { resendTransport } from '../../activities/notices/mail-transport';
import { TemplateLibrary } from '../../src/notices/template-library';
import { createCollectionsWorker } from '../../src/temporal/worker';
import { workflowBundle } from './temporal';

export const TEST_FROM = 'Example Co. AR <ar@example.com>';

/** Notice settings a test may change: how long a provider call may take, how long the provider remembers a key, an SMS transport. */
export type NoticeTimings = Pick<ActivityDependencies, 'sendTimeoutMs' | 'providerWindowMs' | 'sms'>;

export function testActivities(db: Pool, resendBaseUrl?: string, timings: NoticeTimings = {}) {
  return createActivities({
    ...timings,
    db,
    templates: new TemplateLibrary(),
    transport: resendBaseUrl ? resendTransport('re_test_key', resendBaseUrl) : undefined,
    from: TEST_FROM,
    companyName: 'Example Co.',
    collectionsPhone: '+1 555 0100',
  });
}

export function testWorker(connection: NativeConnection, taskQueue: string, db: Pool, resendBaseUrl?: string, timings: NoticeTimings = {},
  wrap: (real: ReturnType<typeof testActivities>) => ReturnType<typeof testActivities> = (real) => real): Promise<Worker> {
  return createCollectionsWorker({
    connection,
    namespace: 'default',
    taskQueue,
    activities: wrap(testActivities(db, resendBaseUrl, timings)),
    workflowBundle: workflowBundle(),
  });
}
