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
  expiring: { id: 'warning', color: 'list.warningForeground' },
  expired: { id: 'error', color: 'list.errorForeground' },
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

/** Whole days left until `iso` (rounded down; 0 = under a day); undefined without an expiry or once expired. */
export function daysLeft(iso: string | null | undefined, now: Date = new Date()): number | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  if (!Number.isFinite(at) || at <= now.getTime()) return undefined;
  return Math.floor((at - now.getTime()) / DAY_MS);
}

/** "2026-12-04 10:00" (UTC). */
export function utcMinute(iso: string): string {
  const at = Date.parse(iso);
  return Number.isFinite(at) ? new Date(at).toISOString().slice(0, 16).replace('T', ' ') : iso;
}

/**
 * Time left as a person counts it: whole days rounded ("in 2 days" for a key made with a 2-day lifetime a moment ago),
 * under a day hours, under an hour minutes; the past as relativeTime says it.
 */
export function remainingText(iso: string, now: Date = new Date()): string {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return iso;
  const left = at - now.getTime();
  if (left <= 0 || left >= 30 * DAY_MS) return relativeTime(iso, now);
  const unit = (n: number, name: string) => `in ${n} ${name}${n === 1 ? '' : 's'}`;
  if (left >= DAY_MS) return unit(Math.round(left / DAY_MS), 'day');
  if (left >= 3_600_000) return unit(Math.floor(left / 3_600_000), 'hour');
  return left >= 60_000 ? unit(Math.floor(left / 60_000), 'minute') : 'in under a minute';
}

/** "Expires in 3 days (2026-12-04 10:00 UTC)", "Expired 2 hours ago (…)", undefined without an expiry. */
export function expiresText(iso: string | null | undefined, now: Date = new Date()): string | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return undefined;
  const when = `(${utcMinute(iso)} UTC)`;
  return at <= now.getTime()
    ? `Expired ${relativeTime(iso, now)} ${when}`
    : `Expires ${remainingText(iso, now)} ${when}`;
}

/** How long the old key keeps working after "Roll API Key" (the API's `overlap`). */
export const OVERLAP_CHOICES = [
  { label: 'None', overlap: '0s', detail: 'The old key stops working now' },
  { label: '1 hour', overlap: '1h', detail: 'The old key keeps working for 1 hour' },
  { label: '24 hours', overlap: '24h', detail: 'The old key keeps working for 24 hours (default)' },
  { label: '7 days', overlap: '7d', detail: 'The old key keeps working for 7 days' },
] as const;
export const DEFAULT_OVERLAP = '24h';

/** Expiry warnings are shown once per key per threshold: within 7 days, then again within 1 day. */
export const EXPIRY_WARNING_DAYS = [7, 1] as const;

export interface WarnableKey extends KeyDates {
  id: string;
  name: string;
  rolledTo?: string | null;
}

export interface ExpiryWarning {
  keyId: string;
  /** The threshold crossed (days): 7 or 1. */
  threshold: number;
  /** The state key remembering it was shown: `<key id>@<threshold>d` (no secret). */
  memo: string;
  message: string;
}

/**
 * The warnings due for `keys` (the signed-in key is marked `own`): the smallest threshold each unexpired, unrevoked,
 * not-yet-rolled key is within, unless `shown` holds it already. A rolled key's expiry is its overlap: no warning.
 */
export function expiryWarnings(
  keys: readonly (WarnableKey & { own?: boolean })[],
  shown: ReadonlySet<string>,
  now: Date = new Date(),
): ExpiryWarning[] {
  const out: ExpiryWarning[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.id) || k.revokedAt || k.rolledTo || !k.expiresAt) continue;
    seen.add(k.id);
    const at = Date.parse(k.expiresAt);
    if (!Number.isFinite(at) || at <= now.getTime()) continue;
    const left = at - now.getTime();
    const threshold = [...EXPIRY_WARNING_DAYS].sort((a, b) => a - b).find((d) => left <= d * DAY_MS);
    if (threshold === undefined) continue;
    const memo = `${k.id}@${threshold}d`;
    if (shown.has(memo)) continue;
    out.push({
      keyId: k.id,
      threshold,
      memo,
      message: `The API key "${k.name}"${k.own ? ' (the one you are signed in with)' : ''} expires ${remainingText(k.expiresAt, now)} (${utcMinute(k.expiresAt)} UTC). Roll it now to get a replacement.`,
    });
  }
  return out;
}

/** The status bar's days-left suffix for the signed-in key: under 7 days only; `urgent` under 1 day. */
export function statusDaysLeft(
  iso: string | null | undefined,
  now: Date = new Date(),
): { text: string; urgent: boolean } | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return undefined;
  const left = at - now.getTime();
  if (left <= 0) return { text: 'expired', urgent: true };
  if (left > EXPIRING_SOON_DAYS * DAY_MS) return undefined;
  if (left < DAY_MS) {
    const h = Math.floor(left / 3_600_000);
    return { text: h ? `${h}h left` : '<1h left', urgent: true };
  }
  return { text: `${Math.floor(left / DAY_MS)}d left`, urgent: false };
}
