// Key lifecycle states, their icons and the expiry choices of "Generate API Key". Pure: no vscode.

export type KeyState = 'active' | 'expiring' | 'expired' | 'revoked';

/** A key expiring within this many days is shown as "expiring". */
export const EXPIRING_SOON_DAYS = 7;
const DAY_MS = 86_400_000;

export interface KeyDates {
  expiresAt?: string | null;
  revokedAt?: string | null;
}

export function keyState(key: KeyDates, now: Date = new Date()): KeyState {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt) {
    const at = Date.parse(key.expiresAt);
    if (Number.isFinite(at)) {
      if (at <= now.getTime()) return 'expired';
      if (at - now.getTime() <= EXPIRING_SOON_DAYS * DAY_MS) return 'expiring';
    }
  }
  return 'active';
}

/** Codicon id and theme colour id per state. */
export const KEY_STATE_ICONS: Record<KeyState, { id: string; color?: string }> = {
  active: { id: 'key' },
  expiring: { id: 'watch', color: 'list.warningForeground' },
  expired: { id: 'history', color: 'list.errorForeground' },
  revoked: { id: 'circle-slash', color: 'disabledForeground' },
};

/** "in 3 days", "2 hours ago", "just now". */
export function relativeTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return iso;
  const diff = at - now.getTime();
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [365 * DAY_MS, 'year'],
    [30 * DAY_MS, 'month'],
    [DAY_MS, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [ms, name] of units) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      const text = `${n} ${name}${n === 1 ? '' : 's'}`;
      return diff > 0 ? `in ${text}` : `${text} ago`;
    }
  }
  return 'just now';
}

export const EXPIRY_CHOICES = [
  { id: 'none', label: 'No expiry', days: undefined },
  { id: '30', label: '30 days', days: 30 },
  { id: '90', label: '90 days', days: 90 },
  { id: '365', label: '365 days', days: 365 },
  { id: 'custom', label: 'Custom date…', days: undefined },
] as const;
export type ExpiryChoiceId = (typeof EXPIRY_CHOICES)[number]['id'];

/** ISO expiry for a preset choice; undefined for "none". */
export function expiryFromDays(days: number | undefined, now: Date = new Date()): string | undefined {
  return days === undefined ? undefined : new Date(now.getTime() + days * DAY_MS).toISOString();
}

/**
 * Validates a custom expiry typed as `YYYY-MM-DD` (end of that day, UTC) or a full ISO timestamp.
 * Returns the ISO string, or an error message for the input box.
 */
export function parseCustomExpiry(text: string, now: Date = new Date()): { iso: string } | { error: string } {
  const t = text.trim();
  let at: number;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) at = Date.parse(`${t}T23:59:59.000Z`);
  else if (/^\d{4}-\d{2}-\d{2}T/.test(t)) at = Date.parse(t);
  else return { error: 'Enter a date as YYYY-MM-DD (e.g. 2027-01-31)' };
  if (!Number.isFinite(at)) return { error: `"${t}" is not a valid date` };
  if (at <= now.getTime()) return { error: 'The expiry must be in the future' };
  return { iso: new Date(at).toISOString() };
}
