// Hover and completion. A cursor offset in, markdown / items with offset edits out.
import { findNodeAtOffset, getNodePath, type Node as JsonNode } from './jsonc';
import type { CredentialMeta } from '../../core/credentials';
import { parsePath, parseTemplate } from '../../core/expressions';
import { SCOPE_DESCRIPTIONS, type Scope } from '../../core/scopes';
import { connectorTypes, findOperation, findService } from '../../core/services';
import { CodeNodeSchema, HTTP_METHODS, HttpNodeSchema, TriggerNodeSchema } from '../../core/workflow';
import { allowedHostsOf } from '../../core/credentials';
import { child, decodedIndexAt, escapeForJsonString, type FleroDocument, stringOffset } from './document';
import { serverRunBlocker } from './lenses';
import type { ServiceContext } from './types';

export interface ServiceHover {
  start: number;
  end: number;
  markdown: string;
}

const BUILTIN_DOCS: Record<string, string | undefined> = {
  trigger: TriggerNodeSchema.description,
  http: HttpNodeSchema.description,
  code: CodeNodeSchema.description,
};

export function describeType(type: string): string | undefined {
  if (BUILTIN_DOCS[type]) return `**${type}** — ${BUILTIN_DOCS[type]}`;
  const op = findOperation(type);
  if (!op) return undefined;
  const params = op.operation.params.map((p) => `- \`${p.name}\`${p.required ? ' (required)' : ''}: ${p.description}`);
  return [
    `**${type}** — ${op.service.name}: ${op.operation.summary}`,
    `\`${op.operation.method} ${op.service.baseUrl}${op.operation.path}\``,
    ...(params.length ? ['', 'Params:', ...params] : []),
  ].join('\n');
}

export function describeCredential(c: CredentialMeta): string {
  const placement =
    c.authType === 'bearer'
      ? 'header `Authorization: Bearer …`'
      : c.query
        ? `query parameter \`${c.query.param}\``
        : c.header
          ? `header \`${c.header.name}: ${c.header.prefix}…\``
          : 'the service default placement';
  const hosts = allowedHostsOf(c);
  return [
    `**${c.name}** (\`${c.id}\`)`,
    `- service: ${findService(c.service)?.name ?? c.service}`,
    `- auth: ${c.authType}, sent as ${placement}`,
    `- hosts: ${hosts.length ? hosts.join(', ') : 'none (the run refuses to send it)'}`,
  ].join('\n');
}

function nodeValues(doc: FleroDocument): { id: string; type: string; name?: string }[] {
  return (child(doc.root, 'nodes')?.children ?? []).flatMap((n) => {
    const id = child(n, 'id')?.value;
    const type = child(n, 'type')?.value;
    const name = child(n, 'name')?.value;
    return typeof id === 'string'
      ? [{ id, type: String(type ?? ''), ...(typeof name === 'string' ? { name } : {}) }]
      : [];
  });
}

function stringAt(doc: FleroDocument, offset: number): { node: JsonNode; path: (string | number)[] } | undefined {
  if (!doc.root) return undefined;
  const node = findNodeAtOffset(doc.root, offset);
  if (!node || node.type !== 'string') return undefined;
  return { node, path: getNodePath(node) };
}

export function hover(doc: FleroDocument, ctx: ServiceContext, offset: number): ServiceHover | undefined {
  const hit = stringAt(doc, offset);
  if (!hit) return undefined;
  const { node, path } = hit;
  const span = { start: node.offset, end: node.offset + node.length };
  const value = String(node.value);
  const field = path[path.length - 1];
  if (path[0] === 'nodes' && path.length === 3 && field === 'credential') {
    const cred = ctx.credentials?.find((c) => c.id === value);
    const md = cred
      ? describeCredential(cred)
      : ctx.credentials
        ? `Unknown credential \`${value}\`: create it in the Flero sidebar (Credentials) first.`
        : `Credential \`${value}\` (the editor has not shared its credentials).`;
    return { ...span, markdown: md };
  }
  if (path[0] === 'nodes' && path.length === 3 && field === 'type') {
    const md = describeType(value);
    return md ? { ...span, markdown: md } : undefined;
  }
  if (path.length === 1 && field === 'id' && ctx.server?.connected && ctx.server.key) {
    const key = ctx.server.key;
    const blocker = serverRunBlocker(ctx, value);
    const scopes = key.scopes.map(
      (s) => `- \`${s}\`${SCOPE_DESCRIPTIONS[s as Scope] ? ` — ${SCOPE_DESCRIPTIONS[s as Scope]}` : ''}`,
    );
    return {
      ...span,
      markdown: [
        `Workflow \`${value}\` on ${ctx.server.url ?? 'the connected server'}`,
        blocker ? `Cannot run with key "${key.name}": ${blocker}.` : `Key "${key.name}" may run it.`,
        '',
        'Key scopes:',
        ...scopes,
      ].join('\n'),
    };
  }
  const idx = decodedIndexAt(doc, node, offset);
  // `$node.x` in a Code node's source.
  if (path[0] === 'nodes' && path.length === 3 && field === 'code') {
    const re = /\$node\.([A-Za-z_][A-Za-z0-9_]*)/g;
    for (let m = re.exec(value); m; m = re.exec(value)) {
      if (idx < m.index || idx > m.index + m[0].length) continue;
      const range = { start: stringOffset(doc, node, m.index), end: stringOffset(doc, node, m.index + m[0].length) };
      return { ...range, markdown: describeNodeRef(doc, m[1]!) };
    }
    return undefined;
  }
  // `{{ $node.x… }}` inside any string value.
  for (const part of parseTemplate(value)) {
    if (part.kind !== 'expr' || idx < part.start || idx > part.end) continue;
    const p = parsePath(part.value);
    const range = { start: stringOffset(doc, node, part.start), end: stringOffset(doc, node, part.end) };
    if ('error' in p) return { ...range, markdown: p.error };
    if (p.root === '$input') return { ...range, markdown: '`$input` — the run input (the trigger node’s output).' };
    return { ...range, markdown: describeNodeRef(doc, p.nodeId!) };
  }
  return undefined;
}

const OUTPUTS: Record<string, string> = {
  http: 'output `{ status, headers, body }`',
  code: 'output: what its code returns',
  trigger: 'output: the run input',
};

function describeNodeRef(doc: FleroDocument, id: string): string {
  const target = nodeValues(doc).find((n) => n.id === id);
  if (!target) return `No node \`${id}\` in this workflow.`;
  return [
    `\`$node.${target.id}\` — ${target.type} node${target.name ? ` "${target.name}"` : ''}`,
    OUTPUTS[target.type] ?? describeType(target.type) ?? '',
  ].join('\n\n');
}

export interface ServiceCompletion {
  label: string;
  detail?: string;
  documentation?: string;
  kind: 'value' | 'type' | 'credential' | 'method' | 'variable' | 'node';
  start: number;
  end: number;
  newText: string;
}

export function completion(doc: FleroDocument, ctx: ServiceContext, offset: number): ServiceCompletion[] {
  const hit = stringAt(doc, offset);
  if (!hit) return [];
  const { node, path } = hit;
  if (offset <= node.offset) return [];
  const whole = { start: node.offset, end: node.offset + node.length };
  const field = path[path.length - 1];
  const values = (
    kind: ServiceCompletion['kind'],
    items: { label: string; detail?: string; documentation?: string }[],
  ) => items.map((i) => ({ ...i, kind, ...whole, newText: JSON.stringify(i.label) }));
  if (path[0] === 'nodes' && path.length === 3) {
    if (field === 'type')
      return values('type', [
        ...Object.keys(BUILTIN_DOCS).map((t) => ({ label: t, detail: 'built-in', documentation: describeType(t) })),
        ...connectorTypes().map((t) => ({
          label: t,
          detail: findOperation(t)?.operation.summary,
          documentation: describeType(t),
        })),
      ]);
    if (field === 'credential')
      return values(
        'credential',
        (ctx.credentials ?? []).map((c) => ({
          label: c.id,
          detail: `${c.name} (${c.service})`,
          documentation: describeCredential(c),
        })),
      );
    if (field === 'method')
      return values(
        'method',
        HTTP_METHODS.map((m) => ({ label: m })),
      );
  }
  if (path[0] === 'connections' && (field === 'from' || field === 'to'))
    return values(
      'node',
      nodeValues(doc).map((n) => ({ label: n.id, detail: n.type })),
    );
  // Inside an open `{{ … ` before the cursor, or in a Code node's source at a `$…` word: `$input`, `$node.<id>`.
  const value = String(node.value);
  const idx = decodedIndexAt(doc, node, offset);
  const before = value.slice(0, idx);
  const inCode = path[0] === 'nodes' && path.length === 3 && field === 'code';
  const open = before.lastIndexOf('{{');
  if (inCode ? !/\$[\w.]*$/.test(before) : open < 0 || before.lastIndexOf('}}') > open) return [];
  const typed = /[$\w.]*$/.exec(before)![0];
  const start = stringOffset(doc, node, idx - typed.length);
  const end = offset;
  const items: ServiceCompletion[] = [
    { label: '$input', detail: 'the run input', kind: 'variable', start, end, newText: '$input' },
    ...nodeValues(doc).map((n) => ({
      label: `$node.${n.id}`,
      detail: `${n.type} node`,
      kind: 'node' as const,
      start,
      end,
      newText: escapeForJsonString(`$node.${n.id}`),
    })),
  ];
  return items.filter((i) => i.label.startsWith(typed) || typed === '');
}
