// `{{ expr }}` templates in workflow strings. Expressions are paths only — `$input.a.b`, `$node.<id>.body[0]["x"]` —
// never evaluated as code. Shared by the engine (evaluation) and the language server (ranges, completion, hover).

export interface TemplatePart {
  kind: 'text' | 'expr';
  /** For 'expr': the trimmed expression; for 'text': the literal text. */
  value: string;
  /** Offsets into the template string: the whole `{{ … }}` for expressions. */
  start: number;
  end: number;
  /** For 'expr': offsets of the trimmed expression. */
  exprStart?: number;
  exprEnd?: number;
}

export function parseTemplate(s: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf('{{', i);
    if (open < 0) break;
    const close = s.indexOf('}}', open + 2);
    if (close < 0) break;
    if (open > i) parts.push({ kind: 'text', value: s.slice(i, open), start: i, end: open });
    const raw = s.slice(open + 2, close);
    const lead = raw.length - raw.trimStart().length;
    const value = raw.trim();
    parts.push({
      kind: 'expr',
      value,
      start: open,
      end: close + 2,
      exprStart: open + 2 + lead,
      exprEnd: open + 2 + lead + value.length,
    });
    i = close + 2;
  }
  if (i < s.length) parts.push({ kind: 'text', value: s.slice(i), start: i, end: s.length });
  return parts;
}

export function hasExpression(s: string): boolean {
  return parseTemplate(s).some((p) => p.kind === 'expr');
}

export type PathRoot = '$input' | '$node';
export interface ParsedPath {
  root: PathRoot;
  /** For `$node`: the node id (first segment). */
  nodeId?: string;
  segments: (string | number)[];
}

const SEGMENT = /^(?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['((?:[^'\\]|\\.)*)'\])/;

/** Parses `$input.a[0]["b"]` / `$node.id.x`; returns an error message for anything else. */
export function parsePath(expr: string): ParsedPath | { error: string } {
  const m = /^(\$input|\$node)/.exec(expr);
  if (!m) return { error: `expressions read $input or $node.<id> (got "${expr}")` };
  const root = m[1] as PathRoot;
  let rest = expr.slice(root.length);
  const segments: (string | number)[] = [];
  while (rest.length) {
    const s = SEGMENT.exec(rest);
    if (!s) return { error: `cannot read "${rest}" in "${expr}"` };
    if (s[1] !== undefined) segments.push(s[1]);
    else if (s[2] !== undefined) segments.push(Number(s[2]));
    else segments.push(JSON.parse(`"${s[3] ?? (s[4] ?? '').replace(/"/g, '\\"')}"`) as string);
    rest = rest.slice(s[0].length);
  }
  if (root === '$node') {
    const id = segments.shift();
    if (typeof id !== 'string') return { error: `$node needs a node id: $node.<id>` };
    return { root, nodeId: id, segments };
  }
  return { root, segments };
}

export interface ExpressionScope {
  $input: unknown;
  $node: Record<string, unknown>;
}

function readPath(value: unknown, segments: (string | number)[]): unknown {
  let v = value;
  for (const seg of segments) {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'object') return undefined;
    if (!Object.hasOwn(v as object, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

export function evaluatePath(expr: string, scope: ExpressionScope): unknown {
  const p = parsePath(expr);
  if ('error' in p) throw new Error(p.error);
  if (p.root === '$input') return readPath(scope.$input, p.segments);
  if (!Object.hasOwn(scope.$node, p.nodeId!))
    throw new Error(`$node.${p.nodeId} has not run (is it connected before this node?)`);
  return readPath(scope.$node[p.nodeId!], p.segments);
}

/**
 * Renders a template. A string that is exactly one `{{ expr }}` keeps the value's type; otherwise values are
 * stringified (objects as JSON, undefined/null as '').
 */
export function renderTemplate(s: string, scope: ExpressionScope): unknown {
  const parts = parseTemplate(s);
  if (parts.length === 1 && parts[0]!.kind === 'expr' && parts[0]!.start === 0 && parts[0]!.end === s.length)
    return evaluatePath(parts[0]!.value, scope);
  if (!parts.some((p) => p.kind === 'expr')) return s;
  return parts
    .map((p) => {
      if (p.kind === 'text') return p.value;
      const v = evaluatePath(p.value, scope);
      if (v === undefined || v === null) return '';
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    })
    .join('');
}

/** Renders every string inside a JSON value. */
export function renderDeep(value: unknown, scope: ExpressionScope): unknown {
  if (typeof value === 'string') return renderTemplate(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, scope);
    return out;
  }
  return value;
}
