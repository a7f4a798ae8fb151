/** The words a policy is written in. Free of zod: workflow code imports them. */
export const SEGMENTS = ['strategic', 'enterprise', 'smb', 'government', 'international'] as const;
export const RISK_TIERS = ['green', 'yellow', 'orange', 'red'] as const;
export const TONES = ['friendly', 'neutral', 'firm'] as const;
/** Escalation ladder, lowest first. */
export const ESCALATION_LEVELS = ['collector', 'sales', 'management', 'legal', 'agency'] as const;
