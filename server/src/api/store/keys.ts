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
}

/** Inserts a key row for the plaintext `key` (which is not stored). */
export async function insertKey(
  db: Queryable,
  key: string,
  k: NewKey,
): Promise<{ record: ApiKeyRecord; hash: string }> {
  const hash = hashKey(key);
  const rows = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, name, key_hash, start, scopes, workflows, expires_at, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8) RETURNING ${KEY_COLUMNS}`,
    [
      newKeyId(),
      k.name,
      hash,
      keyStart(key),
      JSON.stringify(k.scopes),
      JSON.stringify(k.workflows),
      k.expiresAt,
      k.createdBy,
    ],
  );
  return { record: keyFromRow(rows[0]!), hash };
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

export async function countKeys(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM api_keys');
  return Number(rows[0]?.n ?? 0);
}

/** Batched lastUsedAt: one statement per flush for all keys used since the previous flush. */
export async function touchKeys(db: Queryable, used: Map<string, number>): Promise<void> {
  if (!used.size) return;
  const ids = [...used.keys()];
  const times = ids.map((id) => new Date(used.get(id)!).toISOString());
  await db.query(
    `UPDATE api_keys AS k SET last_used_at = greatest(coalesce(k.last_used_at, u.t), u.t)
     FROM (SELECT unnest($1::text[]) AS id, unnest($2::timestamptz[]) AS t) AS u WHERE k.id = u.id`,
    [toPgArray(ids), toPgArray(times)],
  );
}

/** A text[] literal (ids and ISO timestamps only: no quotes or backslashes to escape, but escape anyway). */
export function toPgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
