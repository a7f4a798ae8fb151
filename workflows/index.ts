/** Every workflow the worker runs; this file is the entry point of the workflow bundle. */
export { invoiceCollection } from './invoice-collection/workflow';
export { customerOutreach } from './customer-outreach/workflow';
export { paymentPlan } from './payment-plan/workflow';
