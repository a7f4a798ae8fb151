/**
 * Request bodies for what happens to an invoice after registration: each is the workflow's message
 * (src/domain/invoice-messages.ts) less the ids the route takes from its path.
 */
import {
  bankruptcyMessage, disputeMessage, disputeResolutionMessage, escalationDecisionMessage, holdMessage, promiseMessage, releaseMessage,
  reversalMessage, settlementDecisionMessage, settlementOfferMessage, waiverMessage,
} from '../domain/invoice-messages';

export { HOLD_KINDS } from '../domain/invoice-messages';

export const openDisputeSchema = disputeMessage;
export const resolveDisputeSchema = disputeResolutionMessage.omit({ disputeId: true });
export const promiseToPaySchema = promiseMessage;
export const placeHoldSchema = holdMessage;
export const releaseHoldSchema = releaseMessage.omit({ holdId: true });
export const escalationDecisionSchema = escalationDecisionMessage;
export const waiveChargesSchema = waiverMessage;
export const settlementOfferSchema = settlementOfferMessage;
export const settlementDecisionSchema = settlementDecisionMessage.omit({ offerId: true });
export const reversalSchema = reversalMessage.omit({ paymentId: true });
export const bankruptcySchema = bankruptcyMessage;
