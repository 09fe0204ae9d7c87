// An http node's request parts (URL, headers, query, body) with its expressions rendered against the run's scope.
import { type ExpressionScope, renderDeep } from '../core/expressions';
import type { HttpNode } from '../core/workflow';

export interface HttpParts {
  url: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

function toStrings(m: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
  );
}

function renderHttp(node: HttpNode, scope: ExpressionScope): HttpParts {
  const rendered = renderDeep(
    { url: node.url, headers: node.headers ?? {}, query: node.query ?? {}, body: node.body },
    scope,
  ) as { url: unknown; headers: Record<string, unknown>; query: Record<string, unknown>; body: unknown };
  return {
    url: typeof rendered.url === 'string' ? rendered.url : String(rendered.url),
    headers: toStrings(rendered.headers),
    query: toStrings(rendered.query),
    body: rendered.body,
  };
}

function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k.includes('{{') || hasTemplate(v)) return true;
  }
  return false;
}

// An http node without any `{{` renders to the same request every run: rendered once per (checked, immutable) node.
// `send` only reads these objects.
const staticHttp = new WeakMap<HttpNode, HttpParts | null>();

/** The node's parts for this run (a node without any `{{` is rendered once, on its first run). */
export function httpParts(node: HttpNode, scope: ExpressionScope): HttpParts {
  let parts = staticHttp.get(node);
  if (parts === undefined) {
    parts = hasTemplate([node.url, node.headers, node.query, node.body]) ? null : renderHttp(node, scope);
    staticHttp.set(node, parts);
  }
  return parts ?? renderHttp(node, scope);
}
