// Versioned schema migrations, applied in order inside one transaction each and recorded in `flero_migrations`.
// To change the schema, APPEND a migration with the next version number; never edit or reorder an applied one.
// Other areas add theirs here too (e.g. credentials: version 2). Servers sharing one PostgreSQL serialise migration
// with an advisory lock, so concurrent starts are safe.
import {
  CREDENTIAL_FINGERPRINTS_MIGRATION_SQL,
  CREDENTIAL_ROLLBACK_MIGRATION_SQL,
  CREDENTIALS_MIGRATION_SQL,
} from './credentials';
import { ADVISORY_LOCKS } from './advisoryLocks';
import { OAUTH2_MIGRATION_SQL } from './oauth2';
import type { Db } from './db';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'api keys, workflows, executions, audit log',
    sql: `
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        key_hash text UNIQUE,             -- SHA-256 hex of the whole key; NULL once revoked
        start text NOT NULL,              -- prefix + first 4 random chars, for listings
        scopes text NOT NULL,             -- JSON array of scopes
        workflows text NOT NULL,          -- JSON: "all" or an array of workflow ids
        expires_at timestamptz,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_by text                   -- id of the key that minted it (NULL: owner / CLI)
      );
      CREATE TABLE workflows (
        id text PRIMARY KEY,
        document text NOT NULL,           -- the workflow JSON exactly as validated
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE TABLE executions (
        id text PRIMARY KEY,
        workflow_id text NOT NULL,
        status text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        record text NOT NULL,             -- the Execution JSON (masked by the engine)
        key_id text
      );
      CREATE INDEX executions_by_workflow ON executions (workflow_id, started_at DESC);
      CREATE INDEX executions_by_start ON executions (started_at DESC);
      CREATE TABLE audit_log (
        seq bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        event text NOT NULL,
        key_id text,
        ip text,
        target text,
        detail text                       -- JSON object or NULL; never a secret
      );
    `,
  },
  {
    version: 2,
    name: 'credentials (values sealed under the master key) and the vault check',
    sql: CREDENTIALS_MIGRATION_SQL,
  },
  {
    version: 3,
    name: 'execution leases (a run whose server died is finished by a live one) and cross-server cancel',
    sql: `
      ALTER TABLE executions ADD COLUMN lease_owner text;           -- server id running it (api/executionLeases.ts)
      ALTER TABLE executions ADD COLUMN lease_expires_at timestamptz; -- renewed by its heartbeat; NULL = expired
      ALTER TABLE executions ADD COLUMN progress text;              -- JSON {node, startedAt}: the node running now
      ALTER TABLE executions ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;
      CREATE INDEX executions_running_leases ON executions (lease_expires_at) WHERE status = 'running';
    `,
  },
  {
    version: 4,
    name: 'api key rolls: each record names the key it replaced and the key that replaced it',
    sql: `
      ALTER TABLE api_keys ADD COLUMN rolled_from text;             -- id of the key this one replaced (roll)
      ALTER TABLE api_keys ADD COLUMN rolled_to text;               -- id of the key that replaced this one
    `,
  },
  {
    version: 5,
    name: 'credential rollback: the value before the last rotation, sealed, for 24 h',
    sql: CREDENTIAL_ROLLBACK_MIGRATION_SQL,
  },
  {
    version: 6,
    name: 'oauth2 credentials: configuration, sealed tokens and their state, pending consents (PKCE verifier sealed)',
    sql: OAUTH2_MIGRATION_SQL,
  },
  {
    version: 7,
    name: 'credential value fingerprints (rotation refuses a value it had before), basic auth usernames, key last-use address and user agent',
    sql: `${CREDENTIAL_FINGERPRINTS_MIGRATION_SQL}
      ALTER TABLE api_keys ADD COLUMN last_used_ip text;            -- client address of the last use (batched with last_used_at)
      ALTER TABLE api_keys ADD COLUMN last_used_user_agent text;    -- its User-Agent: control characters removed, at most 200 characters
    `,
  },
];

const LOCK_ID = ADVISORY_LOCKS.migrations;

/** Applies pending migrations; returns the versions applied now. */
export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  checkNumbering(migrations);
  // An embedded store has one writer (the data-dir lock): if every migration is recorded, one read says so, without
  // a transaction per migration (most of a reopen's migration time, and all of it on a store made from the seed).
  if (db.kind === 'embedded' && (await allRecorded(db, migrations))) return [];
  // Under the same lock as the migrations: two servers starting together on one PostgreSQL would otherwise both
  // try to create the table (IF NOT EXISTS is not safe against a concurrent create: duplicate pg_type row).
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await tx.query(`CREATE TABLE IF NOT EXISTS flero_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const applied: number[] = [];
  for (const m of sorted) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
      const done = await tx.query('SELECT 1 FROM flero_migrations WHERE version = $1', [m.version]);
      if (done.length) return;
      for (const stmt of splitStatements(m.sql)) await tx.query(stmt);
      await tx.query('INSERT INTO flero_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    });
  }
  return applied;
}

/** Strictly increasing from 1; a gap is allowed (a version reserved by work on another branch): each migration is
 * applied once, by version, whatever order the versions were merged in. */
function checkNumbering(migrations: Migration[]): void {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    const prev = i === 0 ? 0 : sorted[i - 1]!.version;
    if (!Number.isInteger(m.version) || m.version <= prev || (i === 0 && m.version !== 1))
      throw new Error(`migrations must be numbered 1, 2, 3… (each once, increasing): found ${m.version} at ${i + 1}`);
  });
}

async function allRecorded(db: Db, migrations: Migration[]): Promise<boolean> {
  let rows: { version: number }[];
  try {
    rows = await db.query<{ version: number }>('SELECT version FROM flero_migrations');
  } catch {
    return false; // no table yet: a new store
  }
  const done = new Set(rows.map((r) => r.version));
  return migrations.every((m) => done.has(m.version));
}

/** Splits on `;` at line ends (migrations hold no procedural code), dropping `--` comments. */
function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .map((l) => l.replace(/--.*$/, ''))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function schemaVersion(db: Db): Promise<number> {
  const rows = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM flero_migrations');
  return rows[0]?.v ?? 0;
}
