// Durations as people write them in flags and bodies: `<n>s|m|h|d` (`90s`, `15m`, `24h`, `30d`).
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9]\d{0,8})(s|m|h|d)$/;

export const DURATION_FORMAT = '<n>s|m|h|d, e.g. 90s, 15m, 24h, 30d';

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
