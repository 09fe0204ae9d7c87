// Workflows for the API. Embedded store: an in-memory index (this process is the only writer) holding each workflow's
// response bytes, so `GET /api/workflows/{id}` serves without a query. PostgreSQL: read through on every request.
import type { Workflow } from '../core/workflow';
import type { Db } from './store/db';
import type { WorkflowRow } from './store/records';
import { deleteWorkflow, getWorkflowRow, insertWorkflow, listWorkflowRows, upsertWorkflow } from './store/workflows';

export interface WorkflowEntry {
  id: string;
  document: Workflow;
  /** The document's JSON as served (UTF-8). */
  bytes: Buffer;
  createdAt: string;
  updatedAt: string;
}

function toEntry(row: WorkflowRow): WorkflowEntry {
  return {
    id: row.id,
    document: JSON.parse(row.document) as Workflow,
    bytes: Buffer.from(row.document, 'utf8'),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export class WorkflowDirectory {
  private readonly index = new Map<string, WorkflowEntry>();
  private constructor(private readonly db: Db) {}

  static async load(db: Db): Promise<WorkflowDirectory> {
    const dir = new WorkflowDirectory(db);
    if (db.kind === 'embedded') for (const row of await listWorkflowRows(db)) dir.index.set(row.id, toEntry(row));
    return dir;
  }

  get(id: string): WorkflowEntry | undefined | Promise<WorkflowEntry | undefined> {
    if (this.db.kind === 'embedded') return this.index.get(id);
    return getWorkflowRow(this.db, id).then((r) => (r ? toEntry(r) : undefined));
  }

  async list(): Promise<WorkflowEntry[]> {
    if (this.db.kind === 'embedded') return [...this.index.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    return (await listWorkflowRows(this.db)).map(toEntry);
  }

  /** undefined when the id is taken. */
  async create(doc: Workflow): Promise<WorkflowEntry | undefined> {
    const row = await insertWorkflow(this.db, doc.id, JSON.stringify(doc));
    if (!row) return undefined;
    const e = toEntry(row);
    if (this.db.kind === 'embedded') this.index.set(e.id, e);
    return e;
  }

  async put(doc: Workflow): Promise<{ entry: WorkflowEntry; created: boolean }> {
    const { row, created } = await upsertWorkflow(this.db, doc.id, JSON.stringify(doc));
    const entry = toEntry(row);
    if (this.db.kind === 'embedded') this.index.set(entry.id, entry);
    return { entry, created };
  }

  async delete(id: string): Promise<boolean> {
    const ok = await deleteWorkflow(this.db, id);
    this.index.delete(id);
    return ok;
  }
}
