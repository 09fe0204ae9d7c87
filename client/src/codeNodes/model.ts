// A Code node's source as a JavaScript file, and back. Pure (no vscode): codeFiles.ts and the tests use it.
//
// The sandbox runs a Code node's `code` as the body of `async function ($input, $node) { … }`
// (server/src/engine/quickjs.ts), so the JavaScript view is exactly that function — exported, so the file is a module
// — typed with JSDoc from the declarations generated beside it (one folder per node: the view, `flero.d.ts`, and a
// `jsconfig.json` with checkJs and lib es2022 only, so what the sandbox lacks — fetch, timers, the DOM — is an error):
//
//   line 0  // @ts-check
//   line 1  /** Code node "shape" in weather.flero.json — saving writes this function's body back into the workflow.
//   line 2   * @param {FleroInput} $input …
//   line 3   * @param {FleroNodes} $node …
//   line 4   */
//   line 5  export default async function ($input, $node) {
//   …       <the code, unchanged>
//   last    }
//
// Saving takes the lines between the `export default async function` line and the last `}` line.
// jsonc-parser's ESM build, as server/src/lsp/service/jsonc.ts explains (its UMD main defeats the bundler).
import { type Node as JsonNode, parseTree } from 'jsonc-parser/lib/esm/main.js';
import { child, computeLineStarts, decodedIndexIn } from '../../../server/src/core/jsonText';
import { NODE_ID_PATTERN } from '../../../server/src/core/idPatterns';

/** A workflow text parsed with offsets. */
export interface ParsedWorkflow {
  text: string;
  root: JsonNode | undefined;
}

export function parseWorkflow(text: string): ParsedWorkflow {
  return { text, root: parseTree(text, [], { allowTrailingComma: false, disallowComments: false }) };
}

export interface CodeNodeLocation {
  nodeId: string;
  /** The decoded source. */
  code: string;
  /** The `code` string literal's offsets in the workflow file, quotes included. */
  start: number;
  end: number;
  /** The string node (for offset mapping). */
  literal: JsonNode;
}

export interface UpstreamNode {
  id: string;
  type: string;
  /** For http nodes: method and URL as written (never a header or a credential value). */
  detail?: string;
}

const OPEN_LINE = 'export default async function ($input, $node) {';
export const HEADER_LINES = 6;

function nodesOf(doc: ParsedWorkflow): JsonNode[] {
  const nodes = child(doc.root, 'nodes');
  return nodes?.type === 'array' ? (nodes.children ?? []) : [];
}

function str(node: JsonNode | undefined, key: string): string | undefined {
  const v = child(node, key)?.value;
  return typeof v === 'string' ? v : undefined;
}

/** Every Code node with a string `code` in a workflow text. */
export function codeNodes(text: string, doc: ParsedWorkflow = parseWorkflow(text)): CodeNodeLocation[] {
  const out: CodeNodeLocation[] = [];
  for (const n of nodesOf(doc)) {
    const id = str(n, 'id');
    const literal = child(n, 'code');
    if (!id || str(n, 'type') !== 'code' || literal?.type !== 'string') continue;
    // The id becomes the view's folder and file name: one the schema refuses (`../x`, `a/b`) gets no view.
    if (!NODE_ID_PATTERN.test(id)) continue;
    out.push({
      nodeId: id,
      code: literal.value as string,
      start: literal.offset,
      end: literal.offset + literal.length,
      literal,
    });
  }
  return out;
}

export function findCodeNode(text: string, nodeId: string, doc?: ParsedWorkflow): CodeNodeLocation | undefined {
  return codeNodes(text, doc).find((n) => n.nodeId === nodeId);
}

/** The nodes that certainly ran before `nodeId` (its ancestors through `connections`), in file order. */
export function upstreamNodes(text: string, nodeId: string, doc: ParsedWorkflow = parseWorkflow(text)): UpstreamNode[] {
  const parents = new Map<string, string[]>();
  const conns = child(doc.root, 'connections');
  for (const c of conns?.type === 'array' ? (conns.children ?? []) : []) {
    const from = str(c, 'from');
    const to = str(c, 'to');
    if (from && to) parents.set(to, [...(parents.get(to) ?? []), from]);
  }
  const seen = new Set<string>();
  const stack = [...(parents.get(nodeId) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    stack.push(...(parents.get(id) ?? []));
  }
  const out: UpstreamNode[] = [];
  for (const n of nodesOf(doc)) {
    const id = str(n, 'id');
    const type = str(n, 'type');
    if (!id || !type || !seen.has(id)) continue;
    const method = str(n, 'method');
    const url = str(n, 'url');
    out.push({ id, type, ...(type === 'http' && url ? { detail: `${method ?? 'GET'} ${url}` } : {}) });
  }
  return out;
}

/** The JavaScript file for a Code node. */
export function javascriptView(code: string, opts: { nodeId: string; workflowName: string }): string {
  const header = [
    '// @ts-check',
    `/** Code node "${opts.nodeId}" in ${opts.workflowName.replace(/\*\//g, '* /')} — saving writes this function's body back into the workflow.`,
    " * @param {FleroInput} $input the run's input",
    ' * @param {FleroNodes} $node outputs of the nodes that ran before this one',
    ' */',
    OPEN_LINE,
  ];
  return `${header.join('\n')}\n${code}\n}\n`;
}

/** The code a JavaScript view holds, or an error saying how the function around it was broken. */
export function codeFromView(view: string): { code: string } | { error: string } {
  const text = view.replace(/\r\n?/g, '\n');
  const open = text.indexOf(`\n${OPEN_LINE}\n`);
  if (open < 0 && !text.startsWith(`${OPEN_LINE}\n`)) {
    return { error: `Keep the line "${OPEN_LINE}": Flero saves the body of that function as the Code node's code.` };
  }
  const bodyStart = open < 0 ? OPEN_LINE.length + 1 : open + OPEN_LINE.length + 2;
  const trimmed = text.replace(/\n*$/, '');
  if (!trimmed.endsWith('\n}') || trimmed.length - 1 < bodyStart) {
    return { error: 'Keep the closing "}" of the function on the last line: Flero saves what is between.' };
  }
  return { code: trimmed.slice(bodyStart, trimmed.length - 2) };
}

/** The JSON string literal that replaces the old one: JSON.stringify's escaping (quotes, backslashes, controls). */
export function codeLiteral(code: string): string {
  return JSON.stringify(code);
}

/** Where a file offset inside the code literal is in the JavaScript view (line, character), or undefined. */
export function viewPosition(
  doc: ParsedWorkflow,
  node: CodeNodeLocation,
  offset: number,
): { line: number; character: number } | undefined {
  // The closing quote maps to the end of the code.
  const index =
    offset >= node.end - 1 && offset <= node.end ? node.code.length : decodedIndexIn(doc.text, node.literal, offset);
  if (index < 0) return undefined;
  const starts = computeLineStarts(node.code);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1]! <= index) line++;
  return { line: HEADER_LINES + line, character: index - starts[line]! };
}

const OUTPUT_TYPES: Record<string, string> = {
  http: 'FleroHttpOutput',
  trigger: 'FleroInput',
  code: 'any',
};

/** The declarations for one Code node (global: the node's folder is its own project). */
export function declarations(nodeId: string, upstream: readonly UpstreamNode[], workflowName: string): string {
  const members = upstream.map((u) => {
    const what =
      u.type === 'http'
        ? `http node${u.detail ? ` (${u.detail.replace(/\*\//g, '* /')})` : ''}: the response`
        : u.type === 'code'
          ? 'code node: what its code returned'
          : u.type === 'trigger'
            ? 'trigger: the run input'
            : `${u.type} connector: the service's response`;
    return `  /** Output of the ${what}. */\n  ${u.id}: ${OUTPUT_TYPES[u.type] ?? 'FleroHttpOutput'};`;
  });
  return [
    `// Generated by Flero for the Code node "${nodeId}" in ${workflowName}: what the sandbox gives its code.`,
    '// Regenerated when the workflow changes; edits here are lost.',
    '',
    '/** The run\'s input: the JSON value given to the run (`flero run --input`, "Run with input…"); `{}` by default. */',
    'type FleroInput = any;',
    '',
    '/** What an http node and a connector node output. Header names are lower-case; credentials are never in here. */',
    'interface FleroHttpOutput {',
    '  /** The HTTP status code. */',
    '  status: number;',
    '  /** Response headers, lower-case names. */',
    '  headers: Record<string, string>;',
    '  /** The body: parsed JSON when the response is JSON, otherwise the text. */',
    '  body: any;',
    '}',
    '',
    '/** `$node.<id>`: the outputs of the nodes that ran before this one. */',
    'interface FleroNodes {',
    ...members,
    '}',
    '',
    '/** The sandbox console: lines are kept in the run record, masked (a credential value never appears there). */',
    'interface FleroConsole {',
    '  log(...values: unknown[]): void;',
    '  info(...values: unknown[]): void;',
    '  warn(...values: unknown[]): void;',
    '  error(...values: unknown[]): void;',
    '  debug(...values: unknown[]): void;',
    '}',
    '',
    '/** The sandbox has no process, require, file system, network, timers or credentials: `$input`, `$node` and this. */',
    'declare var console: FleroConsole;',
    '',
  ].join('\n');
}

/** The node folder's project: checkJs over the view and the declarations, ES2022 and nothing else (no DOM, no Node). */
export const JSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'es2022',
      module: 'es2022',
      lib: ['es2022'],
      types: [],
      checkJs: true,
      noEmit: true,
      strict: false,
    },
    include: ['*.js', '*.d.ts'],
  },
  null,
  2,
)}\n`;
