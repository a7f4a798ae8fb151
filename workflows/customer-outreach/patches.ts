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
