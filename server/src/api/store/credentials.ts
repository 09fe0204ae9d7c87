// Credential rows: metadata in columns, the value sealed (AES-256-GCM, engine/vault.ts) under the master key with the
// credential id as additional data. A value never leaves this module except to the engine's resolver. Rotation is one
// UPDATE of one row: atomic; runs resolve their credentials once at start, so runs in flight keep the old value.
import type { CredentialMeta } from '../../core/credentials';
import type { Queryable } from './db';

export interface CredentialRecord extends CredentialMeta {
  /** Last 4 characters of the value, only for values of 12+ characters (else null). */
  last4: string | null;
  /** 1 on create, +1 on each rotation. */
  version: number;
  createdAt: string;
  updatedAt: string;
  rotatedAt: string | null;
  /** Until when the value before the last rotation can be restored (rollback), or null. */
  rollbackUntil: string | null;
}

/** How long after a rotation the previous value can be restored; then it is destroyed. */
export const ROLLBACK_WINDOW_MS = 24 * 3_600_000;

interface Row {
  id: string;
  name: string;
  service: string;
  auth_type: string;
  header: string | null;
  query: string | null;
  hosts: string | null;
  basic: string | null;
  sealed_value: string;
  last4: string | null;
  version: number;
  created_at: string | Date;
  updated_at: string | Date;
  rotated_at: string | Date | null;
  rollback_until: string | Date | null;
  has_previous: boolean;
}

const iso = (v: string | Date | null): string | null =>
  v === null ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString();

function toRecord(r: Row): CredentialRecord {
  const rec: CredentialRecord = {
    id: r.id,
    name: r.name,
    service: r.service,
    authType: r.auth_type as CredentialMeta['authType'],
    last4: r.last4,
    version: Number(r.version),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    rotatedAt: iso(r.rotated_at),
    rollbackUntil: rollbackOpen(r, Date.now()) ? iso(r.rollback_until) : null,
  };
  if (r.header) rec.header = JSON.parse(r.header) as NonNullable<CredentialMeta['header']>;
  if (r.query) rec.query = JSON.parse(r.query) as NonNullable<CredentialMeta['query']>;
  if (r.hosts) rec.hosts = JSON.parse(r.hosts) as string[];
  if (r.basic) rec.basic = JSON.parse(r.basic) as NonNullable<CredentialMeta['basic']>;
  return rec;
}

const COLUMNS =
  'id, name, service, auth_type, header, query, hosts, basic, sealed_value, last4, version, created_at, updated_at, rotated_at, rollback_until, previous_sealed_value IS NOT NULL AS has_previous';

/** A previous value is kept and its 24 h are not over. */
const rollbackOpen = (r: Row, now: number) =>
  Boolean(r.has_previous) && r.rollback_until !== null && new Date(r.rollback_until).getTime() > now;

/** A previous value is kept though its 24 h are over: it is destroyed on this read (lazily; also pruned at start). */
const rollbackStale = (r: Row, now: number) => Boolean(r.has_previous) && !rollbackOpen(r, now);

/** Rows read: destroys the previous values whose window has passed (one UPDATE, only when there are some). */
async function clearStale(db: Queryable, rows: Row[]): Promise<Row[]> {
  const now = Date.now();
  if (rows.some((r) => rollbackStale(r, now))) await pruneRollbacks(db, now);
  return rows;
}

/** Destroys every previous value whose rollback window has passed; returns how many. */
export async function pruneRollbacks(db: Queryable, now = Date.now()): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `UPDATE credentials SET previous_sealed_value = NULL, previous_last4 = NULL, rollback_until = NULL
     WHERE (previous_sealed_value IS NOT NULL OR rollback_until IS NOT NULL)
       AND (rollback_until IS NULL OR rollback_until <= $1) RETURNING id`,
    [new Date(now).toISOString()],
  );
  return rows.length;
}

export function last4Of(value: string): string | null {
  return value.length >= 12 ? value.slice(-4) : null;
}

export async function listCredentials(db: Queryable): Promise<CredentialRecord[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM credentials ORDER BY created_at, id`);
  return (await clearStale(db, rows)).map(toRecord);
}

export async function getCredential(db: Queryable, id: string): Promise<CredentialRecord | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM credentials WHERE id = $1`, [id]);
  await clearStale(db, rows);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** The record and its sealed value (for the resolver and the test route only). */
export async function getSealed(
  db: Queryable,
  id: string,
): Promise<{ record: CredentialRecord; sealed: string } | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM credentials WHERE id = $1`, [id]);
  await clearStale(db, rows);
  return rows[0] ? { record: toRecord(rows[0]), sealed: rows[0].sealed_value } : undefined;
}

export async function countCredentials(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM credentials');
  return Number(rows[0]?.n ?? 0);
}

/** Inserts; false if the id exists. */
export async function insertCredential(
  db: Queryable,
  meta: CredentialMeta,
  sealed: string,
  last4: string | null,
  fingerprint?: string,
) {
  const now = new Date().toISOString();
  const rows = await db.query<{ id: string }>(
    `INSERT INTO credentials (id, name, service, auth_type, header, query, hosts, sealed_value, last4, version,
       created_at, updated_at, rotated_at, value_fingerprints, basic)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10, NULL, $11, $12)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      meta.id,
      meta.name,
      meta.service,
      meta.authType,
      meta.header ? JSON.stringify(meta.header) : null,
      meta.query ? JSON.stringify(meta.query) : null,
      meta.hosts ? JSON.stringify(meta.hosts) : null,
      sealed,
      last4,
      now,
      fingerprint ? JSON.stringify([fingerprint]) : null,
      meta.basic ? JSON.stringify(meta.basic) : null,
    ],
  );
  return rows.length === 1;
}

/** How many fingerprints of past values a credential keeps (newest first): `value_reused` looks back this far. */
export const MAX_FINGERPRINTS = 20;

/**
 * The keyed fingerprints (engine/vault.ts `fingerprint`) of the values this credential has had, newest first, the
 * current one included; [] for a credential made before they were kept. Never a value.
 */
export async function getFingerprints(db: Queryable, id: string): Promise<string[]> {
  const rows = await db.query<{ value_fingerprints: string | null }>(
    'SELECT value_fingerprints FROM credentials WHERE id = $1',
    [id],
  );
  const raw = rows[0]?.value_fingerprints;
  return raw ? (JSON.parse(raw) as string[]) : [];
}

/** `add` (newest first) in front of `list`, each once, at most MAX_FINGERPRINTS. */
export function withFingerprints(list: readonly string[], ...add: string[]): string[] {
  return [...new Set([...add, ...list])].slice(0, MAX_FINGERPRINTS);
}

export interface CredentialChange {
  name?: string;
  header?: CredentialMeta['header'] | null;
  query?: CredentialMeta['query'] | null;
  hosts?: string[] | null;
  basic?: CredentialMeta['basic'];
  /** A new sealed value = rotation. */
  sealed?: { value: string; last4: string | null };
  /** The fingerprints to keep (with a rotation: the new value's first). */
  fingerprints?: string[];
}

/** One UPDATE (atomic swap of the value on rotation); undefined if the id does not exist. */
export async function updateCredential(
  db: Queryable,
  id: string,
  change: CredentialChange,
): Promise<CredentialRecord | undefined> {
  const sets: string[] = [];
  const params: (string | null)[] = [];
  const set = (col: string, v: string | null) => {
    params.push(v);
    sets.push(`${col} = $${params.length}`);
  };
  const now = new Date().toISOString();
  if (change.name !== undefined) set('name', change.name);
  if (change.header !== undefined) set('header', change.header ? JSON.stringify(change.header) : null);
  if (change.query !== undefined) set('query', change.query ? JSON.stringify(change.query) : null);
  if (change.hosts !== undefined) set('hosts', change.hosts ? JSON.stringify(change.hosts) : null);
  if (change.basic !== undefined) set('basic', JSON.stringify(change.basic));
  if (change.sealed) {
    // The value being replaced is kept, sealed as it is, for a rollback within 24 h (a previous one is destroyed:
    // only the value right before the last rotation can be restored). SET reads the row as it was.
    sets.push('previous_sealed_value = sealed_value', 'previous_last4 = last4');
    set('rollback_until', new Date(Date.parse(now) + ROLLBACK_WINDOW_MS).toISOString());
    set('sealed_value', change.sealed.value);
    set('last4', change.sealed.last4);
    set('rotated_at', now);
    sets.push('version = version + 1');
  }
  if (change.fingerprints) set('value_fingerprints', JSON.stringify(change.fingerprints));
  set('updated_at', now);
  params.push(id);
  const rows = await db.query<Row>(
    `UPDATE credentials SET ${sets.join(', ')} WHERE id = $${params.length} RETURNING ${COLUMNS}`,
    params,
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/**
 * Restores the value before the last rotation, if it is kept and its window is open, in one UPDATE (atomic; two
 * rollbacks cannot both succeed): the previous value becomes the value and is destroyed (a rollback cannot be
 * rolled back), version +1, rotated_at = now. 'gone': no such credential; 'nothing': nothing to roll back.
 */
export async function rollbackCredential(
  db: Queryable,
  id: string,
  fingerprints?: string[],
): Promise<CredentialRecord | 'gone' | 'nothing'> {
  const now = new Date().toISOString();
  // `fingerprints` (when given) keeps the rolled-back-from value among the values this credential had before.
  const rows = await db.query<Row>(
    `UPDATE credentials SET sealed_value = previous_sealed_value, last4 = previous_last4,
       previous_sealed_value = NULL, previous_last4 = NULL, rollback_until = NULL,
       version = version + 1, rotated_at = $2, updated_at = $2,
       value_fingerprints = COALESCE($3, value_fingerprints)
     WHERE id = $1 AND previous_sealed_value IS NOT NULL AND rollback_until > $2 RETURNING ${COLUMNS}`,
    [id, now, fingerprints ? JSON.stringify(fingerprints) : null],
  );
  if (rows[0]) return toRecord(rows[0]);
  return (await getCredential(db, id)) ? 'nothing' : 'gone';
}

export async function deleteCredential(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('DELETE FROM credentials WHERE id = $1 RETURNING id', [id]);
  return rows.length === 1;
}

/** The sealed marker that tells whether the configured master key is the one the store was made with. */
export async function getVaultCheck(db: Queryable): Promise<string | undefined> {
  const rows = await db.query<{ check_value: string }>('SELECT check_value FROM credential_vault WHERE id = 1');
  return rows[0]?.check_value;
}

export async function setVaultCheckIfAbsent(db: Queryable, check: string): Promise<void> {
  await db.query('INSERT INTO credential_vault (id, check_value) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [check]);
}

export const CREDENTIALS_MIGRATION_SQL = `
  CREATE TABLE credentials (
    id text PRIMARY KEY,
    name text NOT NULL,
    service text NOT NULL,
    auth_type text NOT NULL,
    header text,                      -- JSON {name, prefix} or NULL
    query text,                       -- JSON {param} or NULL
    hosts text,                       -- JSON array of host patterns or NULL (the service's)
    sealed_value text NOT NULL,       -- AES-256-GCM under the master key (kept outside the database), AAD = id
    last4 text,                       -- hint for values of 12+ characters, else NULL
    version integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    rotated_at timestamptz
  );
  CREATE TABLE credential_vault (
    id integer PRIMARY KEY,
    check_value text NOT NULL         -- a sealed constant: detects a wrong master key at start-up
  );
`;

export const CREDENTIAL_ROLLBACK_MIGRATION_SQL = `
  ALTER TABLE credentials ADD COLUMN previous_sealed_value text;  -- the value before the last rotation, sealed as values are; NULL once rolled back, replaced or 24 h old
  ALTER TABLE credentials ADD COLUMN previous_last4 text;         -- its last4 hint
  ALTER TABLE credentials ADD COLUMN rollback_until timestamptz;  -- rotation + 24 h: after it the previous value is destroyed
`;

export const CREDENTIAL_FINGERPRINTS_MIGRATION_SQL = `
  ALTER TABLE credentials ADD COLUMN value_fingerprints text;  -- JSON array, newest first, at most 20: HMAC-SHA-256 (key derived from the master key) of each value it has had, the current one included; never a value
  ALTER TABLE credentials ADD COLUMN basic text;               -- JSON {username} for authType basic (the value is the password), else NULL
`;
