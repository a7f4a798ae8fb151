/**
 * The default policy, drawn from the collections playbook. Enterprise, SMB and international
 * accounts get reminders at −3, +1, +7 and +15 days, the final notice at +30, a collector call
 * after it, escalation to sales, management, legal and an agency on later timers, and a write-off
 * review at 180 days. Strategic accounts get the same rhythm in a neutral tone. Government
 * accounts get a longer schedule that follows statutory payment timelines, without an agency.
 */
import { STANDARD_AGING_BUCKETS } from '../aging';
import { collectionsPolicySchema, type CollectionsPolicy, type Segment } from './schema';

/** Segments on the playbook's standard schedule, firm tone included. */
const STANDARD: Segment[] = ['enterprise', 'smb', 'international'];
/** Segments that share the playbook's rhythm; strategic swaps its firm emails for neutral ones. */
const PLAYBOOK_RHYTHM: Segment[] = ['strategic', ...STANDARD];

export const DEFAULT_POLICY: CollectionsPolicy = collectionsPolicySchema.parse({
  policyId: 'default',
  version: 1,
  name: 'Standard dunning (playbook default)',
  agingBuckets: STANDARD_AGING_BUCKETS,
  sendHourUtc: 9,
  dunningSteps: [
    // The playbook schedule. These ids, days and positions are what workflows, their tests and
    // recorded histories know, so segment-specific steps are added after them, never in their place.
    { id: 'reminder-upcoming', offsetDays: -3, action: 'email', template: 'reminder-upcoming', tone: 'friendly' },
    { id: 'reminder-1-day', offsetDays: 1, action: 'email', template: 'reminder-past-due', tone: 'friendly', appliesTo: { segments: PLAYBOOK_RHYTHM } },
    { id: 'reminder-7-days', offsetDays: 7, action: 'email', template: 'reminder-past-due-details', tone: 'neutral', appliesTo: { segments: PLAYBOOK_RHYTHM } },
    { id: 'reminder-15-days', offsetDays: 15, action: 'email', template: 'escalation-notice', tone: 'firm', appliesTo: { segments: STANDARD } },
    { id: 'final-notice', offsetDays: 30, action: 'email', template: 'final-notice', tone: 'firm', finalNotice: true, appliesTo: { segments: STANDARD } },
    { id: 'collector-call', offsetDays: 35, action: 'call_task', script: 'call-30-days', appliesTo: { segments: PLAYBOOK_RHYTHM } },
    { id: 'escalate-sales', offsetDays: 45, action: 'escalate', level: 'sales', appliesTo: { segments: PLAYBOOK_RHYTHM } },
    { id: 'escalate-management', offsetDays: 60, action: 'escalate', level: 'management', appliesTo: { segments: PLAYBOOK_RHYTHM } },
    { id: 'escalate-legal', offsetDays: 90, action: 'escalate', level: 'legal', appliesTo: { segments: PLAYBOOK_RHYTHM } },
    { id: 'escalate-agency', offsetDays: 120, action: 'escalate', level: 'agency', appliesTo: { segments: PLAYBOOK_RHYTHM } },

    // Strategic accounts: the relationship matters most, so the firm emails are neutral (legal and
    // the agency already wait for approval through escalationApprovals.strategic).
    { id: 'reminder-15-days-strategic', offsetDays: 15, action: 'email', template: 'escalation-notice', tone: 'neutral', appliesTo: { segments: ['strategic'] } },
    { id: 'final-notice-strategic', offsetDays: 30, action: 'email', template: 'final-notice', tone: 'neutral', finalNotice: true, appliesTo: { segments: ['strategic'] } },

    // Government pays on statutory timelines (a prompt-payment act's 30 days, up to 60 for some public bodies), so it is reminded every 15 days from +15, gets its final notice at +45, legal at 120 and no agency.
    { id: 'reminder-15-days-government', offsetDays: 15, action: 'email', template: 'reminder-past-due-details', tone: 'neutral', appliesTo: { segments: ['government'] } },
    { id: 'reminder-30-days-government', offsetDays: 30, action: 'email', template: 'escalation-notice', tone: 'neutral', appliesTo: { segments: ['government'] } },
    { id: 'final-notice-government', offsetDays: 45, action: 'email', template: 'final-notice', tone: 'neutral', finalNotice: true, appliesTo: { segments: ['government'] } },
    { id: 'collector-call-government', offsetDays: 50, action: 'call_task', script: 'call-30-days', appliesTo: { segments: ['government'] } },
    { id: 'escalate-management-government', offsetDays: 75, action: 'escalate', level: 'management', appliesTo: { segments: ['government'] } },
    { id: 'escalate-legal-government', offsetDays: 120, action: 'escalate', level: 'legal', appliesTo: { segments: ['government'] } },
  ],
  writeOff: { reviewAfterDays: 180, reReviewAfterDays: 90 },
});
