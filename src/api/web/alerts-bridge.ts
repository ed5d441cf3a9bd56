// The dashboard's view of alert rules. Alert rules live in the Keepa tracking store of
// issue 12; until that store is on main there are no rules, and the pages say so
// (`alertsAvailable` false) instead of offering a form that could not save.
import type { Store } from '../../store/index.js';

export interface AlertRule {
  readonly csvType: number;
  readonly thresholdValue: number;
  readonly isDrop: boolean;
}

export const alertsAvailable = false;

/** `domainId:asin` of every product with at least one rule. */
export async function alertedProducts(_store: Store): Promise<string[]> {
  return [];
}

export async function alertCounts(_store: Store, _rows: ReadonlyArray<{ domainId: number; asin: string }>): Promise<Map<string, number>> {
  return new Map();
}

export async function alertsOf(_store: Store, _domainId: number, _asin: string): Promise<AlertRule[]> {
  return [];
}
