/**
 * How invoice operations say no, without knowing about HTTP: the API's problem mapper
 * (src/api/problem.ts) turns each into its status. A workflow's own refusal is not wrapped here: it
 * travels as the typed application failure the workflow threw (workflows/invoice-collection/refusals.ts).
 */

/** The invoice (or the policy version it names) is not stored. */
export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} does not exist`);
  }
}

/** One field of the request cannot be accepted; `field` is its path in the request body. */
export class InvalidFieldError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

/** The request conflicts with what is already recorded; `field` names the part that conflicts, if one does. */
export class ConflictError extends Error {
  constructor(readonly title: string, detail: string, readonly field?: { field: string; reason: string }) {
    super(detail);
  }
}

/** The invoice's workflow has ended: nothing more can be applied to it. */
export class InvoiceClosedError extends Error {
  constructor(readonly invoiceId: string, readonly status: string) {
    super(`invoice ${invoiceId} is ${status}; its collection has ended`);
  }
}
