/**
 * Patch ids guarding changes to running outreach workflows. A workflow whose history predates a
 * patch replays its old path; test/replay holds histories recorded before each one.
 */

/**
 * The outreach reads the customer's open hours from a calendar it fetches once (for months ahead)
 * instead of asking an activity before every message; a message's first attempt checks the hours
 * still hold and, when a corrected zone or country moved them, sends nothing and brings a new
 * calendar. Deprecate once no outreach has been running since before it (outreaches run for as long
 * as their customer: replace by a continue-as-new of every running outreach).
 */
export const OUTREACH_CALENDAR = 'outreach-calendar';

/**
 * Dunning waits the merge window only while the customer has other open invoices that could ask at
 * the same moment (as the last message found); otherwise it goes at once, and its first attempt sends
 * nothing if another invoice has opened meanwhile (the outreach then waits to merge after all).
 * Deprecate as OUTREACH_CALENDAR.
 */
export const MERGE_WITH_COMPANY = 'outreach-merge-with-company';
