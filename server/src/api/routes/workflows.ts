// Workflows CRUD. Documents are validated by the workflow zod schema plus the graph checks (duplicate ids, unknown
// nodes, cycles); saving never judges what only a run can (credentials, hosts).
import { type GraphProblem, graphProblems, type Workflow, WorkflowSchema } from '../../core/workflow';
import { allows } from '../auth';
import { type ApiModule, defineRoute } from '../context';
import { ApiError, type FieldError, notFound, validationError } from '../problem';
import type { WorkflowEntry } from '../workflowDirectory';
import { OPERATIONS } from '../../core/operations';
import * as EX from '../openapiExamples';

// The API's words for graph problems: they point at the field, never repeat a node id (the client's text).
const API_MESSAGES: Record<GraphProblem['code'], string> = {
  'duplicate-node-id': 'duplicate node id (another node has the same id)',
  'unknown-node': 'this connection names a node that does not exist',
  cycle: 'this connection closes a cycle',
};

function checkGraph(doc: Workflow): Workflow {
  const problems = graphProblems(doc);
  if (!problems.length) return doc;
  const errors: FieldError[] = problems.map((p) => ({
    field:
      p.nodeIndex !== undefined
        ? `nodes.${p.nodeIndex}.id`
        : `connections.${p.connectionIndex}${p.field ? `.${p.field}` : ''}`,
    message: API_MESSAGES[p.code],
  }));
  throw validationError(errors, 'the workflow');
}

const summary = (e: WorkflowEntry) => ({
  id: e.id,
  name: e.document.name,
  ...(e.document.description !== undefined ? { description: e.document.description } : {}),
  nodeCount: e.document.nodes.length,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

const WorkflowDoc = { description: 'The workflow document', schema: WorkflowSchema };

export const workflowsModule: ApiModule = {
  routes: {
    listWorkflows: defineRoute({
      description: 'Summaries (id, name, node count, dates) of the workflows the key may see.',
      examples: { response: [EX.WORKFLOW_SUMMARY] },
      responses: {
        200: { description: 'Summaries of the workflows the key may see', schema: OPERATIONS.listWorkflows.response },
      },
      async handler({ app, key }) {
        const all = await app.workflows.list();
        return { status: 200, body: all.filter((w) => allows(key!, w.id)).map(summary) };
      },
    }),
    createWorkflow: defineRoute({
      description:
        'Stores a new workflow document (`*.flero.json`). It is checked like `flero lint` does: the schema, then duplicate node ids, connections to unknown nodes and cycles (each a field in `errors`).',
      examples: { request: EX.WORKFLOW, response: EX.WORKFLOW },
      body: WorkflowSchema,
      responses: {
        201: WorkflowDoc,
        409: { description: '`conflict`: a workflow with this id exists (use PUT to replace it)' },
      },
      async handler({ app, key, body, ip }) {
        const doc = checkGraph(body);
        const entry = await app.workflows.create(doc);
        if (!entry) throw new ApiError(409, 'conflict', 'a workflow with this id already exists; PUT replaces it');
        await app.audit({ event: 'workflow.created', keyId: key!.record.id, ip, target: doc.id });
        return { status: 201, raw: entry.bytes, headers: { location: `/api/workflows/${encodeURIComponent(doc.id)}` } };
      },
    }),
    getWorkflow: defineRoute({
      description: 'The workflow document as stored.',
      examples: { id: EX.WORKFLOW.id, response: EX.WORKFLOW },
      responses: { 200: WorkflowDoc },
      handler({ app, params }) {
        const found = app.workflows.get(params.id!);
        if (found instanceof Promise)
          return found.then((e) => {
            if (!e) throw notFound('the workflow');
            return { status: 200, raw: e.bytes };
          });
        if (!found) throw notFound('the workflow');
        return { status: 200, raw: found.bytes };
      },
    }),
    putWorkflow: defineRoute({
      description:
        'Creates the workflow or replaces it; the `id` in the body must equal the one in the path. Checked as on create.',
      examples: { id: EX.WORKFLOW.id, request: EX.WORKFLOW, response: EX.WORKFLOW },
      body: WorkflowSchema,
      responses: { 200: { ...WorkflowDoc, description: 'Replaced' }, 201: { ...WorkflowDoc, description: 'Created' } },
      async handler({ app, key, body, params, ip }) {
        if (body.id !== params.id)
          throw validationError([{ field: 'id', message: 'must equal the id in the path' }], 'the workflow');
        const doc = checkGraph(body);
        const { entry, created } = await app.workflows.put(doc);
        await app.audit({
          event: created ? 'workflow.created' : 'workflow.updated',
          keyId: key!.record.id,
          ip,
          target: doc.id,
        });
        return { status: created ? 201 : 200, raw: entry.bytes };
      },
    }),
    deleteWorkflow: defineRoute({
      description: 'Deletes the workflow; its executions are kept.',
      examples: { id: EX.WORKFLOW.id },
      responses: { 204: { description: 'Deleted (its executions are kept)' } },
      async handler({ app, key, params, ip }) {
        if (!(await app.workflows.delete(params.id!))) throw notFound('the workflow');
        await app.audit({ event: 'workflow.deleted', keyId: key!.record.id, ip, target: params.id! });
        return { status: 204 };
      },
    }),
  },
};
