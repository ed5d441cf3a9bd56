// The alert rules, as pure functions: given a tracking's rules, their state and one
// change of a watched series (the value before and after, at a Keepa minute), what
// notifications fire and what the new state is. Only changes that a scrape recorded
// reach here, so a repeated or failed scrape can never fire.
//
// Thresholds (per domain and csvType; isDrop true = at or below, false = at or above):
// - DESIRED_PRICE: the value enters the desired range (from outside it, out of stock, or
//   unknown), or moves inside it while the entry was never reported (a delta held it
//   back). A sentinel (-1 out of stock, -2 unknown) is never in range.
// - DESIRED_PRICE_AGAIN: it enters the range again after having left it, once re-armed.
// - PRICE_CHANGE_AFTER_DESIRED_PRICE: while in range it moves further the wanted way
//   (drops more, for isDrop), once re-armed.
// - PRICE_CHANGE: with minDeltaAbsolute/minDeltaPercentage set, outside the range it
//   moves the wanted way by at least the delta (a threshold of 0 with a delta is a pure
//   "tell me when it drops 10%" rule).
// Re-arm: after a rule notifies at minute m it stays silent until m + the interval
// (individualNotificationInterval; -1 = DEFAULT_REARM_MINUTES; 0 = never again).
// Deltas: a change smaller than the delta never notifies. It is measured against the
// value at the rule's last notification (before its first: the value before the first
// change it saw), not the 90-day average: a slow slide of small drops adds up and
// notifies once it is big enough, a price resting below its average does not notify
// again and again, and the write path needs no history read to decide.
// Stock (notifyIf): OUT_STOCK when a value goes from a price to -1, IN_STOCK from -1
// to a price; not re-armed (each transition is what was asked for).
import { Cause, type CauseOrdinal } from './enums.js';
import { DEFAULT_REARM_MINUTES, type NotifyIfRule, type ThresholdRule } from './tracking-spec.js';

export interface SeriesChange {
  readonly domainId: number;
  readonly csvType: number;
  /** Keepa minute of the new value. */
  readonly t: number;
  /** The value in force before (landed price for shipping types); null = no earlier value. */
  readonly before: number | null;
  readonly after: number;
}

export interface ThresholdState {
  readonly inRange: boolean;
  readonly notifiedAt: number | null;
  readonly notifiedValue: number | null;
  /** The delta reference before the first notification. */
  readonly baseline: number | null;
  /** Whether the desired price was ever notified (DESIRED_PRICE vs DESIRED_PRICE_AGAIN). */
  readonly desiredNotified: boolean;
}

export type RuleState = Readonly<Record<string, ThresholdState>>;

export interface FiredAlert {
  readonly cause: CauseOrdinal;
  readonly domainId: number;
  readonly csvType: number;
  readonly t: number;
  readonly before: number | null;
  readonly after: number;
  /** The threshold's direction (null for stock triggers). */
  readonly isDrop: boolean | null;
}

export interface TrackingRules {
  readonly thresholdValues: readonly ThresholdRule[];
  readonly notifyIf: readonly NotifyIfRule[];
  readonly individualNotificationInterval: number;
}

export function ruleKey(rule: Pick<ThresholdRule, 'domain' | 'csvType' | 'isDrop'>): string {
  return `${rule.domain}:${rule.csvType}:${rule.isDrop ? 'drop' : 'rise'}`;
}

const INITIAL: ThresholdState = { inRange: false, notifiedAt: null, notifiedValue: null, baseline: null, desiredNotified: false };

function inRange(rule: ThresholdRule, value: number): boolean {
  return value >= 0 && (rule.isDrop ? value <= rule.thresholdValue : value >= rule.thresholdValue);
}

/** How far `value` moved the wanted way from `reference` (positive = wanted). */
function gain(rule: ThresholdRule, reference: number, value: number): number {
  return rule.isDrop ? reference - value : value - reference;
}

function hasDelta(rule: ThresholdRule): boolean {
  return rule.minDeltaAbsolute !== null || rule.minDeltaPercentage !== null;
}

/** Whether the move from `reference` to `value` is at least the rule's deltas (integer arithmetic). */
export function deltaMet(rule: ThresholdRule, reference: number | null, value: number): boolean {
  if (!hasDelta(rule)) return true;
  if (reference === null || reference < 0 || value < 0) return false;
  const moved = gain(rule, reference, value);
  if (moved <= 0) return false;
  if (rule.minDeltaAbsolute !== null && moved < rule.minDeltaAbsolute) return false;
  if (rule.minDeltaPercentage !== null && moved * 100 < rule.minDeltaPercentage * reference) return false;
  return true;
}

function armed(state: ThresholdState, t: number, interval: number): boolean {
  if (state.notifiedAt === null) return true;
  if (interval === 0) return false;
  return t >= state.notifiedAt + (interval < 0 ? DEFAULT_REARM_MINUTES : interval);
}

export function evaluateThreshold(
  rule: ThresholdRule,
  state: ThresholdState | undefined,
  change: SeriesChange,
  interval: number,
): { fired: CauseOrdinal | null; state: ThresholdState } {
  const s = state ?? INITIAL;
  const baseline = s.baseline ?? (change.before !== null && change.before >= 0 ? change.before : change.after >= 0 ? change.after : null);
  const now = inRange(rule, change.after);
  const reference = s.notifiedValue ?? baseline;
  let cause: CauseOrdinal | null = null;
  // Entering the range, or in it without the entry ever reported (a delta held it back).
  if (now && (!s.inRange || !s.desiredNotified)) cause = s.desiredNotified ? Cause.DESIRED_PRICE_AGAIN : Cause.DESIRED_PRICE;
  else if (now && s.inRange && change.before !== null && change.before >= 0 && gain(rule, change.before, change.after) > 0) {
    cause = Cause.PRICE_CHANGE_AFTER_DESIRED_PRICE;
  } else if (!now && hasDelta(rule) && change.after >= 0) cause = Cause.PRICE_CHANGE;
  const fires = cause !== null && armed(s, change.t, interval) && deltaMet(rule, reference, change.after);
  const next: ThresholdState = fires
    ? {
        inRange: now,
        notifiedAt: change.t,
        notifiedValue: change.after,
        baseline,
        desiredNotified: s.desiredNotified || cause === Cause.DESIRED_PRICE || cause === Cause.DESIRED_PRICE_AGAIN,
      }
    : { ...s, inRange: now, baseline };
  return { fired: fires ? cause : null, state: next };
}

export function evaluateStock(rule: NotifyIfRule, change: SeriesChange): CauseOrdinal | null {
  if (rule.notifyIfType === 0 && change.before !== null && change.before >= 0 && change.after === -1) return Cause.OUT_STOCK;
  if (rule.notifyIfType === 1 && change.before === -1 && change.after >= 0) return Cause.IN_STOCK;
  return null;
}

/** Applies a tracking's rules to its changes (in time order); returns what fired and the new state. */
export function evaluateChanges(
  rules: TrackingRules,
  state: RuleState,
  changes: readonly SeriesChange[],
): { fired: FiredAlert[]; state: RuleState } {
  const next: Record<string, ThresholdState> = { ...state };
  const fired: FiredAlert[] = [];
  const ordered = [...changes].sort((a, b) => a.t - b.t);
  for (const change of ordered) {
    for (const rule of rules.thresholdValues) {
      if (rule.domain !== change.domainId || rule.csvType !== change.csvType) continue;
      const key = ruleKey(rule);
      const result = evaluateThreshold(rule, next[key], change, rules.individualNotificationInterval);
      next[key] = result.state;
      if (result.fired !== null) fired.push({ cause: result.fired, ...pick(change), isDrop: rule.isDrop });
    }
    for (const rule of rules.notifyIf) {
      if (rule.domain !== change.domainId || rule.csvType !== change.csvType) continue;
      const cause = evaluateStock(rule, change);
      if (cause !== null) fired.push({ cause, ...pick(change), isDrop: null });
    }
  }
  return { fired, state: next };
}

function pick(change: SeriesChange) {
  return { domainId: change.domainId, csvType: change.csvType, t: change.t, before: change.before, after: change.after };
}
