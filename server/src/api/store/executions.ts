// Execution rows: the engine's Execution record as JSON text, plus the columns we filter on.
import type { Execution } from '../../engine/types';
import type { Queryable } from './db';
import { toPgArray } from './keys';

export async function saveExecution(db: Queryable, e: Execution, keyId: string | null): Promise<void> {
  await db.query(
    `INSERT INTO executions (id, workflow_id, status, started_at, finished_at, record, key_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at,
       record = excluded.record`,
    [e.id, e.workflowId, e.status, e.startedAt, e.finishedAt ?? null, JSON.stringify(e), keyId],
  );
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

/** Runs interrupted by a shutdown or crash are marked cancelled on the next start (embedded store only). */
export async function cancelInterrupted(db: Queryable): Promise<number> {
  const rows = await db.query<{ id: string; record: string }>(
    "SELECT id, record FROM executions WHERE status = 'running'",
  );
  for (const r of rows) {
    const e = JSON.parse(r.record) as Execution;
    const now = new Date().toISOString();
    const updated: Execution = { ...e, status: 'cancelled', finishedAt: now, error: 'interrupted: the server stopped' };
    await saveExecution(db, updated, null);
  }
  return rows.length;
}
