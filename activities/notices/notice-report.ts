/**
 * Each notice, once it has settled for good, is counted (collections_notices_total) and logged through
 * the activity's logger, so the line carries the workflow id, run id and activity type. Reported after
 * the transaction that recorded it commits, and only when its timeline entry was new: a rolled-back
 * attempt reports nothing, and a retry never reports a notice twice.
 */
import { Context } from '@temporalio/activity';
import { noticesTotal } from '../../src/observability/metrics';
import type { NoticeDelivery } from './activities';

/** A notice whose outcome was just recorded; `channel` is `none` when no channel carried it. */
export interface SettledNotice {
  key: string;
  channel: string;
  outcome: NoticeDelivery;
}

export function reportSettledNotices(notices: readonly SettledNotice[]): void {
  const log = activityLog();
  for (const { key, channel, outcome } of notices) {
    noticesTotal.inc({ channel, outcome });
    // The key names the invoice and the step; recipients and content stay out of the logs.
    log?.info('notice settled', { noticeKey: key, channel, outcome });
  }
}

function activityLog(): Context['log'] | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined; // called outside an activity (a test driving it directly)
  }
}
