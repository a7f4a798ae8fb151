/** Every activity the worker registers, built from their dependencies (a real database, a real mail transport). */
import type { Pool } from 'pg';
import { createCollectionLogActivities } from './collection-log/activities';
import { createDisputeActivities } from './disputes/activities';
import { createLedgerActivities } from './ledger/activities';
import { createNoticeActivities, type NoticeDependencies } from './notices/activities';
import { createRedeliveryActivities } from './notices/redelivery';
import { createOutreachActivities } from './outreach/activities';
import { createPaymentActivities } from './payments/activities';
import { createPaymentPlanActivities } from './payment-plans/activities';
import { createTaskActivities } from './tasks/activities';

export type ActivityDependencies = NoticeDependencies & { db: Pool };

export function createActivities(deps: ActivityDependencies) {
  const notices = createNoticeActivities(deps);
  return {
    ...createCollectionLogActivities(deps.db),
    ...createDisputeActivities(deps.db),
    ...createLedgerActivities(deps.db),
    ...notices,
    ...createRedeliveryActivities(deps),
    ...createOutreachActivities(deps.db, notices.sendCustomerMessage),
    ...createPaymentActivities(deps.db),
    ...createPaymentPlanActivities(deps.db),
    ...createTaskActivities(deps.db),
  };
}

/** The activity interface, as workflows see it. */
export type CollectionsActivities = ReturnType<typeof createActivities>;
