/** Request fields that say who did something: the API takes them from the caller's key and refuses them in a body. */
export const CALLER_FIELDS: readonly string[] = ['decidedBy', 'resolvedBy', 'takenBy', 'proposedBy', 'movedBy', 'releasedBy', 'reportedBy', 'cancelledBy', 'role'];

/** Why a body may not carry a field that says who did something. */
export const CALLER_FIELD_REASON = 'is taken from the API key (its holder, and for a write-off decision its approver role): remove it';
