/** When each request reached the Resend stand-in, which records only when it accepted one. */
import type { ReceivedEmail, ResendStandIn } from '../test/support/resend-stand-in';

/**
 * Stamps every request the stand-in records with its arrival time. The stand-in pushes each request
 * onto its `requests` list as it arrives, so that push is the moment; the stand-in itself is shared
 * with the tests and stays as it is.
 */
export function stampArrivals(resend: ResendStandIn): Map<ReceivedEmail, number> {
  const arrivals = new Map<ReceivedEmail, number>();
  const push = resend.requests.push.bind(resend.requests);
  resend.requests.push = (...items: ReceivedEmail[]) => {
    for (const item of items) arrivals.set(item, Date.now());
    return push(...items);
  };
  return arrivals;
}
