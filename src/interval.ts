// Tracking intervals as users write them (CLI --every, API interval=).
/** `15m`, `1h`, `6h`, `1d` (or plain minutes) → minutes; undefined when malformed. */
export function parseInterval(text: string): number | undefined {
  const match = /^(\d+)\s*(m|min|h|d)?$/i.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = (match[2] ?? 'm').toLowerCase();
  const minutes = unit === 'd' ? n * 1440 : unit === 'h' ? n * 60 : n;
  return minutes >= 1 ? minutes : undefined;
}

export const DEFAULT_INTERVAL_MINUTES = 60;
