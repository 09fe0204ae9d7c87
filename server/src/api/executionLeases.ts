// Leases on running executions: no execution stays `running` after the server running it died.
//
// Every server has a random id. A run's row is saved with a lease (owner = this server, expiry = now + ttl, in the
// database's clock); a heartbeat renews the leases of all the runs this server tracks in one UPDATE. A sweeper — on
// every server sharing a PostgreSQL — claims the rows whose lease expired (atomically: one UPDATE … RETURNING with
// FOR UPDATE SKIP LOCKED, so two servers never both finish one run) and finishes them as `failed`, naming the
// interruption; a sweeper that dies between claim and finish leaves a fresh lease that expires in turn. On the
// embedded store only one server uses the data dir, so at start every `running` row is interrupted and finished the
// same way. Rows from before leases existed (lease NULL) count as expired.
//
// Worst case from a kill to the run finished: ttl (the last renewal just before the kill) + one sweep interval
// (defaults 15 s + 5 s). The owner's final save is conditional (store/executions.ts): a server that was only
// paused past its lease wakes up to find the run finished and keeps the stored record.
//
// The stored record of a running execution is the one saved at its start; which node is running is written to the
// row's `progress` when a (non-trigger) node starts, so the finished record can say which node was interrupted
// (`failed`), which had finished (`succeeded`; their outputs were not kept) and which never ran (`skipped`).
//
// The heartbeat also reads `cancel_requested` for the runs it renews and calls `onCancelRequested` once per run
// (cross-server cancel: the server asked to cancel sets the flag, the owner aborts its run).
import { newServerId } from '../core/ids';
import type { Execution, NodeRecord, ProgressEvent } from '../engine/types';
import type { Db } from './store/db';
import type { ExecutionLease } from './store/executions';
import { toPgArray } from './store/keys';

export interface LeaseOptions {
  /** How long a lease lasts without renewal (default 15 s; `flero serve` reads FLERO_LEASE_MS). */
  ttlMs?: number;
  /** Renewal interval (default ttl / 3). */
  heartbeatMs?: number;
  /** How often each server looks for expired leases (default ttl / 3; PostgreSQL only). */
  sweepMs?: number;
  /** Called once per tracked run whose row has `cancel_requested` set. */
  onCancelRequested?: (executionId: string) => void;
}

/** What the row's `progress` holds: the node running now (nodes run one at a time, in the record's order). */
export interface RunProgress {
  node: string;
  startedAt: string;
}

interface Tracked {
  progress?: string;
  writing: boolean;
  dirty: boolean;
  renewed: boolean;
  cancelSeen: boolean;
}

const CLAIM_BATCH = 100;
type Activity = 'heartbeat' | 'sweep' | 'progress';

export class LeaseKeeper {
  /** This server's id, written as the lease owner of the runs it starts. */
  readonly owner = newServerId();
  readonly lease: ExecutionLease;
  onCancelRequested: ((executionId: string) => void) | undefined;
  private readonly heartbeatMs: number;
  private readonly sweepMs: number;
  private readonly tracked = new Map<string, Tracked>();
  private timers: NodeJS.Timeout[] = [];
  private ticking = new Set<Promise<unknown>>();
  private readonly failing = new Set<Activity>();

  constructor(
    private readonly db: Db,
    opts: LeaseOptions = {},
  ) {
    const ttlMs = Math.max(100, Math.round(opts.ttlMs ?? 15_000));
    this.lease = { owner: this.owner, ttlMs };
    this.heartbeatMs = opts.heartbeatMs ?? Math.max(50, Math.round(ttlMs / 3));
    this.sweepMs = opts.sweepMs ?? Math.max(50, Math.round(ttlMs / 3));
    this.onCancelRequested = opts.onCancelRequested;
  }

  /** Embedded store: finishes every run a previous process left running. Then starts the timers. */
  async start(): Promise<void> {
    if (this.db.kind === 'embedded') await this.sweep('found unfinished when the server started again', true);
    else await this.sweep();
    this.every(this.heartbeatMs, 'heartbeat', () => this.heartbeat());
    if (this.db.kind === 'postgres') this.every(this.sweepMs, 'sweep', () => this.sweep());
  }

  /** Stops the timers and waits for ticks and writes in progress. Tracked runs keep their leases until they expire. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.ticking]);
  }

  track(executionId: string): void {
    this.tracked.set(executionId, { writing: false, dirty: false, renewed: false, cancelSeen: false });
  }

  untrack(executionId: string): void {
    this.tracked.delete(executionId);
  }

  /** The engine's progress events: a node starting is written to its row (trigger nodes need not be). */
  progress(event: ProgressEvent): void {
    if (event.status !== 'running' || event.nodeType === 'trigger') return;
    const t = this.tracked.get(event.executionId);
    if (!t) return;
    const p: RunProgress = { node: event.nodeId, startedAt: new Date().toISOString() };
    t.progress = JSON.stringify(p);
    const w = this.writeProgress(event.executionId, t);
    this.ticking.add(w);
    void w.finally(() => this.ticking.delete(w));
  }

  /** Renews the leases of all tracked runs (one UPDATE); reports cancel requests. */
  async heartbeat(): Promise<void> {
    if (!this.tracked.size) return;
    const ids = [...this.tracked.keys()];
    const rows = await this.db.query<{ id: string; cancel_requested: boolean }>(
      `UPDATE executions SET lease_expires_at = now() + $2::integer * interval '1 millisecond'
       WHERE id = ANY($3::text[]) AND lease_owner = $1 AND status = 'running'
       RETURNING id, cancel_requested`,
      [this.owner, this.lease.ttlMs, toPgArray(ids)],
    );
    const renewed = new Set<string>();
    for (const r of rows) {
      renewed.add(r.id);
      const t = this.tracked.get(r.id);
      if (!t) continue;
      t.renewed = true;
      if (r.cancel_requested && !t.cancelSeen) {
        t.cancelSeen = true;
        try {
          this.onCancelRequested?.(r.id);
        } catch {
          // A listener's failure never stops the heartbeat.
        }
      }
    }
    // Renewed before, not now: finished by this server just now (fine), or claimed by another one (say so).
    const missed = ids.filter((id) => this.tracked.get(id)?.renewed && !renewed.has(id));
    if (!missed.length) return;
    const lost = await this.db.query<{ id: string }>(
      'SELECT id FROM executions WHERE id = ANY($2::text[]) AND lease_owner IS DISTINCT FROM $1',
      [this.owner, toPgArray(missed)],
    );
    for (const { id } of lost) {
      const t = this.tracked.get(id);
      if (t) t.renewed = false;
      process.stderr.write(
        `flero: execution ${id} was finished as interrupted by another server: this one did not renew its lease in time\n`,
      );
    }
  }

  /**
   * Finishes runs whose lease expired (or, with `all`, every running one: the embedded store at start) as failed.
   * Returns how many it finished.
   */
  async sweep(why = 'its lease expired without renewal', all = false): Promise<number> {
    // Never one of the runs this server is executing right now (after a stall, the sweep may fire before the
    // heartbeat has renewed them).
    const mine = toPgArray([...this.tracked.keys()]);
    let total = 0;
    for (let round = 0; round < 100; round++) {
      const claimed = await this.db.query<{
        id: string;
        workflow_id: string;
        started_at: unknown;
        record: string;
        progress: string | null;
      }>(
        `UPDATE executions SET lease_owner = $1, lease_expires_at = now() + $2::integer * interval '1 millisecond'
         WHERE status = 'running' AND id IN (
           SELECT id FROM executions
           WHERE status = 'running' AND NOT (id = ANY($3::text[]))
             ${all ? '' : 'AND (lease_expires_at IS NULL OR lease_expires_at < now())'}
           ORDER BY started_at LIMIT ${CLAIM_BATCH} FOR UPDATE SKIP LOCKED)
         RETURNING id, workflow_id, started_at, record, progress`,
        [this.owner, this.lease.ttlMs, mine],
      );
      for (const row of claimed) {
        const finishedAt = new Date().toISOString();
        const done = interruptedRecord(recordOf(row), parseProgress(row.progress), finishedAt, why);
        const saved = await this.db.query(
          `UPDATE executions SET status = 'failed', finished_at = $3, record = $4
           WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING id`,
          [row.id, this.owner, finishedAt, JSON.stringify(done)],
        );
        total += saved.length;
      }
      if (claimed.length < CLAIM_BATCH) break;
    }
    return total;
  }

  private every(ms: number, what: Activity, fn: () => Promise<unknown>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const p = fn()
        .then(() => this.failing.delete(what))
        .catch((err: unknown) => this.failed(what, err))
        .finally(() => {
          busy = false;
          this.ticking.delete(p);
        });
      this.ticking.add(p);
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async writeProgress(id: string, t: Tracked): Promise<void> {
    if (t.writing) {
      t.dirty = true;
      return;
    }
    t.writing = true;
    try {
      do {
        t.dirty = false;
        await this.db
          .query(`UPDATE executions SET progress = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'running'`, [
            id,
            this.owner,
            t.progress ?? null,
          ])
          .then(
            () => this.failing.delete('progress'),
            (err: unknown) => this.failed('progress', err),
          );
      } while (t.dirty && this.tracked.get(id) === t);
    } finally {
      t.writing = false;
    }
  }

  private failed(what: Activity, err: unknown): void {
    if (this.failing.has(what)) return; // said once until it works again
    this.failing.add(what);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`flero: execution lease ${what} failed: ${message.slice(0, 300)}\n`);
  }
}

function parseProgress(text: string | null): RunProgress | undefined {
  if (!text) return undefined;
  try {
    const p = JSON.parse(text) as RunProgress;
    return typeof p?.node === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}

function recordOf(row: { id: string; workflow_id: string; started_at: unknown; record: string }): Execution {
  try {
    const e = JSON.parse(row.record) as Execution;
    if (e && typeof e === 'object' && Array.isArray(e.nodes)) return e;
  } catch {
    // fall through: rebuild what the columns know
  }
  const started = new Date(row.started_at as string | Date);
  return {
    id: row.id,
    workflowId: row.workflow_id,
    status: 'running',
    startedAt: Number.isNaN(started.getTime()) ? new Date().toISOString() : started.toISOString(),
    input: {},
    nodes: [],
  };
}

/**
 * The record of a run that was interrupted: failed, naming why; the node that was running `failed`, nodes before it
 * `succeeded` (their outputs were not kept), nodes after it `skipped` with a note that they never ran. Without
 * progress, only the leading trigger nodes had run.
 */
export function interruptedRecord(
  e: Execution,
  progress: RunProgress | undefined,
  finishedAt: string,
  why: string,
): Execution {
  const at = progress ? e.nodes.findIndex((n) => n.id === progress.node) : -1;
  let leadingTriggers = true;
  let outputsLost = false;
  const nodes = e.nodes.map((n, i): NodeRecord => {
    leadingTriggers &&= n.type === 'trigger';
    if (n.status !== 'pending' && n.status !== 'running') return n;
    const ran = at >= 0 ? i < at : leadingTriggers;
    if (ran) {
      if (n.type !== 'trigger') outputsLost = true;
      return { ...n, status: 'succeeded' };
    }
    if (i === at)
      return {
        ...n,
        status: 'failed',
        startedAt: n.startedAt ?? progress?.startedAt,
        error: 'interrupted: the server running this run stopped while this node ran',
      };
    return { ...n, status: 'skipped', error: 'never ran: the run was interrupted before this node started' };
  });
  const duration = Date.parse(finishedAt) - Date.parse(e.startedAt);
  return {
    ...e,
    status: 'failed',
    finishedAt,
    ...(Number.isFinite(duration) ? { durationMs: duration } : {}),
    error:
      `interrupted: the server running it stopped (${why})` +
      (outputsLost ? '; the outputs of the nodes that had finished were not kept' : ''),
    nodes,
  };
}
