/**
 * One example request body per POST operation, by operationId. A test parses each with the schema
 * the route validates with, so an example in the document is always a request the API accepts.
 */

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A small policy that passes every check: three reminders, a call, one escalation. */
const POLICY_EXAMPLE = {
  policyId: 'smb-short',
  name: 'Short schedule for small businesses',
  agingBuckets: [
    { label: 'Current', fromDays: null, toDays: 0 },
    { label: '1-30', fromDays: 1, toDays: 30 },
    { label: '31-60', fromDays: 31, toDays: 60 },
    { label: '61+', fromDays: 61, toDays: null },
  ],
  dunningSteps: [
    { id: 'reminder-upcoming', offsetDays: -3, action: 'email', template: 'reminder-upcoming', tone: 'friendly' },
    { id: 'reminder-7-days', offsetDays: 7, action: 'email', template: 'reminder-past-due', tone: 'neutral' },
    { id: 'final-notice', offsetDays: 30, action: 'email', template: 'final-notice', tone: 'firm', finalNotice: true },
    { id: 'collector-call', offsetDays: 35, action: 'call_task' },
    { id: 'escalate-management', offsetDays: 60, action: 'escalate', level: 'management' },
  ],
  writeOff: { reviewAfterDays: 180 },
};

export const REQUEST_EXAMPLES: Record<string, unknown> = {
  registerInvoice: {
    invoiceId: 'INV-1001', invoiceNumber: '1001', amount: usd(245_000), issueDate: '2026-10-01', dueDate: '2026-10-31',
    paymentLink: 'https://pay.example.com/INV-1001',
    customer: { customerId: 'techcorp', name: 'TechCorp Inc.', email: 'ap@techcorp.example', segment: 'enterprise', riskTier: 'orange' },
  },
  recordPayment: { paymentId: 'PAY-7731', amount: usd(100_000), receivedAt: '2026-11-02T10:15:00Z', method: 'ACH' },
  reversePayment: { reason: 'chargeback: card holder disputes the charge' },
  cancelInvoice: { reason: 'voided: issued twice' },
  openDispute: { disputeId: 'DSP-204', category: 'pricing', amount: usd(45_000), reason: 'billed at list price, contract says 10% off' },
  resolveDispute: { inFavourOf: 'customer', creditMemo: usd(45_000), note: 'contract discount confirmed' },
  promiseToPay: { promiseId: 'PTP-88', amount: usd(120_000), promisedDate: '2026-12-15' },
  placeHold: { holdId: 'HOLD-12', kind: 'seasonal', reason: 'harvest season: pays in January', until: '2027-01-15' },
  releaseHold: {},
  proposeSettlement: { offerId: 'SET-5', amount: usd(200_000) },
  reportBankruptcy: { reference: 'US Bankruptcy Court D. Del. 26-10432' },
  decideSettlement: { approved: true },
  decideEscalation: { level: 'legal', approved: true, note: 'three broken promises' },
  waiveCharges: { kind: 'late_fee', reason: 'goodwill: first late payment in five years' },
  decideWriteOff: { approved: true, note: 'customer dissolved; no assets' },
  moveInvoiceToPolicy: { version: 2, reason: 'moved to the revised schedule' },
  proposePlan: { planId: 'PLAN-31', invoiceIds: ['INV-1001', 'INV-1002'], termDays: 90, installmentCount: 3 },
  decidePlan: { approved: true, note: 'down payment received' },
  payPlan: { paymentId: 'PAY-7740', amount: usd(81_667) },
  cancelPlan: { reason: 'customer asked to pay in full instead' },
  setDoNotDun: { on: true, reason: 'customer in restructuring talks with our CFO' },
  changeCustomerContact: {
    channels: ['email', 'sms', 'letter'],
    email: { name: 'Dana Whitfield, Accounts Payable', address: 'ap@acme.example' },
    sms: { name: 'Dana Whitfield', phone: '+14155550100' },
    letter: { name: 'Acme Corp, Accounts Payable', postalAddress: '500 Market Street\nSan Francisco, CA 94105\nUnited States' },
  },
  markLetterPrinted: {},
  createSubscription: { url: 'https://erp.example.com/hooks/collections', eventTypes: ['invoice.paid', 'invoice.written_off'], description: 'ERP: close paid and written-off invoices' },
  deactivateSubscription: {},
  receiveStripeEvent: {
    id: 'evt_1QmZ2F2eZvKYlo2C', type: 'payment_intent.succeeded', created: 1_795_000_000,
    data: { object: { id: 'pi_3QmZ2F2eZvKYlo2C', object: 'payment_intent', amount_received: 245_000, currency: 'usd', metadata: { invoiceId: 'INV-1001' } } },
  },
  receiveGenericEvent: { type: 'payment', invoiceId: 'INV-1001', paymentId: 'ERP-PAY-5521', amount: usd(245_000), receivedAt: '2026-11-02T09:00:00Z' },
  receiveDeliveryEvent: { type: 'email.bounced', data: { email_id: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c', bounce: { type: 'Permanent', message: 'mailbox does not exist' } } },
  // Base64, as Temporal's JSON carries payloads: a sealed payload under key k1, and a JSON one to seal.
  decodePayloads: { payloads: [{ metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k1') }, data: 'q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=' }] },
  encodePayloads: { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('{"invoiceId":"INV-1001"}') }] },
  validatePolicy: POLICY_EXAMPLE,
  lintPolicy: POLICY_EXAMPLE,
  savePolicy: POLICY_EXAMPLE,
  moveInvoicesToVersion: { reason: 'the revised schedule applies to every open invoice' },
};
