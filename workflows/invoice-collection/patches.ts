/**
 * Patch ids guarding changes to running invoice workflows. A workflow whose history predates a patch
 * replays its old path; test/replay holds histories recorded before each one.
 */

/** After-care (chargeback and recovery windows), escalation approvals, the agency minimum, write-off postings. */
export const LIFECYCLE_V2 = 'invoice-lifecycle-v2';

/** Customer contact moved off quiet weekdays and holidays; a closed invoice's age stops at its close. */
export const LIFECYCLE_V3 = 'invoice-lifecycle-v3';

/**
 * The contact rule: a notice is re-checked after every await before it is sent, cancelled in flight
 * when the invoice closes or contact is held, only the main loop contacts the customer (handlers
 * queue letters), and a send whose retries leave the provider's idempotency window is suppressed.
 * Deprecate once no invoice started before it is open (the longest life plus after-care windows).
 */
export const CONTACT_GUARD = 'invoice-contact-guard';

/**
 * Contact resumes with the most severe notice missed during a hold or pause, and no hand-off letter
 * reaches a customer who has not had the final notice. Deprecate as CONTACT_GUARD.
 */
export const CONTACT_RESUMES = 'invoice-contact-resumes';

/** The write-off decision signal takes the update's approval checks. Deprecate as CONTACT_GUARD. */
export const WRITE_OFF_SIGNAL_CHECKS = 'write-off-signal-checks';

/** A dispute resolved while its SLA check awaits is not marked breached or escalated. Deprecate as CONTACT_GUARD. */
export const DISPUTE_SLA_RECHECK = 'dispute-sla-recheck';

/** A balance below the policy's minimum for its currency stops dunning (written off or kept without contact). Deprecate as CONTACT_GUARD. */
export const SMALL_BALANCE = 'small-balance';

/**
 * Customer contact goes through the customer's outreach workflow (one voice per customer, merged
 * messages, their hours). Decided once, at an invoice's start: invoices running before it keep
 * emailing directly for the rest of their life. Deprecate as CONTACT_GUARD.
 */
export const CUSTOMER_OUTREACH = 'customer-outreach';

/**
 * Fewer billable actions: a dunning step upserts search attributes only when one a worklist filters
 * on (status, aging bucket, escalation) changes, and a contact request goes to an outreach already
 * running as a signal from the workflow rather than through an activity. Deprecate as CONTACT_GUARD.
 */
export const FEWER_ACTIONS = 'invoice-fewer-actions';

/**
 * A payment is posted by local activities inside the update's own workflow task (its interest, then
 * the payment), so the caller's answer waits for one task instead of an activity task and a second
 * workflow task. Deprecate as CONTACT_GUARD.
 */
export const PAYMENT_IN_ONE_TASK = 'payment-in-one-task';

/**
 * A payment wakes the main loop only when it leaves a balance too small to chase. Any other partial
 * payment changes nothing the loop would act on (it sleeps until the next step either way, and it
 * watches for the close), and waking it cancelled and restarted its timer. Deprecate as CONTACT_GUARD.
 */
export const PAYMENT_WAKES_WHEN_DUE = 'payment-wakes-when-due';

/**
 * A close that posts money closes the invoice's open tasks in that posting's transaction (a payment
 * that pays it off, an approved or small-balance write-off, a settlement's discount), and an approved
 * write-off's decision is recorded with its posting: one activity where there were three. The close's
 * own task-closing activity then runs only for closes without a posting (a cancel). Deprecate as CONTACT_GUARD.
 */
export const CLOSE_WITH_POSTING = 'close-with-posting';

/**
 * An invoice records its start by a local activity inside its first workflow task, so a new invoice
 * costs the server and the worker one workflow task before it sleeps (or acts on its first step)
 * instead of a task, an activity task and a second task. Deprecate as CONTACT_GUARD.
 */
export const START_IN_ONE_TASK = 'start-in-one-task';

/**
 * Recorded once, in a new invoice's first workflow task: the invoice was born at release 14, and
 * takes every patch of that release and before without asking `patched()` again. Each such call
 * records a marker and upserts `TemporalChangeVersion` the first time a run takes it (six of each in
 * a first payment's task); an invoice born since needs none of them. Invoices born before keep
 * asking, and replay as they were recorded. A patch added later goes into `PATCH_RELEASES` with its
 * release (15 or later), so every invoice born before it asks for it as usual.
 */
export const BORN_AT_RELEASE_14 = 'invoice-born-at-release-14';
export const BORN_RELEASE = 14;

/** The release each patch came with (test/replay holds the same table and its histories). */
export const PATCH_RELEASES: Readonly<Record<string, number>> = {
  [LIFECYCLE_V2]: 2,
  [LIFECYCLE_V3]: 3,
  [CONTACT_GUARD]: 4,
  [CONTACT_RESUMES]: 4,
  [WRITE_OFF_SIGNAL_CHECKS]: 4,
  [DISPUTE_SLA_RECHECK]: 4,
  [SMALL_BALANCE]: 4,
  [CUSTOMER_OUTREACH]: 5,
  [FEWER_ACTIONS]: 7,
  [PAYMENT_IN_ONE_TASK]: 7,
  [PAYMENT_WAKES_WHEN_DUE]: 9,
  [CLOSE_WITH_POSTING]: 10,
  [START_IN_ONE_TASK]: 13,
};
