/**
 * The collection test bed with payment plans: every request a plan makes to the customer's outreach
 * workflow is kept (and passed on to the real activity), plans are proposed as the API does, and a
 * test can move the clock to an instant of a plan's schedule.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { startOfDateUtc } from '../../src/domain/calendar';
import { proposePlan } from '../../src/plans/plan-service';
import type { ContactRequest, OutreachInput } from '../../workflows/customer-outreach/definitions';
import { planWorkflowId, type PlanDecision, type PlanProposal } from '../../workflows/payment-plan/definitions';
import { settled, startCollectionTestBed, type CollectionTestBed } from './collection-test-bed';

export interface PlanTestBed extends CollectionTestBed {
  /** Requests to contact a customer, in the order they were made. */
  contactRequests: { outreach: OutreachInput; request: ContactRequest }[];
  propose(proposal: Omit<PlanProposal, 'proposedBy'> & { proposedBy?: string }): Promise<PlanDecision>;
  planHandle(planId: string): WorkflowHandle;
  /** Moves the server's clock to `hourUtc` on a date (never back), and lets the plan settle. */
  advanceTo(isoDate: string, hourUtc: number, planId: string): Promise<void>;
}

export async function startPlanTestBed(taskQueue: string): Promise<PlanTestBed> {
  const contactRequests: PlanTestBed['contactRequests'] = [];
  const bed = await startCollectionTestBed(taskQueue, {
    wrapActivities: (real) => ({
      ...real,
      async requestCustomerContact(input) {
        if (!contactRequests.some((r) => r.request.requestId === input.request.requestId)) contactRequests.push(input);
        return real.requestCustomerContact(input);
      },
    }),
  });
  const planHandle = (planId: string) => bed.env.client.workflow.getHandle(planWorkflowId(planId));
  return {
    ...bed,
    contactRequests,
    planHandle,
    async propose(proposal) {
      const decision = await proposePlan({ db: bed.db.pool, client: bed.env.client, taskQueue }, { proposedBy: 'collector@example.com', ...proposal });
      await settled(planHandle(proposal.planId));
      return decision;
    },
    async advanceTo(isoDate, hourUtc, planId) {
      const target = startOfDateUtc(isoDate) + hourUtc * 3_600_000;
      const now = await bed.env.currentTimeMs();
      if (target > now) await bed.env.sleep(target - now);
      await settled(planHandle(planId));
    },
  };
}
