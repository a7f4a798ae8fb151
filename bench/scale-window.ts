/**
 * The moment every invoice's step comes due, and the policy that makes it so.
 *
 * An invoice's dunning steps run at the policy's send hour (a whole UTC hour) on a day after its
 * start: a step dated today is the one that applies now and runs at the start (lateStart). So the
 * earliest step timer a new invoice can sleep on is the next 00:00 UTC, up to a day away. What can
 * fall a few minutes ahead is the customers' contact window: it opens at a whole hour of the policy's
 * zone, on the same day. So every invoice is overdue, decides its reminder at its start and hands it
 * to its customer's outreach workflow, which sleeps on a timer until the window opens; at that moment
 * all N reminders come due together.
 */
import { DateTime } from 'luxon';
import type { CollectionsPolicy } from '../src/domain/policy/schema';
import { EVERY_DAY_POLICY } from '../test/support/invoice-fixtures';

/** Zones whose whole hours fall on :00, :30 and :15 UTC, so the moment can be chosen to the quarter hour. */
const ZONES = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu'];

export interface ContactWindow {
  /** When it opens (epoch ms). */
  opensAt: number;
  zone: string;
  /** Its opening hour in `zone`; it stays open to midnight there. */
  startHour: number;
}

/**
 * The first window opening at or after `earliest` that is still closed at `now`: a whole hour of one
 * of the zones on the same local day as `now` (a window that opened the day before would be open).
 */
export function nextWindow(earliest: number, now: number): ContactWindow {
  const candidates = ZONES.flatMap((zone) => {
    let at = DateTime.fromMillis(earliest, { zone }).startOf('hour');
    if (at.toMillis() < earliest) at = at.plus({ hours: 1 });
    return at.hasSame(DateTime.fromMillis(now, { zone }), 'day') ? [{ opensAt: at.toMillis(), zone, startHour: at.hour }] : [];
  });
  if (candidates.length === 0) throw new Error(`no contact window opens between ${new Date(earliest).toISOString()} and the end of the day in ${ZONES.join(', ')}: start later`);
  return candidates.reduce((first, next) => (next.opensAt < first.opensAt ? next : first));
}

/**
 * Contact any day, from the window's hour to midnight in its zone, with no gap between messages (a
 * request that missed its customer's message is then sent at once, not days later, which the run
 * would count as never done). Each outreach merges every request waiting when the window opens.
 */
export function windowPolicy(window: ContactWindow): CollectionsPolicy {
  return {
    ...EVERY_DAY_POLICY,
    // Its own id: the worker seeds the default policy at its start, which a later save of "default" v1 would not replace.
    policyId: 'scale-window',
    name: 'Scale benchmark: contact from the window to midnight, every day',
    contact: { ...EVERY_DAY_POLICY.contact, timeZone: window.zone, businessHours: { startHour: window.startHour, endHour: 24 }, minGapDays: 0 },
  };
}

/** "06:15:00 UTC (11:00 in Asia/Kathmandu)". */
export function describeWindow(window: ContactWindow): string {
  const utc = new Date(window.opensAt).toISOString().slice(11, 19);
  return window.zone === 'UTC' ? `${utc} UTC` : `${utc} UTC (${String(window.startHour).padStart(2, '0')}:00 in ${window.zone})`;
}
