// Workflow rows: the validated document as JSON text.
import type { Queryable } from './db';
import { iso, type WorkflowRow } from './records';

interface Row {
  id: string;
  document: string;
  created_at: unknown;
  updated_at: unknown;
}

const fromRow = (r: Row): WorkflowRow => ({
  id: r.id,
  document: r.document,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

export async function listWorkflowRows(db: Queryable): Promise<WorkflowRow[]> {
  return (await db.query<Row>('SELECT id, document, created_at, updated_at FROM workflows ORDER BY id')).map(fromRow);
}

export async function getWorkflowRow(db: Queryable, id: string): Promise<WorkflowRow | undefined> {
  const rows = await db.query<Row>('SELECT id, document, created_at, updated_at FROM workflows WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Inserts; returns undefined if the id exists. */
export async function insertWorkflow(db: Queryable, id: string, document: string): Promise<WorkflowRow | undefined> {
  const rows = await db.query<Row>(
    `INSERT INTO workflows (id, document, created_at, updated_at) VALUES ($1, $2, now(), now())
     ON CONFLICT (id) DO NOTHING RETURNING id, document, created_at, updated_at`,
    [id, document],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Creates or replaces; `created` says which. */
export async function upsertWorkflow(
  db: Queryable,
  id: string,
  document: string,
): Promise<{ row: WorkflowRow; created: boolean }> {
  const rows = await db.query<Row & { created: boolean }>(
    `INSERT INTO workflows (id, document, created_at, updated_at) VALUES ($1, $2, now(), now())
     ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = now()
     RETURNING id, document, created_at, updated_at, (xmax = 0) AS created`,
    [id, document],
  );
  return { row: fromRow(rows[0]!), created: Boolean(rows[0]!.created) };
}

export async function deleteWorkflow(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM workflows WHERE id = $1 RETURNING id', [id])).length > 0;
}
