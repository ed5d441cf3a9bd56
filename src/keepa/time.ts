// Keepa time: whole minutes since 2011-01-01T00:00Z. Every timestamp inside a product,
// stats or tracking object is one; only the envelope's `timestamp` is unix ms.

/** Integer minutes since 2011-01-01T00:00Z. */
export type KeepaMinute = number;

/** Minutes from the unix epoch to 2011-01-01T00:00Z. */
export const KEEPA_EPOCH_MINUTES = 21_564_000;
const MS_PER_MINUTE = 60_000;

/** The Keepa minute containing this instant (floor, also for instants before 2011). */
export function toKeepaMinute(instant: Date | number): KeepaMinute {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return Math.floor(ms / MS_PER_MINUTE) - KEEPA_EPOCH_MINUTES;
}

/** Unix milliseconds of the start of a Keepa minute. */
export function keepaMinuteToUnixMs(minute: KeepaMinute): number {
  if (!Number.isInteger(minute)) throw new RangeError(`Keepa minute must be an integer, got ${minute}`);
  return (minute + KEEPA_EPOCH_MINUTES) * MS_PER_MINUTE;
}

export function fromKeepaMinute(minute: KeepaMinute): Date {
  return new Date(keepaMinuteToUnixMs(minute));
}

/** The current Keepa minute; `clock` lets tests and `--as-of` pin "now". */
export function keepaNow(clock: () => number = Date.now): KeepaMinute {
  return toKeepaMinute(clock());
}

export const MINUTES_PER_DAY = 1440;
