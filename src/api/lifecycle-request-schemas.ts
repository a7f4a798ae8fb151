/**
 * Request bodies for what happens to an invoice after registration: each is the workflow's message
 * (src/domain/invoice-messages.ts) less the ids the route takes from its path and less who acted,
 * which the route takes from the caller's API key (a body that still names who acted is refused).
 */
import {
  bankruptcyMessage, disputeMessage, disputeResolutionMessage, escalationDecisionMessage, holdMessage, promiseMessage, releaseMessage,
  reversalMessage, settlementDecisionMessage, settlementOfferMessage, waiverMessage,
} from '../domain/invoice-messages';

export { HOLD_KINDS } from '../domain/invoice-messages';

export const openDisputeSchema = disputeMessage;
export const resolveDisputeSchema = disputeResolutionMessage.omit({ disputeId: true, resolvedBy: true });
export const promiseToPaySchema = promiseMessage.omit({ takenBy: true });
export const placeHoldSchema = holdMessage;
export const releaseHoldSchema = releaseMessage.omit({ holdId: true, releasedBy: true });
export const escalationDecisionSchema = escalationDecisionMessage.omit({ decidedBy: true });
export const waiveChargesSchema = waiverMessage.omit({ decidedBy: true });
export const settlementOfferSchema = settlementOfferMessage.omit({ proposedBy: true });
export const settlementDecisionSchema = settlementDecisionMessage.omit({ offerId: true, decidedBy: true });
export const reversalSchema = reversalMessage.omit({ paymentId: true });
export const bankruptcySchema = bankruptcyMessage.omit({ reportedBy: true });
