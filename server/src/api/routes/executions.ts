// Executions: run a workflow (200 with the finished execution if it ends within the wait, else 202 + Location), list
// them (cursor pages with a `Link` header), read, cancel and delete them; retention prunes old ones. The allow-list
// applies by the execution's workflow.
import { newExecutionId } from '../../core/ids';
import { runWorkflow } from '../../engine/runner';
import { closeSandbox } from '../../engine/sandbox';
import type { Execution } from '../../engine/types';
import { allows, workflowNotAllowed } from '../auth';
import { validate } from '../body';
import { type ApiModule, type App, defineRoute } from '../context';
import { ApiError, notFound, validationError } from '../problem';
import { ExecutionListQuerySchema as ListQuery, ExecutionSchema, RunBodySchema } from '../../core/apiSchemas';
import {
  cancelStored,
  decodeCursor,
  deleteExecution,
  executionMeta,
  getExecution,
  getExecutionText,
  listExecutions,
  pruneExecutions,
  saveExecution,
} from '../store/executions';
import { OPERATIONS } from '../../core/operations';
import * as EX from '../openapiExamples';

const EXECUTION_ID = /^exe_[0-9a-f]{32}$/;
/** How long a cancel waits for a run of this server to stop by itself before marking it cancelled in the store. */
const CANCEL_WAIT_MS = 5_000;
const PRUNE_EVERY_MS = 60_000;

/** Runs of this server still going: their abort handle and their end (the saved record). */
const live = new Map<string, { controller: AbortController; done: Promise<Execution> }>();
const running = new Set<Promise<unknown>>();

const executionNotFound = (id: string) =>
  notFound(EXECUTION_ID.test(id) ? `execution "${id}"` : 'the execution (ids look like exe_ + 32 hex digits)');

/** Prunes by the retention settings, one pass at a time; a request while one runs asks for one more pass. */
function pruner(app: App): () => void {
  let active: Promise<void> | undefined;
  let again = false;
  const pass = async () => {
    do {
      again = false;
      try {
        await pruneExecutions(app.db, { keep: app.keepExecutions, maxAgeMs: app.executionsMaxAgeMs });
      } catch (err) {
        process.stderr.write(`flero: pruning old executions failed: ${(err as Error).message}\n`);
      }
    } while (again);
  };
  return () => {
    if (active) {
      again = true;
      return;
    }
    active = pass().finally(() => {
      active = undefined;
    });
    running.add(active);
    void active.finally(() => running.delete(active!));
  };
}

let prune: () => void = () => {};

export const executionsModule: ApiModule = {
  async init(app) {
    await app.leases.start(); // finishes runs a dead server left running (api/executionLeases.ts)
    // A cancel asked on another server sharing this store (cancel_requested, seen by the lease heartbeat).
    app.leases.onCancelRequested = (id) => live.get(id)?.controller.abort();
    prune = pruner(app);
    prune();
    const timer = setInterval(prune, PRUNE_EVERY_MS);
    timer.unref();
    app.onClose(async () => {
      clearInterval(timer);
      for (const r of live.values()) r.controller.abort();
      await Promise.allSettled([...running]);
      await app.leases.stop();
      // The code workers go with the server (idle ones never keep the process alive anyway).
      await closeSandbox();
    });
  },
  routes: {
    runWorkflow: defineRoute({
      description:
        'Runs the workflow with `input` as `$input`, credentials injected by the server (never seen by the caller). Waits up to 30 s: 200 with the finished execution, or 202 with the execution so far and a `Location` to poll.',
      examples: { id: EX.WORKFLOW.id, request: EX.RUN_BODY, response: EX.EXECUTION },
      body: RunBodySchema,
      bodyOptional: true,
      responses: {
        200: { description: 'The run finished within 30 s: the execution', schema: ExecutionSchema },
        202: { description: 'Still running: poll the `Location` (the execution so far)', schema: ExecutionSchema },
      },
      async handler({ app, key, params, body, ip }) {
        const found = await app.workflows.get(params.id!);
        if (!found) throw notFound('the workflow');
        const id = newExecutionId();
        const startedAt = new Date().toISOString();
        const input = body?.input ?? {};
        const keyId = key!.record.id;
        // The first record is saved once the engine has masked the input (onStart): nothing unmasked is stored.
        let started: Execution | undefined;
        await app.audit({ event: 'workflow.run', keyId, ip, target: found.id, detail: { executionId: id } });
        const controller = new AbortController();
        app.leases.track(id);
        const run = runWorkflow(found.document, {
          input,
          executionId: id,
          signal: controller.signal,
          credentials: app.credentials,
          serviceBaseUrls: app.serviceBaseUrls,
          timeLimitMs: app.runTimeLimitMs,
          onStart: async (ex) => {
            started = ex;
            await saveExecution(app.db, ex, keyId, app.leases.lease);
          },
          onProgress: (event) => app.leases.progress(event),
        })
          .catch((): Execution => {
            const finishedAt = new Date().toISOString();
            const base = started ?? { id, workflowId: found.id, startedAt, input: {}, nodes: [] };
            return { ...base, status: 'failed', finishedAt, error: 'the engine failed unexpectedly' };
          })
          .then(async (done) => {
            // Not saved: another server already finished this run (interrupted, or cancelled through the store);
            // the stored record is the run's outcome.
            if (await saveExecution(app.db, done, keyId, app.leases.lease)) return done;
            return (await getExecution(app.db, id)) ?? done;
          })
          .finally(() => app.leases.untrack(id));
        live.set(id, { controller, done: run });
        running.add(run);
        void run.finally(() => {
          running.delete(run);
          live.delete(id);
          prune();
        });
        let timer: NodeJS.Timeout | undefined;
        const waited = await Promise.race([
          run,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), app.runWaitMs);
          }),
        ]);
        clearTimeout(timer);
        if (waited) return { status: 200, body: waited };
        const sofar: Execution = started ?? {
          id,
          workflowId: found.id,
          status: 'running',
          startedAt,
          input: {},
          nodes: [],
        };
        return { status: 202, body: sofar, headers: { location: `/api/executions/${id}` } };
      },
    }),
    listExecutions: defineRoute({
      description:
        'Executions newest first, one page at a time; follow the `Link: <…>; rel="next"` header for the next page.',
      examples: { query: { limit: 20, workflowId: EX.WORKFLOW.id, status: 'succeeded' }, response: [EX.EXECUTION] },
      query: ListQuery,
      responses: {
        200: {
          description:
            'Newest first, one page (`limit` records, or fewer when they are large); a `Link: <…>; rel="next"` header points at the next page',
          schema: OPERATIONS.listExecutions.response,
        },
      },
      async handler({ app, key, query }) {
        const q = validate(ListQuery, Object.fromEntries(query), 'the query');
        const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
        if (q.cursor !== undefined && !cursor)
          throw validationError(
            [{ field: 'cursor', message: 'not a cursor of this listing (take it from the Link header)' }],
            'the query',
          );
        const page = await listExecutions(app.db, {
          limit: q.limit,
          workflowId: q.workflowId,
          status: q.status,
          cursor,
          workflows: key!.workflows ? [...key!.workflows] : undefined,
        });
        const headers: Record<string, string> = {};
        if (page.next) {
          const next = new URLSearchParams();
          next.set('limit', String(q.limit));
          if (q.workflowId) next.set('workflowId', q.workflowId);
          if (q.status) next.set('status', q.status);
          next.set('cursor', page.next);
          headers.link = `</api/executions?${next}>; rel="next"`;
        }
        return { status: 200, raw: `[${page.records.join(',')}]`, headers };
      },
    }),
    getExecution: defineRoute({
      description:
        'One execution: its status, input, output and each node’s output and logs (credential values masked).',
      examples: { id: EX.EXECUTION.id, response: EX.EXECUTION },
      responses: {
        200: { description: 'The execution', schema: ExecutionSchema },
        403: { description: '`insufficient_scope`, or `workflow_not_allowed` (the execution’s workflow)' },
      },
      async handler({ app, key, params }) {
        const e = EXECUTION_ID.test(params.id!) ? await getExecutionText(app.db, params.id!) : undefined;
        if (!e) throw executionNotFound(params.id!);
        if (!allows(key!, e.workflowId)) throw workflowNotAllowed();
        // The stored JSON as it is (up to 2 MiB): no parse and re-serialise on the request thread.
        return { status: 200, raw: e.text };
      },
    }),
    cancelExecution: defineRoute({
      description: 'Stops a running execution: the node in flight is stopped and the execution ends `cancelled`.',
      examples: { id: EX.EXECUTION.id, response: EX.CANCELLED_EXECUTION },
      responses: {
        200: { description: 'Cancelled: the execution as it stopped', schema: ExecutionSchema },
        403: { description: '`insufficient_scope`, or `workflow_not_allowed` (the execution’s workflow)' },
        409: { description: '`execution_finished`: it is no longer running (its status says how it ended)' },
      },
      async handler({ app, key, params, ip }) {
        const id = params.id!;
        const meta = EXECUTION_ID.test(id) ? await executionMeta(app.db, id) : undefined;
        if (!meta) throw executionNotFound(id);
        if (!allows(key!, meta.workflowId)) throw workflowNotAllowed();
        const finished = (status: string) =>
          new ApiError(409, 'execution_finished', `execution "${id}" is not running: it ${status}`);
        if (meta.status !== 'running') throw finished(meta.status);
        let result: Execution | undefined;
        const mine = live.get(id);
        if (mine) {
          mine.controller.abort();
          let timer: NodeJS.Timeout | undefined;
          result = await Promise.race([
            mine.done,
            new Promise<undefined>((resolve) => {
              timer = setTimeout(() => resolve(undefined), CANCEL_WAIT_MS);
            }),
          ]);
          clearTimeout(timer);
          if (result && result.status !== 'cancelled') throw finished(result.status);
        }
        // Not this server's run (another server on the same PostgreSQL, or one that did not stop in time).
        result ??= await cancelStored(app.db, id, 'the run was cancelled');
        if (!result) throw finished((await executionMeta(app.db, id))?.status ?? 'was deleted');
        await app.audit({
          event: 'execution.cancelled',
          keyId: key!.record.id,
          ip,
          target: id,
          detail: { workflowId: meta.workflowId },
        });
        return { status: 200, body: result };
      },
    }),
    deleteExecution: defineRoute({
      description: 'Deletes a finished execution and its logs.',
      examples: { id: EX.EXECUTION.id },
      responses: {
        204: { description: 'Deleted' },
        403: { description: '`insufficient_scope`, or `workflow_not_allowed` (the execution’s workflow)' },
        409: { description: '`execution_running`: cancel it first' },
      },
      async handler({ app, key, params, ip }) {
        const id = params.id!;
        const meta = EXECUTION_ID.test(id) ? await executionMeta(app.db, id) : undefined;
        if (!meta) throw executionNotFound(id);
        if (!allows(key!, meta.workflowId)) throw workflowNotAllowed();
        const r = await deleteExecution(app.db, id);
        if (r === 'missing') throw executionNotFound(id);
        if (r === 'running')
          throw new ApiError(
            409,
            'execution_running',
            `execution "${id}" is still running: cancel it first (POST /api/executions/${id}/cancel)`,
          );
        await app.audit({
          event: 'execution.deleted',
          keyId: key!.record.id,
          ip,
          target: id,
          detail: { workflowId: meta.workflowId },
        });
        return { status: 204 };
      },
    }),
  },
};
