// `schema`: JSON syntax errors and zod issues of WorkflowSchema, each mapped to the exact JSON node.
import { type Node as JsonNode, printParseErrorCode } from '../jsonc';
import { z } from 'zod';
import { findOperation } from '../../../core/services';
import {
  CodeNodeSchema,
  CONNECTOR_TYPE_PATTERN,
  ConnectorNodeSchema,
  HttpNodeSchema,
  TriggerNodeSchema,
  WorkflowSchema,
} from '../../../core/workflow';

const TopLevelSchema = WorkflowSchema.extend({ nodes: z.array(z.unknown()).min(1) });
import { child, type FleroDocument, type JsonPath, nodeAt } from '../document';
import type { FleroDiagnostic } from '../types';

type Issue = z.core.$ZodIssue;

export function schemaDiagnostics(doc: FleroDocument): FleroDiagnostic[] {
  const out: FleroDiagnostic[] = [];
  for (const e of doc.parseErrors) {
    out.push({
      code: 'schema',
      severity: 'error',
      message: `JSON: ${printParseErrorCode(e.error)
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase()}`,
      start: e.offset,
      end: e.offset + Math.max(e.length, 1),
    });
  }
  if (!doc.root) return out;
  if (doc.root.type !== 'object') {
    out.push(at(doc.root, 'a workflow file is a JSON object'));
    return out;
  }
  // The workflow's own fields with nodes left open, then each node against the schema its `type` names (a union
  // would try every branch on every node, and report against whichever branch it liked best).
  const result = TopLevelSchema.safeParse(doc.value);
  if (!result.success)
    for (const issue of result.error.issues)
      if (issue.path[0] !== 'nodes' || issue.path.length === 1) out.push(...mapIssue(doc, issue, []));
  const nodes = (doc.value as { nodes?: unknown }).nodes;
  if (Array.isArray(nodes))
    nodes.forEach((n, i) => {
      const type = (n as { type?: unknown } | null)?.type;
      const schema = n && typeof n === 'object' && !Array.isArray(n) ? schemaForType(type) : undefined;
      if (!schema) {
        const nodeObj = nodeAt(doc, ['nodes', i]);
        const typeNode = child(nodeObj, 'type');
        const msg =
          !n || typeof n !== 'object' || Array.isArray(n)
            ? 'a node is an object: { "id", "type", … }'
            : typeof type === 'string'
              ? `unknown node type "${type}": expected trigger, http, code or <service>.<operation>`
              : 'a node needs a "type": trigger, http, code or <service>.<operation>';
        out.push(typeNode ? at(typeNode, msg) : anchor(doc, ['nodes', i], msg));
        return;
      }
      const r = schema.safeParse(n);
      if (!r.success) for (const sub of r.error.issues) out.push(...mapIssue(doc, sub, ['nodes', i]));
    });
  out.push(...connectorWarnings(doc));
  return out;
}

function at(node: JsonNode, message: string, severity: FleroDiagnostic['severity'] = 'error'): FleroDiagnostic {
  return { code: 'schema', severity, message, start: node.offset, end: node.offset + node.length };
}

function pathText(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The schema a node object should satisfy, chosen by its `type`. */
function schemaForType(type: unknown): z.ZodType | undefined {
  if (type === 'trigger') return TriggerNodeSchema;
  if (type === 'http') return HttpNodeSchema;
  if (type === 'code') return CodeNodeSchema;
  if (typeof type === 'string' && CONNECTOR_TYPE_PATTERN.test(type)) return ConnectorNodeSchema;
  return undefined;
}

function mapIssue(doc: FleroDocument, issue: Issue, prefix: JsonPath): FleroDiagnostic[] {
  const path = [...prefix, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    const obj = nodeAt(doc, path);
    return issue.keys.map((k) => {
      const prop = obj?.children?.find((p) => p.children?.[0]?.value === k);
      const msg = `unknown property "${k}"${path.length ? ` in ${pathText(path)}` : ''}`;
      return prop?.children?.[0] ? at(prop.children[0], msg) : anchor(doc, path, msg);
    });
  }
  const node = nodeAt(doc, path);
  const where = path.length ? `${pathText(path)}: ` : '';
  if (node && node.type !== 'object' && node.type !== 'array') return [at(node, `${where}${issue.message}`)];
  if (!node) {
    const last = path[path.length - 1];
    const missing = typeof last === 'string' ? `missing required property "${last}"` : issue.message;
    return [anchor(doc, path.slice(0, -1), `${pathText(path.slice(0, -1)) || 'workflow'}: ${missing}`)];
  }
  return [anchor(doc, path, `${where}${issue.message}`)];
}

/** A short range for a problem with an object/array: its property key, or the node's `id`, or its first character. */
function anchor(doc: FleroDocument, path: JsonPath, message: string): FleroDiagnostic {
  let p = path;
  let node = nodeAt(doc, p);
  while (!node && p.length) {
    p = p.slice(0, -1);
    node = nodeAt(doc, p);
  }
  const target = node ?? doc.root!;
  const prop = target.parent?.type === 'property' ? target.parent.children?.[0] : undefined;
  if (prop) return at(prop, message);
  const id = child(target, 'id');
  if (id) return at(id, message);
  return { code: 'schema', severity: 'error', message, start: target.offset, end: target.offset + 1 };
}

/** Connector types that look right but are not in the service catalog: a warning (the run would refuse). */
function connectorWarnings(doc: FleroDocument): FleroDiagnostic[] {
  const out: FleroDiagnostic[] = [];
  for (const n of child(doc.root, 'nodes')?.children ?? []) {
    const type = child(n, 'type');
    if (typeof type?.value !== 'string' || !CONNECTOR_TYPE_PATTERN.test(type.value)) continue;
    if (!findOperation(type.value))
      out.push(at(type, `"${type.value}" is not an operation of the service catalog`, 'warning'));
  }
  return out;
}
