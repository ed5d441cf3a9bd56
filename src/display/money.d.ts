// Types of money.js (plain JS so the browser loads the same file the server runs).
export interface MoneyFormat {
  /** ISO 4217 code of the marketplace currency. */
  readonly currency: string;
  readonly minorDigits: number;
  readonly decimalSeparator: string;
  readonly groupSeparator: string;
}
export const CURRENCY_SYMBOLS: Readonly<Record<string, { readonly symbol: string; readonly after: boolean }>>;
export function formatAmount(minor: number, format: Omit<MoneyFormat, 'currency'>): string;
export function formatMoney(minor: number, format: MoneyFormat): string;
export function formatCount(value: number, format: Omit<MoneyFormat, 'currency'>): string;
export function formatRating(value: number): string;
export function formatChange(minor: number, format: MoneyFormat): string;
export function parseAmount(text: string, format: { readonly minorDigits: number; readonly decimalSeparator?: string }): number | null;
