// The workflow graph of a `*.flero.json` text: nodes with their text ranges, kinds, credential references, the
// diagnostics that fall inside each node and the newest run's per-node results. Pure: no vscode. Only what the graph
// shows is copied out of the document; header, query, body and params values never enter the model.
import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import type { Execution } from '../model/apiTypes';
import type { GraphDiagnostic, GraphEdge, GraphModel, GraphNode, NodeKind, NodeRun } from './types';

export interface GraphInput {
  diagnostics: readonly GraphDiagnostic[];
  /** The newest execution of this workflow (the caller matches its workflowId). */
  run?: Execution;
  /** Where it ran (`local`, `server`), shown beside the result. */
  where?: string;
  /** The credentials this window knows (id → name: metadata only), so a node shows the name it uses. */
  credentialNames?: ReadonlyMap<string, string>;
}

const BUILTIN_KINDS: Record<string, NodeKind> = { trigger: 'trigger', http: 'http', code: 'code' };
const CONNECTOR_TYPE = /^[a-z][a-zA-Z0-9]*\.[a-zA-Z][a-zA-Z0-9]*$/;

export function nodeKind(type: string): NodeKind {
  return BUILTIN_KINDS[type] ?? (CONNECTOR_TYPE.test(type) ? 'connector' : 'unknown');
}

/** The string value of property `key` of an object node, if it is a string. */
function stringProp(obj: JsonNode, key: string): string | undefined {
  for (const p of obj.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k?.value === key && v?.type === 'string') return v.value as string;
  }
  return undefined;
}

function prop(obj: JsonNode, key: string): JsonNode | undefined {
  for (const p of obj.children ?? []) if (p.children?.[0]?.value === key) return p.children[1];
  return undefined;
}

/** 1-based line and column of an offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** `GET api.example.com`: the method and host only, never the path or query (which may carry a key). */
function httpDetail(obj: JsonNode): string | undefined {
  const method = stringProp(obj, 'method');
  const url = stringProp(obj, 'url');
  let host: string | undefined;
  if (url && !url.includes('{{')) {
    try {
      host = new URL(url).hostname || undefined;
    } catch {
      host = undefined;
    }
  }
  return [method, host].filter(Boolean).join(' ') || undefined;
}

function nodeRun(n: Execution['nodes'][number]): NodeRun {
  return {
    status: n.status,
    ...(n.durationMs !== undefined ? { durationMs: n.durationMs } : {}),
    ...(n.error !== undefined ? { error: n.error } : {}),
    logs: (n.logs ?? []).map((l) => ({ level: l.level, message: l.message })),
  };
}

function empty(error: string, diagnostics: readonly GraphDiagnostic[]): GraphModel {
  return { nodes: [], edges: [], diagnostics: [...diagnostics], error };
}

export function graphFromText(text: string, input: GraphInput): GraphModel {
  if (!text.trim()) return empty('This file is empty: a workflow is a JSON object with "id", "name" and "nodes".', []);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    return empty(
      `This file is not valid JSON: ${printParseErrorCode(first.error)} at line ${line}, column ${column}.`,
      input.diagnostics,
    );
  }
  if (root?.type !== 'object') return empty('This file is not a JSON object, so it is no workflow.', input.diagnostics);

  const workflowId = stringProp(root, 'id');
  const name = stringProp(root, 'name');
  const nodesNode = prop(root, 'nodes');
  const nodes: GraphNode[] = [];
  const byId = new Map<string, GraphNode>();
  (nodesNode?.type === 'array' ? (nodesNode.children ?? []) : []).forEach((obj, index) => {
    if (obj.type !== 'object') return;
    const id = stringProp(obj, 'id') ?? '';
    const type = stringProp(obj, 'type') ?? '';
    const kind = nodeKind(type);
    const credential = kind === 'http' || kind === 'connector' ? stringProp(obj, 'credential') : undefined;
    const detail = kind === 'http' ? httpDetail(obj) : kind === 'connector' ? type.split('.')[0] : undefined;
    const node: GraphNode = {
      key: id && !byId.has(id) ? id : `${id}#${index}`,
      id,
      type: type || '(no type)',
      kind,
      label: stringProp(obj, 'name') || id || `node ${index + 1}`,
      ...(detail ? { detail } : {}),
      ...(credential ? { credential } : {}),
      ...(credential && input.credentialNames?.has(credential)
        ? { credentialName: input.credentialNames.get(credential) }
        : {}),
      start: obj.offset,
      end: obj.offset + obj.length,
      diagnostics: [],
    };
    if (id && !byId.has(id)) byId.set(id, node);
    nodes.push(node);
  });

  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const conns = prop(root, 'connections');
  for (const c of conns?.type === 'array' ? (conns.children ?? []) : []) {
    if (c.type !== 'object') continue;
    const from = byId.get(stringProp(c, 'from') ?? '');
    const to = byId.get(stringProp(c, 'to') ?? '');
    if (!from || !to || seen.has(`${from.key}\0${to.key}`)) continue;
    seen.add(`${from.key}\0${to.key}`);
    edges.push({ from: from.key, to: to.key });
  }

  // Node objects never nest, so the first node whose range holds a diagnostic's start is the one.
  const rest: GraphDiagnostic[] = [];
  for (const d of input.diagnostics) {
    const owner = nodes.find((n) => d.start >= n.start && d.start < n.end);
    if (owner) owner.diagnostics.push({ ...d });
    else rest.push({ ...d });
  }

  const model: GraphModel = {
    ...(workflowId !== undefined ? { workflowId } : {}),
    ...(name !== undefined ? { name } : {}),
    nodes,
    edges,
    diagnostics: rest,
  };
  if (input.run) attachRun(model, input.run, input.where);
  if (!nodes.length) model.error = 'This workflow has no nodes yet: add one to "nodes" and it appears here.';
  return model;
}

/** Puts an execution's per-node results on the model's nodes (matched by node id) and its overall result on it. */
export function attachRun(model: GraphModel, run: Execution, where?: string): GraphModel {
  const byId = new Map<string, GraphNode>();
  for (const n of model.nodes) if (n.id && !byId.has(n.id)) byId.set(n.id, n);
  for (const r of run.nodes ?? []) {
    const n = byId.get(r.id);
    if (n) n.run = nodeRun(r);
  }
  model.run = {
    status: run.status,
    ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
    ...(run.error !== undefined ? { error: run.error } : {}),
    ...(where ? { where } : {}),
  };
  return model;
}
