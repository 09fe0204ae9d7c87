// The workflow document (`*.flero.json`). One zod schema: the API validates with it, `flero schema` prints its JSON
// Schema, the extension contributes that schema to VS Code, and the engine and language server read the types.
import { z } from 'zod';

import { CONNECTOR_TYPE_PATTERN, NODE_ID_PATTERN, WORKFLOW_ID_PATTERN } from './idPatterns';

export { CONNECTOR_TYPE_PATTERN, NODE_ID_PATTERN, WORKFLOW_ID_PATTERN };
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const BUILTIN_NODE_TYPES = ['trigger', 'http', 'code'] as const;

const nodeId = z
  .string()
  .regex(NODE_ID_PATTERN, 'node ids are identifiers: a letter or _, then letters, digits or _')
  .describe('The node id, an identifier (later nodes read its output as `$node.<id>`)');
const credentialRef = z.string().min(1).max(128).describe('A credential id (see `GET /api/credentials`)');
const stringMap = z.record(z.string(), z.string());
const nodeName = z.string().optional().describe('A name for people (the graph shows it)');

export const TriggerNodeSchema = z
  .strictObject({
    id: nodeId,
    type: z.literal('trigger').describe('`trigger`'),
    name: nodeName,
  })
  .describe('Start of the workflow; its output is the run input (`$input`).');

export const HttpNodeSchema = z
  .strictObject({
    id: nodeId,
    type: z.literal('http').describe('`http`'),
    name: nodeName,
    method: z.enum(HTTP_METHODS).describe('The HTTP method'),
    url: z.string().min(1).describe('The URL; may hold `{{ … }}` expressions, e.g. `{{ $input.repo }}`'),
    headers: stringMap.optional().describe('Request headers (never a secret: use `credential`)'),
    query: stringMap.optional().describe('Query parameters'),
    body: z.unknown().optional().describe('The JSON body; strings may hold `{{ … }}` expressions'),
    credential: credentialRef.optional(),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(300_000)
      .optional()
      .describe('Time limit in ms (default 30 s, at most 300 s)'),
  })
  .describe('An HTTP request; output `{ status, headers, body }`. The credential is injected by Flero.');

export const CodeNodeSchema = z
  .strictObject({
    id: nodeId,
    type: z.literal('code').describe('`code`'),
    name: nodeName,
    code: z.string().describe('The JavaScript body; `return` gives the node’s output'),
    timeoutMs: z.number().int().min(1).max(60_000).optional().describe('Time limit in ms (at most 60 s)'),
    memoryLimitMb: z.number().int().min(1).max(256).optional().describe('Memory limit in MiB (at most 256)'),
  })
  .describe('JavaScript run in a sandbox; sees `$input` and `$node.<id>`; returns its output.');

export const ConnectorNodeSchema = z
  .strictObject({
    id: nodeId,
    type: z
      .string()
      .regex(CONNECTOR_TYPE_PATTERN, 'connector types are `<service>.<operation>`')
      .describe('`<service>.<operation>` of `GET /api/services`'),
    name: nodeName,
    credential: credentialRef.optional(),
    params: z.record(z.string(), z.unknown()).optional().describe('The operation’s parameters'),
    timeoutMs: z.number().int().min(1).max(300_000).optional().describe('Time limit in ms (at most 300 s)'),
  })
  .describe('A service operation from the catalog, e.g. `slack.postMessage`.');

export const NodeSchema = z.union([TriggerNodeSchema, HttpNodeSchema, CodeNodeSchema, ConnectorNodeSchema]);

export const ConnectionSchema = z
  .strictObject({
    from: nodeId.describe('The node that runs first'),
    to: nodeId.describe('The node that runs after it (and reads its output)'),
  })
  .describe('`to` runs after `from`');

export const WorkflowSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema URL editors validate with (ignored by the server)'),
    id: z
      .string()
      .regex(WORKFLOW_ID_PATTERN, 'workflow ids: letters, digits, _ . - (max 64)')
      .describe('The workflow id (letters, digits, `_ . -`, at most 64)'),
    name: z.string().min(1).max(200).describe('A name for people'),
    description: z.string().max(2000).optional().describe('What the workflow does'),
    nodes: z.array(NodeSchema).min(1).describe('The nodes: one trigger, then HTTP, Code and connector nodes'),
    connections: z.array(ConnectionSchema).default([]).describe('The edges between nodes (no cycles)'),
  })
  .describe('A Flero workflow (`*.flero.json`).');

export type TriggerNode = z.infer<typeof TriggerNodeSchema>;
export type HttpNode = z.infer<typeof HttpNodeSchema>;
export type CodeNode = z.infer<typeof CodeNodeSchema>;
export type ConnectorNode = z.infer<typeof ConnectorNodeSchema>;
export type WorkflowNode = z.infer<typeof NodeSchema>;
export type Connection = z.infer<typeof ConnectionSchema>;
export type Workflow = z.infer<typeof WorkflowSchema>;

export function isHttpNode(n: WorkflowNode): n is HttpNode {
  return n.type === 'http';
}
export function isCodeNode(n: WorkflowNode): n is CodeNode {
  return n.type === 'code';
}
export function isTriggerNode(n: WorkflowNode): n is TriggerNode {
  return n.type === 'trigger';
}
export function isConnectorNode(n: WorkflowNode): n is ConnectorNode {
  return !(BUILTIN_NODE_TYPES as readonly string[]).includes(n.type);
}

/** The workflow JSON Schema (`flero schema`, the extension's `jsonValidation`). */
export function workflowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(WorkflowSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { ...schema, title: 'Flero workflow', $id: 'https://flero.ai/schemas/workflow.json' };
}

/**
 * Structural problems zod cannot express: duplicate node ids, connections to missing nodes, cycles.
 * Returned as data so the API (400), the engine (refuse) and the language server (ranges) each present them.
 */
export interface GraphProblem {
  code: 'duplicate-node-id' | 'unknown-node' | 'cycle';
  message: string;
  /** Index into `nodes` (duplicate-node-id) or `connections` (unknown-node, cycle). */
  nodeIndex?: number;
  connectionIndex?: number;
  field?: 'from' | 'to';
}

export function graphProblems(wf: Pick<Workflow, 'nodes' | 'connections'>): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const seen = new Set<string>();
  wf.nodes.forEach((n, i) => {
    if (seen.has(n.id))
      problems.push({ code: 'duplicate-node-id', message: `duplicate node id "${n.id}"`, nodeIndex: i });
    seen.add(n.id);
  });
  wf.connections.forEach((c, i) => {
    for (const field of ['from', 'to'] as const) {
      if (!seen.has(c[field]))
        problems.push({
          code: 'unknown-node',
          message: `connection ${field} unknown node "${c[field]}"`,
          connectionIndex: i,
          field,
        });
    }
  });
  const cycle = findCycleEdge(wf);
  if (cycle !== undefined) {
    const c = wf.connections[cycle]!;
    problems.push({ code: 'cycle', message: `connection ${c.from} → ${c.to} closes a cycle`, connectionIndex: cycle });
  }
  return problems;
}

/** Index of a connection that closes a cycle (DFS back edge), or undefined. */
export function findCycleEdge(wf: Pick<Workflow, 'nodes' | 'connections'>): number | undefined {
  const out = new Map<string, { to: string; index: number }[]>();
  wf.connections.forEach((c, index) => {
    const list = out.get(c.from) ?? [];
    list.push({ to: c.to, index });
    out.set(c.from, list);
  });
  const state = new Map<string, 1 | 2>();
  for (const start of out.keys()) {
    if (state.has(start)) continue;
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const edges = out.get(top.id) ?? [];
      if (top.next >= edges.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const edge = edges[top.next++]!;
      const s = state.get(edge.to);
      if (s === 1) return edge.index;
      if (s === undefined) {
        state.set(edge.to, 1);
        stack.push({ id: edge.to, next: 0 });
      }
    }
  }
  return undefined;
}

/** Node ids in dependency order (Kahn; ties keep document order). Assumes no cycle. */
export function topologicalOrder(wf: Pick<Workflow, 'nodes' | 'connections'>): string[] {
  const indeg = new Map<string, number>(wf.nodes.map((n) => [n.id, 0]));
  for (const c of wf.connections) if (indeg.has(c.to)) indeg.set(c.to, (indeg.get(c.to) ?? 0) + 1);
  const order: string[] = [];
  const ready = wf.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const c of wf.connections) {
      if (c.from !== id || !indeg.has(c.to)) continue;
      const d = (indeg.get(c.to) ?? 0) - 1;
      indeg.set(c.to, d);
      if (d === 0) ready.push(c.to);
    }
  }
  return order;
}
