// Execution rows: the engine's Execution record as JSON text, plus the columns we filter on.
import type { Execution } from '../../engine/types';
import type { Queryable } from './db';
import { toPgArray } from './keys';

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
  return rows[0] ? (JSON.parse(rows[0].record) as Execution) : undefined;
}

/** Newest first; `workflows` = allow-list filter (undefined = all). */
export async function listExecutions(
  db: Queryable,
  opts: { workflows?: string[]; workflowId?: string; limit: number },
): Promise<Execution[]> {
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
  params.push(opts.limit);
  const rows = await db.query<{ record: string }>(
    `SELECT record FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => JSON.parse(r.record) as Execution);
}
