// Code lenses at the top of the workflow (with the scope pre-flight for "Run on server") and document symbols.
import { NODE_ID_PATTERN } from '../../core/workflow';
import { ClientCommands } from '../protocol';
import { child, type FleroDocument } from './document';
import type { ServiceContext } from './types';

export interface ServiceLens {
  start: number;
  end: number;
  title: string;
  command: string;
  arguments: unknown[];
}

/** Why the connected key cannot run this workflow, or undefined when it can. */
export function serverRunBlocker(
  ctx: ServiceContext,
  workflowId: string | undefined,
  now = Date.now(),
): string | undefined {
  const key = ctx.server?.key;
  if (!key) return 'the connected server gave no key details';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return `key "${key.name}" has expired`;
  if (!key.scopes.includes('executions:write')) return `key "${key.name}" lacks the executions:write scope`;
  // The client uploads the document before running it (PUT /api/workflows/{id}).
  if (!key.scopes.includes('workflows:write'))
    return `key "${key.name}" lacks the workflows:write scope (needed to upload the workflow before running it)`;
  if (key.workflows !== 'all' && (!workflowId || !key.workflows.includes(workflowId)))
    return `workflow "${workflowId ?? '(no id)'}" is outside key "${key.name}"'s allow-list (${key.workflows.join(', ')})`;
  return undefined;
}

export function codeLenses(doc: FleroDocument, ctx: ServiceContext): ServiceLens[] {
  const root = doc.root;
  if (!root || root.type !== 'object') return [];
  const at = { start: root.offset, end: root.offset + 1 };
  const idValue = child(root, 'id')?.value;
  const workflowId = typeof idValue === 'string' ? idValue : undefined;
  const args = [{ uri: doc.uri, workflowId }];
  const lenses: ServiceLens[] = [
    { ...at, title: '▶ Run workflow', command: ClientCommands.runWorkflow, arguments: args },
    { ...at, title: 'Run with input…', command: ClientCommands.runWorkflowWithInput, arguments: args },
  ];
  if (ctx.server?.connected) {
    const blocker = serverRunBlocker(ctx, workflowId);
    lenses.push(
      blocker
        ? {
            ...at,
            title: `Run on server: not allowed (${blocker})`,
            command: ClientCommands.explain,
            arguments: [{ message: `Cannot run on ${ctx.server.url ?? 'the server'}: ${blocker}.` }],
          }
        : {
            ...at,
            title: `Run on server${ctx.server.url ? ` (${ctx.server.url})` : ''}`,
            command: ClientCommands.runWorkflowOnServer,
            arguments: [{ uri: doc.uri, workflowId, serverUrl: ctx.server.url }],
          },
    );
  }
  for (const n of child(root, 'nodes')?.children ?? []) {
    const id = child(n, 'id')?.value;
    const code = child(n, 'code');
    if (child(n, 'type')?.value !== 'code' || typeof id !== 'string' || code?.type !== 'string') continue;
    // An id the schema refuses names no view: it would become a path (`../x`) under the views' folder.
    if (!NODE_ID_PATTERN.test(id)) continue;
    const prop = code.parent ?? code;
    lenses.push({
      start: prop.offset,
      end: prop.offset + prop.length,
      title: 'Edit as JavaScript',
      command: ClientCommands.editCodeNode,
      arguments: [{ uri: doc.uri, nodeId: id }],
    });
  }
  return lenses;
}

export interface ServiceSymbol {
  name: string;
  detail: string;
  start: number;
  end: number;
  selectionStart: number;
  selectionEnd: number;
}

export function documentSymbols(doc: FleroDocument): ServiceSymbol[] {
  const nodes = child(doc.root, 'nodes');
  return (nodes?.children ?? []).flatMap((n) => {
    const id = child(n, 'id');
    if (n.type !== 'object' || !id) return [];
    const type = child(n, 'type')?.value;
    return [
      {
        name: String(id.value),
        detail: typeof type === 'string' ? type : '',
        start: n.offset,
        end: n.offset + n.length,
        selectionStart: id.offset,
        selectionEnd: id.offset + id.length,
      },
    ];
  });
}
