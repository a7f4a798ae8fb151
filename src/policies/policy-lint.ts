/**
 * Advice on a valid policy, as a collections consultant would give it: over-escalation, tone
 * mismatches, contact gaps that harass, weekend contact and send hours outside business hours, an
 * agency that costs more than it recovers. Warnings never block saving; each names the rule, the
 * step and the fix.
 */
import { formatMoney } from '../domain/money';
import { SEGMENTS, RISK_TIERS, type CollectionsPolicy, type DunningStep, type Segment } from '../domain/policy/schema';

export interface PolicyWarning {
  rule: string;
  /** The dunning step concerned; empty for policy-wide rules. */
  stepId: string;
  path: string;
  message: string;
  fix: string;
}

/** Fewer days than this between two emails to the same customer reads as harassment. */
export const MIN_CONTACT_GAP_DAYS = 3;

const minimumGap = (policy: CollectionsPolicy) => Math.max(policy.contact.minGapDays, MIN_CONTACT_GAP_DAYS);

const segmentsOf = (step: DunningStep): readonly Segment[] => step.appliesTo?.segments ?? SEGMENTS;
const tiersOf = (step: DunningStep) => step.appliesTo?.riskTiers ?? RISK_TIERS;
const overlaps = <T>(a: readonly T[], b: readonly T[]) => a.some((item) => b.includes(item));

type Rule = (policy: CollectionsPolicy) => PolicyWarning[];

const stepPath = (policy: CollectionsPolicy, step: DunningStep, field: string) => `dunningSteps.${policy.dunningSteps.indexOf(step)}.${field}`;

const earlyLegalOrAgency: Rule = (policy) => policy.dunningSteps.flatMap((step) => {
  if (step.action !== 'escalate') return [];
  const floor = step.level === 'legal' ? 60 : step.level === 'agency' ? 90 : undefined;
  if (floor === undefined || step.offsetDays >= floor) return [];
  return [{
    rule: 'early-legal-or-agency', stepId: step.id, path: stepPath(policy, step, 'offsetDays'),
    message: `escalation to ${step.level} at day ${step.offsetDays} is over-escalation: most customers still pay without it`,
    fix: `move it to day ${floor} or later, after a final notice and a collector call`,
  }];
});

const friendlyFinalNotice: Rule = (policy) => policy.dunningSteps.flatMap((step) =>
  step.action === 'email' && step.finalNotice && step.tone === 'friendly'
    ? [{ rule: 'friendly-final-notice', stepId: step.id, path: stepPath(policy, step, 'tone'),
      message: 'a final notice in a friendly tone does not read as final', fix: 'use the firm tone (or neutral for strategic accounts)' }]
    : []);

const firmToStrategic: Rule = (policy) => policy.dunningSteps.flatMap((step) =>
  step.action === 'email' && step.tone === 'firm' && segmentsOf(step).includes('strategic')
    ? [{ rule: 'firm-tone-to-strategic', stepId: step.id, path: stepPath(policy, step, 'tone'),
      message: 'a firm email reaches strategic accounts, where the relationship matters most',
      fix: 'limit this step to other segments (appliesTo.segments) and add a neutral step for strategic accounts, with the account manager involved' }]
    : []);

const contactGapTooShort: Rule = (policy) => {
  const emails = policy.dunningSteps.filter((step) => step.action === 'email').sort((a, b) => a.offsetDays - b.offsetDays);
  return emails.flatMap((step, index) => {
    const previous = emails.slice(0, index).reverse()
      .find((earlier) => overlaps(segmentsOf(earlier), segmentsOf(step)) && overlaps(tiersOf(earlier), tiersOf(step)));
    if (!previous || step.offsetDays - previous.offsetDays >= minimumGap(policy)) return [];
    return [{
      rule: 'contact-gap-too-short', stepId: step.id, path: stepPath(policy, step, 'offsetDays'),
      message: `only ${step.offsetDays - previous.offsetDays} day(s) after "${previous.id}" for the same customers`,
      fix: `leave at least ${minimumGap(policy)} days between emails`,
    }];
  });
};

const escalationWithoutFinalNotice: Rule = (policy) => policy.dunningSteps.flatMap((step) => {
  if (step.action !== 'escalate' || (step.level !== 'legal' && step.level !== 'agency')) return [];
  // Each segment the escalation reaches must have had its own final notice before it.
  const unwarned = segmentsOf(step).filter((segment) => !policy.dunningSteps.some((other) => other.action === 'email' && other.finalNotice
    && other.offsetDays < step.offsetDays && segmentsOf(other).includes(segment)));
  return unwarned.length === 0 ? [] : [{
    rule: 'escalation-without-final-notice', stepId: step.id, path: stepPath(policy, step, 'level'),
    message: `${step.level} escalation with no final notice before it for ${unwarned.join(', ')} accounts`,
    fix: 'add a final notice (finalNotice: true) at least 10 days before this step',
  }];
});

const interestAboveStatutoryCap: Rule = (policy) => {
  const { enabled, annualRateBasisPoints, statutoryMaxAnnualRateBasisPoints: cap } = policy.interest;
  if (!enabled || cap === undefined || annualRateBasisPoints <= cap) return [];
  return [{
    rule: 'interest-above-statutory-cap', stepId: '', path: 'interest.annualRateBasisPoints',
    message: `interest of ${annualRateBasisPoints / 100} % a year is above the legal maximum of ${cap / 100} %`,
    fix: `lower the rate to ${cap / 100} % or less`,
  }];
};

const writeOffWithoutTopApprover: Rule = (policy) => {
  const hierarchy = policy.writeOff.approvalHierarchy;
  const top = hierarchy[hierarchy.length - 1];
  if (top.maxAmountMinor === null) return [];
  return [{
    rule: 'write-off-without-top-approver', stepId: '', path: `writeOff.approvalHierarchy.${hierarchy.length - 1}.maxAmountMinor`,
    message: `no one may approve a write-off above ${top.maxAmountMinor} minor units of ${policy.writeOff.currency}; such reviews would wait forever`,
    fix: 'give the last approver no limit (null), or add an approver above it',
  }];
};

/** An agency fee above this share of the smallest balance handed over leaves too little to recover. */
export const MAX_AGENCY_FEE_SHARE = 0.5;

const agencyCostExceedsBalance: Rule = (policy) => {
  const agencyStep = policy.dunningSteps.find((step) => step.action === 'escalate' && step.level === 'agency');
  if (!agencyStep) return [];
  const { feePercent, minimumFeeMinor, minimumBalanceMinor } = policy.agency;
  const feeMinor = Math.max(Math.round((minimumBalanceMinor * feePercent) / 100), minimumFeeMinor);
  if (feeMinor <= minimumBalanceMinor * MAX_AGENCY_FEE_SHARE) return [];
  const show = (amountMinor: number) => formatMoney({ amountMinor, currency: policy.writeOff.currency });
  // Below half the balance the fee is the minimum fee's doing: twice the minimum fee fixes it, unless the commission itself is too high.
  const fix = feePercent > MAX_AGENCY_FEE_SHARE * 100
    ? `negotiate the agency's commission down to ${MAX_AGENCY_FEE_SHARE * 100} % or less (and set agency.minimumBalanceMinor to at least ${2 * minimumFeeMinor}, ${show(2 * minimumFeeMinor)})`
    : `set agency.minimumBalanceMinor to at least ${2 * minimumFeeMinor} (${show(2 * minimumFeeMinor)}): smaller balances go to a write-off review instead`;
  return [{
    rule: 'agency-cost-exceeds-balance', stepId: agencyStep.id, path: 'agency.minimumBalanceMinor',
    message: `an account of ${show(minimumBalanceMinor)} may go to the agency, whose fee on it (${show(feeMinor)}) is more than half of what it recovers`,
    fix,
  }];
};

const WEEKEND = ['saturday', 'sunday'] as const;

const stepOnQuietDay: Rule = (policy) => {
  const contactSteps = policy.dunningSteps.filter((step) => step.action !== 'escalate');
  const open = WEEKEND.filter((day) => !policy.contact.quietWeekdays.includes(day));
  if (contactSteps.length === 0 || open.length === 0) return [];
  return [{
    rule: 'step-on-quiet-day', stepId: '', path: 'contact.quietWeekdays',
    message: `${open.join(' and ')} ${open.length > 1 ? 'are' : 'is'} not a quiet day: steps count days from each due date, so reminders and calls land on weekends too`,
    fix: `add ${open.map((day) => `"${day}"`).join(' and ')} to contact.quietWeekdays (the contact policy's quiet days; customers outside a Saturday–Sunday weekend can name theirs)`,
  }];
};

/** Dates on which the send hour is read in local time: one in each half of the year, so daylight saving time shows. */
const REFERENCE_DATES = ['2026-01-15', '2026-07-15'] as const;

/** Minutes after local midnight at `hourUtc` on `date` in `timeZone`. */
function localMinutes(date: string, hourUtc: number, timeZone: string): number {
  const instant = new Date(`${date}T${String(hourUtc).padStart(2, '0')}:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute');
}

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const sendHourOutsideBusinessHours: Rule = (policy) => {
  const { timeZone, businessHours: { startHour, endHour } } = policy.contact;
  const inHours = (minutes: number) => minutes >= startHour * 60 && minutes < endHour * 60;
  const local = (hourUtc: number) => REFERENCE_DATES.map((date) => localMinutes(date, hourUtc, timeZone));
  const atSendHour = local(policy.sendHourUtc);
  if (atSendHour.every(inHours)) return [];
  const seasons = atSendHour[0] === atSendHour[1]
    ? clock(atSendHour[0])
    : `${clock(atSendHour[0])} in January and ${clock(atSendHour[1])} in July (daylight saving time)`;
  const fitting = Array.from({ length: 24 }, (_, hour) => hour).filter((hour) => local(hour).every(inHours));
  const best = fitting.sort((a, b) => Math.min(...local(a)) - Math.min(...local(b)))[0];
  return [{
    rule: 'send-hour-outside-business-hours', stepId: '', path: 'sendHourUtc',
    message: `steps run at ${clock(policy.sendHourUtc * 60)} UTC, which is ${seasons} in ${timeZone}, outside business hours (${clock(startHour * 60)}–${clock(endHour * 60)})`,
    fix: best === undefined
      ? `no UTC hour falls inside ${clock(startHour * 60)}–${clock(endHour * 60)} in ${timeZone} all year: widen contact.businessHours by an hour for daylight saving time`
      : `set sendHourUtc to ${best} (${local(best).map(clock).join(' / ')} in ${timeZone}, January / July)`,
  }];
};

const RULES: Rule[] = [
  earlyLegalOrAgency, friendlyFinalNotice, firmToStrategic, contactGapTooShort, escalationWithoutFinalNotice,
  interestAboveStatutoryCap, writeOffWithoutTopApprover, agencyCostExceedsBalance, stepOnQuietDay, sendHourOutsideBusinessHours,
];

/** Every warning for a validated policy, in step order. */
export function lintPolicy(policy: CollectionsPolicy): PolicyWarning[] {
  const order = (warning: PolicyWarning) => policy.dunningSteps.findIndex((step) => step.id === warning.stepId);
  return RULES.flatMap((rule) => rule(policy)).sort((a, b) => order(a) - order(b) || a.rule.localeCompare(b.rule));
}
