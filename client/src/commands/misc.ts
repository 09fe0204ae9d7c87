// API docs, logs, refresh, settings, the status menu, and the language server's helper commands.
import { applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import * as vscode from 'vscode';
import { findService } from '../../../server/src/core/services';
import { type Ctx, SIGN_IN, START_SERVER } from '../ctx';
import { PreconditionError, required } from '../errors';
import { suggestCredentialId, validateCredentialId, validateSecretValue } from '../model/credentialForm';
import { explain } from '../model/explanations';
import { takenIds } from './credentials';
import type { CommandHandler } from './index';

async function openApiDocs(ctx: Ctx): Promise<string> {
  const base = ctx.baseUrl();
  const target = await vscode.env.asExternalUri(vscode.Uri.parse(`${base}/api-docs`));
  await vscode.env.openExternal(target);
  return target.toString();
}

async function showStatus(ctx: Ctx): Promise<void> {
  const c = ctx.connection;
  const items: { label: string; command: string }[] = [];
  if (c.state === 'noServer') items.push({ label: `$(play) ${START_SERVER.title}`, command: START_SERVER.command });
  if (c.state === 'signedOut' || c.state === 'error')
    items.push({ label: `$(key) ${SIGN_IN.title}`, command: SIGN_IN.command });
  if (c.state === 'connected') {
    items.push({ label: '$(add) Generate API Key', command: 'flero.generateApiKey' });
    items.push({ label: '$(sign-out) Sign Out', command: 'flero.signOut' });
  }
  if (ctx.localServer.state === 'running')
    items.push({ label: '$(debug-stop) Stop Local Server', command: 'flero.stopLocalServer' });
  items.push(
    { label: '$(refresh) Refresh', command: 'flero.refresh' },
    { label: '$(output) Show Logs', command: 'flero.showLogs' },
  );
  const picked = await ctx.prompts.pick(items, {
    title: `Flero: ${c.url ?? c.identity} — ${c.state}${c.me ? ` as "${c.me.name}"` : ''}`,
  });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

interface ExplainArgs {
  code?: string;
  message?: string;
}

async function explainCommand(ctx: Ctx, arg?: unknown): Promise<string> {
  const a: ExplainArgs = typeof arg === 'string' ? { code: arg } : ((arg ?? {}) as ExplainArgs);
  const text = explain(a.code);
  await ctx.prompts.modalInfo(
    a.code ? `Flero: ${a.code}` : 'Flero diagnostics',
    `${a.message ? `${a.message}\n\n` : ''}${text}`,
  );
  return text;
}

/**
 * Arguments of the "Move this secret into a credential" quick fix (all optional except `uri`). The language server
 * never puts the secret into them: the client reads it from the document at `range`.
 */
export interface MoveSecretArgs {
  uri: string;
  /** LSP range of the literal secret text (inside the JSON string). */
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  credentialId?: string;
  service?: string;
  nodeId?: string;
  /** The header that held the secret (removed from the node), or the query parameter. */
  header?: string;
  query?: string;
  host?: string;
}

async function moveSecretToCredential(ctx: Ctx, arg?: unknown): Promise<string | undefined> {
  const a = (Array.isArray(arg) ? arg[0] : arg) as MoveSecretArgs | undefined;
  if (!a?.uri) throw new PreconditionError('Use this from the quick fix on a hard-coded secret in a workflow file.');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(a.uri));
  const range = a.range
    ? new vscode.Range(a.range.start.line, a.range.start.character, a.range.end.line, a.range.end.character)
    : undefined;
  const literal = range ? doc.getText(range) : '';
  const schemeMatch = /^(Bearer|Token|Basic)\s+/i.exec(literal);
  const service = (a.service && findService(a.service)) || findService('custom')!;
  const taken = takenIds(ctx);
  const id = required(
    await ctx.prompts.input({
      title: 'Move Secret to Credential: Credential ID',
      prompt: 'The credential id the node will reference',
      value: a.credentialId && !taken.has(a.credentialId) ? a.credentialId : suggestCredentialId(service.id, taken),
      validateInput: (v) => validateCredentialId(v, taken),
    }),
  );
  const value = required(
    await ctx.prompts.input({
      title: 'Move Secret to Credential: Value',
      prompt: 'The secret (taken from the file; edit if needed). It goes to SecretStorage and out of the file.',
      password: true,
      value: schemeMatch ? literal.slice(schemeMatch[0].length) : literal,
      validateInput: validateSecretValue,
    }),
  );
  const bearer = schemeMatch?.[1]?.toLowerCase() === 'bearer';
  const header = a.header ?? (a.query ? undefined : 'Authorization');
  await ctx.secrets.saveLocalCredential(
    {
      id,
      name: `${service.name} (${id})`,
      service: service.id,
      authType: bearer && (!header || header.toLowerCase() === 'authorization') ? 'bearer' : 'apiKey',
      ...(a.query
        ? { query: { param: a.query } }
        : { header: { name: header ?? 'Authorization', prefix: schemeMatch ? schemeMatch[0] : '' } }),
      ...(a.host ? { hosts: [a.host] } : {}),
    },
    value,
  );
  ctx.log.info(`Moved a hard-coded secret into the credential "${id}" (SecretStorage).`);
  await ctx.refresh();
  const edited = await rewriteNode(doc, a, id);
  void ctx.prompts.info(
    edited
      ? `The secret is now the credential "${id}" in SecretStorage; the node references it.`
      : `The secret is now the credential "${id}" in SecretStorage. Reference it with "credential": "${id}" and delete the literal from the file.`,
  );
  return id;
}

/** Removes the literal (header or query entry) from the node and sets its `credential`. */
async function rewriteNode(doc: vscode.TextDocument, a: MoveSecretArgs, id: string): Promise<boolean> {
  const text = doc.getText();
  const root = parseTree(text);
  if (!root || !a.range) return false;
  const offset = doc.offsetAt(new vscode.Position(a.range.start.line, a.range.start.character));
  const nodes = findNodeAtLocation(root, ['nodes'])?.children ?? [];
  const index = nodes.findIndex((n) => n.offset <= offset && offset <= n.offset + n.length);
  if (index < 0) return false;
  const fmt = { formattingOptions: { insertSpaces: true, tabSize: 2 } };
  let edits = modify(text, ['nodes', index, 'credential'], id, fmt);
  let next = applyEdits(text, edits);
  const path = a.query
    ? ['nodes', index, 'query', a.query]
    : a.header
      ? ['nodes', index, 'headers', a.header]
      : undefined;
  if (path) {
    edits = modify(next, path, undefined, fmt);
    next = applyEdits(next, edits);
  }
  if (next === text) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), next);
  return vscode.workspace.applyEdit(edit);
}

export const miscCommands: Record<string, CommandHandler> = {
  'flero.openApiDocs': openApiDocs,
  'flero.showLogs': (ctx) => ctx.log.show(true),
  'flero.refresh': (ctx) => ctx.connect(),
  'flero.openSettings': () =>
    vscode.commands.executeCommand('workbench.action.openSettings', '@ext:flero.flero-vscode'),
  'flero.showStatus': showStatus,
  'flero.explain': explainCommand,
  'flero.moveSecretToCredential': moveSecretToCredential,
};
