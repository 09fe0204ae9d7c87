// Execution rows: the engine's Execution record as JSON text, plus the columns we filter on.
import { boundRecord, MAX_RECORD_BYTES } from '../../engine/bound';
import type { Execution } from '../../engine/types';
import type { Queryable } from './db';
import { toPgArray } from './keys';
import { iso } from './records';

/** The lease a running execution is saved with: the server running it, and how long until it must renew. */
export interface ExecutionLease {
  owner: string;
  ttlMs: number;
}

/**
 * Inserts the execution, or updates it while the stored row is still `running` under the same lease owner: a run
 * that another server already finished (its lease expired: see api/executionLeases.ts) is never overwritten.
 * Returns false when the update did not land (the stored record stands). A new `running` row needs a `lease`, or
 * it counts as expired at once.
 */
export async function saveExecution(
  db: Queryable,
  e: Execution,
  keyId: string | null,
  lease?: ExecutionLease,
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO executions (id, workflow_id, status, started_at, finished_at, record, key_id, lease_owner,
       lease_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text,
       CASE WHEN $8::text IS NULL THEN NULL ELSE now() + $9::integer * interval '1 millisecond' END)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at,
       record = excluded.record
     WHERE executions.status = 'running' AND executions.lease_owner IS NOT DISTINCT FROM excluded.lease_owner
     RETURNING id`,
    [
      e.id,
      e.workflowId,
      e.status,
      e.startedAt,
      e.finishedAt ?? null,
      JSON.stringify(e),
      keyId,
      lease?.owner ?? null,
      lease?.ttlMs ?? 0,
    ],
  );
  return rows.length > 0;
}

export async function getExecution(db: Queryable, id: string): Promise<Execution | undefined> {
  const rows = await db.query<{ record: string }>('SELECT record FROM executions WHERE id = $1', [id]);
  return rows[0] ? (JSON.parse(boundedText(rows[0].record)) as Execution) : undefined;
}

/** The stored record's JSON text (bounded) and its workflow, without parsing the record (GET by id serves it as is). */
export async function getExecutionText(
  db: Queryable,
  id: string,
): Promise<{ workflowId: string; text: string } | undefined> {
  const rows = await db.query<{ workflow_id: string; record: string }>(
    'SELECT workflow_id, record FROM executions WHERE id = $1',
    [id],
  );
  return rows[0] ? { workflowId: rows[0].workflow_id, text: boundedText(rows[0].record) } : undefined;
}

/**
 * A stored record's JSON, bounded: records written before records were bounded (or by an older server) may be
 * larger than MAX_RECORD_BYTES; they are cut on the way out (the row is left as it is; deleting it removes it).
 */
function boundedText(record: string): string {
  if (record.length <= MAX_RECORD_BYTES) return record;
  return JSON.stringify(boundRecord(JSON.parse(record) as Execution));
}

/** One page of a listing: the records' JSON texts and the cursor of the next page (if any). */
export interface ExecutionPage {
  records: string[];
  next: string | undefined;
}

/** A page holds at most `limit` records and (past its first record) about this many bytes. */
export const PAGE_BYTES = 8 * 1024 * 1024;

export function encodeCursor(startedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([startedAt, id])).toString('base64url');
}

/** The (startedAt, id) a cursor names, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): [string, string] | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      !Number.isNaN(Date.parse(v[0])) &&
      /^exe_[0-9a-f]{32}$/.test(v[1])
    )
      return [v[0], v[1]];
  } catch {
    // not base64url JSON
  }
  return undefined;
}

/** Newest first; `workflows` = allow-list filter (undefined = all); `cursor` = the page after that record. */
export async function listExecutions(
  db: Queryable,
  opts: { workflows?: string[]; workflowId?: string; status?: string; limit: number; cursor?: [string, string] },
): Promise<ExecutionPage> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (opts.workflows) {
    params.push(toPgArray(opts.workflows));
    where.push(`workflow_id = ANY($${params.length}::text[])`);
  }
  if (opts.workflowId) {
    params.push(opts.workflowId);
    where.push(`workflow_id = $${params.length}`);
  }
  if (opts.status) {
    params.push(opts.status);
    where.push(`status = $${params.length}`);
  }
  if (opts.cursor) {
    params.push(opts.cursor[0], opts.cursor[1]);
    where.push(`(started_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(opts.limit + 1);
  const rows = await db.query<{ id: string; started_at: unknown; record: string }>(
    `SELECT id, started_at, record FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const records: string[] = [];
  let bytes = 0;
  let next: string | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (i === opts.limit || (records.length > 0 && bytes + row.record.length > PAGE_BYTES)) {
      const prev = rows[i - 1]!;
      next = encodeCursor(iso(prev.started_at)!, prev.id);
      break;
    }
    const text = boundedText(row.record);
    bytes += text.length;
    records.push(text);
  }
  return { records, next };
}

/** Deletes a finished execution: 'deleted', 'running' (refused) or 'missing'. */
export async function deleteExecution(db: Queryable, id: string): Promise<'deleted' | 'running' | 'missing'> {
  const rows = await db.query<{ id: string }>(
    "DELETE FROM executions WHERE id = $1 AND status <> 'running' RETURNING id",
    [id],
  );
  if (rows.length) return 'deleted';
  const left = await db.query<{ status: string }>('SELECT status FROM executions WHERE id = $1', [id]);
  return left.length ? 'running' : 'missing';
}

/**
 * Retention: deletes finished executions beyond the newest `keep` and (with `maxAgeMs`) those started longer ago.
 * Running ones are never pruned. Returns how many were deleted.
 */
export async function pruneExecutions(db: Queryable, opts: { keep: number; maxAgeMs?: number }): Promise<number> {
  let deleted = 0;
  if (opts.maxAgeMs !== undefined) {
    const cutoff = new Date(Date.now() - opts.maxAgeMs).toISOString();
    const rows = await db.query<{ id: string }>(
      "DELETE FROM executions WHERE status <> 'running' AND started_at < $1::timestamptz RETURNING id",
      [cutoff],
    );
    deleted += rows.length;
  }
  const rows = await db.query<{ id: string }>(
    `DELETE FROM executions WHERE id IN (
       SELECT id FROM executions WHERE status <> 'running' ORDER BY started_at DESC, id DESC OFFSET $1
     ) RETURNING id`,
    [opts.keep],
  );
  return deleted + rows.length;
}

/** The columns the API checks before acting on an execution (no record parse). */
export async function executionMeta(
  db: Queryable,
  id: string,
): Promise<{ workflowId: string; status: string } | undefined> {
  const rows = await db.query<{ workflow_id: string; status: string }>(
    'SELECT workflow_id, status FROM executions WHERE id = $1',
    [id],
  );
  return rows[0] ? { workflowId: rows[0].workflow_id, status: rows[0].status } : undefined;
}

/**
 * Marks a running execution cancelled in the store (a run this server does not hold, or one that did not stop in
 * time): the node that was running and those that never ran say so; `cancel_requested` tells the server running it
 * (its lease heartbeat) to stop, and its own final save no longer lands (the row is not `running` any more). Only a row still `running` changes, so a run
 * that finished meanwhile keeps its outcome. Returns the cancelled record, or undefined when it was not running.
 */
export async function cancelStored(db: Queryable, id: string, reason: string): Promise<Execution | undefined> {
  const rows = await db.query<{ record: string }>(
    "SELECT record FROM executions WHERE id = $1 AND status = 'running'",
    [id],
  );
  if (!rows[0]) return undefined;
  const e = JSON.parse(rows[0].record) as Execution;
  const finishedAt = new Date().toISOString();
  e.status = 'cancelled';
  e.finishedAt = finishedAt;
  e.durationMs = Date.parse(finishedAt) - Date.parse(e.startedAt);
  e.error = reason;
  for (const n of e.nodes) {
    if (n.status === 'running') {
      n.status = 'cancelled';
      n.finishedAt = finishedAt;
      n.error = reason;
    } else if (n.status === 'pending') n.status = 'cancelled';
  }
  const updated = await db.query<{ id: string }>(
    `UPDATE executions SET status = 'cancelled', finished_at = $2, record = $3, cancel_requested = true
     WHERE id = $1 AND status = 'running' RETURNING id`,
    [id, finishedAt, JSON.stringify(e)],
  );
  return updated.length ? e : undefined;
}
