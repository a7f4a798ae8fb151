/**
 * The default policy, drawn from the collections playbook: reminders at −3, +1, +7 and +15 days,
 * the final notice at +30, a collector call after it, escalation to sales, management, legal and an
 * agency on later timers, and a write-off review at 180 days.
 */
import { STANDARD_AGING_BUCKETS } from '../aging';
import { collectionsPolicySchema, type CollectionsPolicy } from './schema';

export const DEFAULT_POLICY: CollectionsPolicy = collectionsPolicySchema.parse({
  policyId: 'default',
  version: 1,
  name: 'Standard dunning (playbook default)',
  agingBuckets: STANDARD_AGING_BUCKETS,
  sendHourUtc: 9,
  dunningSteps: [
    { id: 'reminder-upcoming', offsetDays: -3, action: 'email', template: 'reminder-upcoming', tone: 'friendly' },
    { id: 'reminder-1-day', offsetDays: 1, action: 'email', template: 'reminder-past-due', tone: 'friendly' },
    { id: 'reminder-7-days', offsetDays: 7, action: 'email', template: 'reminder-past-due-details', tone: 'neutral' },
    { id: 'reminder-15-days', offsetDays: 15, action: 'email', template: 'escalation-notice', tone: 'firm' },
    { id: 'final-notice', offsetDays: 30, action: 'email', template: 'final-notice', tone: 'firm', finalNotice: true },
    { id: 'collector-call', offsetDays: 35, action: 'call_task', script: 'call-30-days' },
    { id: 'escalate-sales', offsetDays: 45, action: 'escalate', level: 'sales' },
    { id: 'escalate-management', offsetDays: 60, action: 'escalate', level: 'management' },
    { id: 'escalate-legal', offsetDays: 90, action: 'escalate', level: 'legal' },
    { id: 'escalate-agency', offsetDays: 120, action: 'escalate', level: 'agency' },
  ],
  writeOff: { reviewAfterDays: 180, reReviewAfterDays: 90 },
});
