// API-key rows. Only the SHA-256 of a key is stored; revoking clears it and keeps the row (with revoked_at).
import { newKeyId } from '../../core/ids';
import { hashKey, keyStart } from '../../core/keys';
import type { Scope } from '../../core/scopes';
import type { Queryable } from './db';
import { type ApiKeyRecord, type ApiKeyRow, KEY_COLUMNS, keyFromRow, type WorkflowAccess } from './records';

export interface NewKey {
  name: string;
  scopes: Scope[];
  workflows: WorkflowAccess;
  expiresAt: string | null;
  createdBy: string | null;
  /** Set by a roll: the key this one replaces. */
  rolledFrom?: string | null;
}

/** Inserts a key row for the plaintext `key` (which is not stored). */
export async function insertKey(
  db: Queryable,
  key: string,
  k: NewKey,
): Promise<{ record: ApiKeyRecord; hash: string }> {
  const hash = hashKey(key);
  const rows = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, name, key_hash, start, scopes, workflows, expires_at, created_at, created_by, rolled_from)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9) RETURNING ${KEY_COLUMNS}`,
    [
      newKeyId(),
      k.name,
      hash,
      keyStart(key),
      JSON.stringify(k.scopes),
      JSON.stringify(k.workflows),
      k.expiresAt,
      k.createdBy,
      k.rolledFrom ?? null,
    ],
  );
  return { record: keyFromRow(rows[0]!), hash };
}

/** Why a key cannot be rolled (the row is the key as it is now). */
export type RollRefusal =
  | { refused: 'not_found' }
  | { refused: 'already_rolled'; rolledTo: string }
  | { refused: 'revoked' | 'expired'; record: ApiKeyRecord };

export interface RollPlan {
  /** ms since epoch: "now" of the roll. */
  now: number;
  overlapMs: number;
  createdBy: string;
  /** The new key may not expire after this (ms since epoch; Infinity = no cap): the caller's own expiry. */
  capMs: number;
  /** Checked on the row as locked (reach), before anything changes; a string refuses with that reason. */
  check(old: ApiKeyRecord): string | undefined;
}

/**
 * Rolls key `id` in one transaction (the row locked: two rolls of one key cannot both succeed): inserts the new key
 * (same name, scopes, workflows; the same lifetime length from now if the old one expires, capped at `capMs`) with
 * rolled_from = id, and sets the old key's rolled_to and expires_at = min(its expiry, now + overlap).
 */
export async function rollKey(
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  id: string,
  plaintext: string,
  plan: RollPlan,
): Promise<
  RollRefusal | { refused: 'check'; why: string } | { old: ApiKeyRecord; record: ApiKeyRecord; hash: string }
> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1 FOR UPDATE`, [id]);
    if (!rows[0]) return { refused: 'not_found' as const };
    const old = keyFromRow(rows[0]);
    const why = plan.check(old);
    if (why !== undefined) return { refused: 'check' as const, why };
    if (old.rolledTo) return { refused: 'already_rolled' as const, rolledTo: old.rolledTo };
    if (old.revokedAt) return { refused: 'revoked' as const, record: old };
    const oldExpiresMs = old.expiresAt ? Date.parse(old.expiresAt) : Number.POSITIVE_INFINITY;
    if (oldExpiresMs <= plan.now) return { refused: 'expired' as const, record: old };
    let newExpiresMs = Number.POSITIVE_INFINITY;
    if (old.expiresAt) newExpiresMs = plan.now + (oldExpiresMs - Date.parse(old.createdAt));
    newExpiresMs = Math.min(newExpiresMs, plan.capMs);
    const made = await insertKey(tx, plaintext, {
      name: old.name,
      scopes: old.scopes,
      workflows: old.workflows,
      expiresAt: Number.isFinite(newExpiresMs) ? new Date(newExpiresMs).toISOString() : null,
      createdBy: plan.createdBy,
      rolledFrom: old.id,
    });
    const oldUntil = new Date(Math.min(oldExpiresMs, plan.now + plan.overlapMs)).toISOString();
    const updated = await tx.query<ApiKeyRow>(
      `UPDATE api_keys SET rolled_to = $2, expires_at = $3 WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
      [id, made.record.id, oldUntil],
    );
    return { old: keyFromRow(updated[0]!), record: made.record, hash: made.hash };
  });
}

export async function listKeys(db: Queryable): Promise<ApiKeyRecord[]> {
  const rows = await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`);
  return rows.map(keyFromRow);
}

/** Every live key with its hash (to build the embedded store's in-memory index). */
export async function liveKeysWithHash(db: Queryable): Promise<{ record: ApiKeyRecord; hash: string }[]> {
  const rows = await db.query<ApiKeyRow>(
    `SELECT ${KEY_COLUMNS}, key_hash FROM api_keys WHERE key_hash IS NOT NULL AND revoked_at IS NULL`,
  );
  return rows.map((r) => ({ record: keyFromRow(r), hash: r.key_hash! }));
}

export async function getKey(db: Queryable, id: string): Promise<ApiKeyRecord | undefined> {
  const rows = await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return rows[0] ? keyFromRow(rows[0]) : undefined;
}

export async function keyByHash(db: Queryable, hash: string): Promise<ApiKeyRecord | undefined> {
  const rows = await db.query<ApiKeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [hash],
  );
  return rows[0] ? keyFromRow(rows[0]) : undefined;
}

/** Revokes: clears the hash, sets revoked_at (kept if already revoked). Returns the row, or undefined if unknown. */
export async function revokeKey(db: Queryable, id: string): Promise<ApiKeyRecord | undefined> {
  const rows = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET key_hash = NULL, revoked_at = coalesce(revoked_at, now()) WHERE id = $1
     RETURNING ${KEY_COLUMNS}`,
    [id],
  );
  return rows[0] ? keyFromRow(rows[0]) : undefined;
}

/** Revokes the key with this hash if it is live (not revoked, not expired): one conditional UPDATE, so of servers
 * sharing a database exactly one wins. Returns the revoked row, or undefined (unknown, revoked or expired). */
export async function revokeLiveKeyByHash(db: Queryable, hash: string): Promise<ApiKeyRecord | undefined> {
  const rows = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET key_hash = NULL, revoked_at = now()
     WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
     RETURNING ${KEY_COLUMNS}`,
    [hash],
  );
  return rows[0] ? keyFromRow(rows[0]) : undefined;
}

export async function countKeys(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM api_keys');
  return Number(rows[0]?.n ?? 0);
}

/** Batched lastUsedAt: one statement per flush for all keys used since the previous flush. */
/** One key's last use: when (ms), from which address, with which User-Agent (cleaned, or null). */
export interface KeyUse {
  at: number;
  ip: string | null;
  userAgent: string | null;
}

/** Batched lastUsedAt/Ip/UserAgent; the address and agent follow the latest use (another server's may be later). */
export async function touchKeys(db: Queryable, used: Map<string, KeyUse>): Promise<void> {
  if (!used.size) return;
  const ids = [...used.keys()];
  const times = ids.map((id) => new Date(used.get(id)!.at).toISOString());
  const ips = ids.map((id) => used.get(id)!.ip ?? '');
  const agents = ids.map((id) => used.get(id)!.userAgent ?? '');
  await db.query(
    `UPDATE api_keys AS k SET last_used_at = greatest(coalesce(k.last_used_at, u.t), u.t),
       last_used_ip = CASE WHEN k.last_used_at IS NULL OR u.t >= k.last_used_at THEN nullif(u.ip, '') ELSE k.last_used_ip END,
       last_used_user_agent = CASE WHEN k.last_used_at IS NULL OR u.t >= k.last_used_at THEN nullif(u.ua, '') ELSE k.last_used_user_agent END
     FROM (SELECT unnest($1::text[]) AS id, unnest($2::timestamptz[]) AS t, unnest($3::text[]) AS ip,
             unnest($4::text[]) AS ua) AS u
     WHERE k.id = u.id`,
    [toPgArray(ids), toPgArray(times), toPgArray(ips), toPgArray(agents)],
  );
}

/** A text[] literal (ids, ISO timestamps, addresses, cleaned user agents: quotes and backslashes escaped). */
export function toPgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
