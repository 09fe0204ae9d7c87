// Executions: run a workflow (200 with the finished execution if it ends within the wait, else 202 + Location), list
// and read them. The allow-list applies by the execution's workflow.
import { z } from 'zod';
import { newExecutionId, runWorkflow } from '../../engine/runner';
import { closeSandbox } from '../../engine/sandbox';
import type { Execution } from '../../engine/types';
import { allows, workflowNotAllowed } from '../auth';
import { validate } from '../body';
import { type ApiModule, defineRoute } from '../context';
import { notFound } from '../problem';
import { ExecutionSchema, limitParam, RunBodySchema } from '../schemas';
import { cancelInterrupted, getExecution, listExecutions, saveExecution } from '../store/executions';

const ListQuery = z.object({ limit: limitParam(500, 50), workflowId: z.string().max(64).optional() });
const running = new Set<Promise<unknown>>();

export const executionsModule: ApiModule = {
  async init(app) {
    if (app.db.kind === 'embedded') await cancelInterrupted(app.db);
    app.onClose(async () => {
      await Promise.allSettled([...running]);
      // The code workers go with the server (idle ones never keep the process alive anyway).
      await closeSandbox();
    });
  },
  routes: {
    runWorkflow: defineRoute({
      body: RunBodySchema,
      bodyOptional: true,
      responses: {
        200: { description: 'The run finished within 30 s: the execution', schema: ExecutionSchema },
        202: { description: 'Still running: poll the `Location` (the execution so far)', schema: ExecutionSchema },
      },
      async handler({ app, key, params, body, ip }) {
        const found = await app.workflows.get(params.id!);
        if (!found) throw notFound(`workflow "${params.id}"`);
        const id = newExecutionId();
        const startedAt = new Date().toISOString();
        const input = body?.input ?? {};
        const keyId = key!.record.id;
        // The first record is saved once the engine has masked the input (onStart): nothing unmasked is stored.
        let started: Execution | undefined;
        await app.audit({ event: 'workflow.run', keyId, ip, target: found.id, detail: { executionId: id } });
        const run = runWorkflow(found.document, {
          input,
          executionId: id,
          credentials: app.credentials,
          serviceBaseUrls: app.serviceBaseUrls,
          timeLimitMs: app.runTimeLimitMs,
          onStart: async (ex) => {
            started = ex;
            await saveExecution(app.db, ex, keyId);
          },
        })
          .catch((): Execution => {
            const finishedAt = new Date().toISOString();
            const base = started ?? { id, workflowId: found.id, startedAt, input: {}, nodes: [] };
            return { ...base, status: 'failed', finishedAt, error: 'the engine failed unexpectedly' };
          })
          .then(async (done) => {
            await saveExecution(app.db, done, keyId);
            return done;
          });
        running.add(run);
        void run.finally(() => running.delete(run));
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
      query: ListQuery,
      responses: { 200: { description: 'Newest first', schema: z.array(ExecutionSchema) } },
      async handler({ app, key, query }) {
        const q = validate(ListQuery, Object.fromEntries(query), 'the query');
        const list = await listExecutions(app.db, {
          limit: q.limit,
          workflowId: q.workflowId,
          workflows: key!.workflows ? [...key!.workflows] : undefined,
        });
        return { status: 200, body: list };
      },
    }),
    getExecution: defineRoute({
      responses: {
        200: { description: 'The execution', schema: ExecutionSchema },
        403: { description: '`insufficient_scope`, or `workflow_not_allowed` (the execution’s workflow)' },
      },
      async handler({ app, key, params }) {
        const e = await getExecution(app.db, params.id!);
        if (!e) throw notFound(`execution "${params.id}"`);
        if (!allows(key!, e.workflowId)) throw workflowNotAllowed(e.workflowId);
        return { status: 200, body: e };
      },
    }),
  },
};
