/**
 * Every message a payment plan's workflow takes, declared once as a zod schema: the API validates a
 * request with it (less the fields it takes from the path or the caller's key), and the workflow's
 * update inputs are the inferred types (workflows/payment-plan/definitions.ts imports the types only).
 */
import { z } from 'zod';
import { businessKey, cancelMessage, moneySchema, paymentMessage, singleLine, text } from './invoice-messages';

/** A plan proposed for one or more invoices of one customer. */
export const planProposalMessage = z.object({
  planId: businessKey,
  invoiceIds: z.array(businessKey).min(1, 'must name at least one invoice').max(50, 'must name at most 50 invoices')
    .refine((ids) => new Set(ids).size === ids.length, 'must not name an invoice twice').meta({ uniqueItems: true }),
  /** Days from the agreement to the last installment: a standard 30, 60 or 90, or a custom term. */
  termDays: z.number({ error: 'must be a number' }).int('must be a whole number of days').min(7, 'must be at least 7 days').max(730, 'must be at most 730 days'),
  /** Default: one a month (at least two), as a standard plan has. */
  installmentCount: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(36, 'must be at most 36').optional(),
  /** A down payment: a first installment other than an equal share (makes the plan custom). */
  firstInstallment: moneySchema.optional(),
  proposedBy: singleLine(200),
}).strict();

/** A person's decision on a custom plan that waits for approval; the role must be allowed the plan's total. */
export const planApprovalMessage = z.object({
  approved: z.boolean({ error: 'must be true or false' }),
  decidedBy: singleLine(200),
  /** The approver role, checked against the policy's approval hierarchy by amount. */
  role: singleLine(100).optional(),
  note: text(1000).optional(),
}).strict();

/** A payment towards the plan: allocated oldest installment first; idempotent by `paymentId`. */
export const planPaymentMessage = paymentMessage;

export const planCancelMessage = cancelMessage.extend({ cancelledBy: singleLine(200) }).strict();

export type PlanProposal = z.infer<typeof planProposalMessage>;
export type PlanApproval = z.infer<typeof planApprovalMessage>;
export type PlanPayment = z.infer<typeof planPaymentMessage>;
export type PlanCancel = z.infer<typeof planCancelMessage>;
