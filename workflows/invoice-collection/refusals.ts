/**
 * How an invoice workflow says no. An update's validator (or a signal's check) refuses with a typed,
 * non-retryable application failure: `InvalidField` names the field of the update's input and the
 * reason; `NotApplicable` says the invoice's state does not allow it now. The API maps each to
 * problem+json without parsing messages.
 */
import { ApplicationFailure } from '@temporalio/common';

export const INVALID_FIELD = 'InvalidField';
export const NOT_APPLICABLE = 'NotApplicable';

/** What an `InvalidField` failure carries: the field is a path within the update's input. */
export interface FieldRefusal {
  field: string;
  reason: string;
}

/** Refuses one field of the input. */
export function refuse(field: string, reason: string): never {
  const details: FieldRefusal[] = [{ field, reason }];
  throw ApplicationFailure.create({ type: INVALID_FIELD, message: `${field}: ${reason}`, details, nonRetryable: true });
}

/** Refuses because of the invoice's state (closed, cancelled, not in review …). */
export function notApplicable(reason: string): never {
  throw ApplicationFailure.create({ type: NOT_APPLICABLE, message: reason, nonRetryable: true });
}

/** The field refusal an error carries, if it is one. */
export function fieldRefusalOf(error: unknown): FieldRefusal | undefined {
  if (!(error instanceof ApplicationFailure) || error.type !== INVALID_FIELD) return undefined;
  const [detail] = error.details ?? [];
  const candidate = detail as Partial<FieldRefusal> | undefined;
  return typeof candidate?.field === 'string' && typeof candidate.reason === 'string' ? { field: candidate.field, reason: candidate.reason } : undefined;
}

/** Runs a check and answers its refusal as text, or null when it passes. */
export function refusalOf(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof ApplicationFailure) return error.message;
    throw error;
  }
}
