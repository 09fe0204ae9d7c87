// API docs, logs, refresh, settings, the status menu, and the language server's helper commands.
import * as vscode from 'vscode';
import type { CredentialMeta } from '../../../server/src/core/credentials';
import { parseCredentialMeta } from '../model/credentialMeta';
import { type Ctx, SIGN_IN, START_SERVER } from '../ctx';
import { PreconditionError, required } from '../errors';
import { validateSecretValue } from '../model/credentialForm';
import { explain } from '../model/explanations';
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
  if (Array.isArray(arg)) arg = arg[0];
  const a: ExplainArgs = typeof arg === 'string' ? { code: arg } : ((arg ?? {}) as ExplainArgs);
  const text = a.code || !a.message ? explain(a.code) : '';
  const detail = [a.message, text].filter(Boolean).join('\n\n');
  await ctx.prompts.modalInfo(a.code ? `Flero: ${a.code}` : 'Flero', detail);
  return detail;
}

/**
 * Arguments of the language server's "Move the secret into a new credential" quick fix (MoveSecretArgs in
 * server/src/lsp/service/actions.ts): the quick fix's edit has already removed the literal from the file and set
 * `"credential": "<id>"` on the node; this command asks for the value in a password box and stores it.
 */
interface MoveSecretArgs {
  uri: string;
  credential: CredentialMeta;
}

async function moveSecretToCredential(ctx: Ctx, arg?: unknown): Promise<string | undefined> {
  const a = (Array.isArray(arg) ? arg[0] : arg) as Partial<MoveSecretArgs> | undefined;
  const meta = parseCredentialMeta(a?.credential);
  if (!a?.uri || !meta)
    throw new PreconditionError('Use this from the quick fix on a hard-coded secret in a workflow file.');
  const value = required(
    await ctx.prompts.input({
      title: 'Move Secret to Credential: Value',
      prompt: `Paste the secret that was in the file; it is kept in SecretStorage as "${meta.id}". (Undo restores the file if you need to copy it.)`,
      password: true,
      validateInput: validateSecretValue,
    }),
  );
  await ctx.secrets.saveLocalCredential(meta, value);
  ctx.log.info(
    `Stored the credential "${meta.id}" (${meta.service}, ${meta.authType}) in SecretStorage from a quick fix.`,
  );
  await ctx.refresh();
  void ctx.prompts.info(`The secret is now the credential "${meta.id}" in SecretStorage; the node references it.`);
  return meta.id;
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
