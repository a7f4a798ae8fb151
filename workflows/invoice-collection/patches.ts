/**
 * Patch ids guarding changes to running invoice workflows. A workflow whose history predates a patch
 * replays its old path; test/replay holds histories recorded before each one.
 */

/** After-care (chargeback and recovery windows), escalation approvals, the agency minimum, write-off postings. */
export const LIFECYCLE_V2 = 'invoice-lifecycle-v2';

/** Customer contact moved off quiet weekdays and holidays; a closed invoice's age stops at its close. */
export const LIFECYCLE_V3 = 'invoice-lifecycle-v3';
