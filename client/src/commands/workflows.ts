// Running workflows: in the language server with credential values from SecretStorage (sealed per run), or on the
// connected Flero server over HTTP. Progress is cancellable; per-node progress (masked by the engine) goes to the log.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { PreconditionError, required } from '../errors';
import { graphPanels } from '../graph/panel';
import type { Execution } from '../model/apiTypes';
import { parseRunInput, type WorkflowFacts, workflowFacts } from '../model/workflowDoc';
import type { CommandHandler } from './index';

const lastInputs = new Map<string, string>();

/** The workflow document a command acts on: its argument (URI string, Uri, `{ uri }`) or the active editor. */
export async function workflowDocument(arg: unknown): Promise<vscode.TextDocument> {
  let uri: vscode.Uri | undefined;
  if (arg instanceof vscode.Uri) uri = arg;
  else if (typeof arg === 'string') uri = vscode.Uri.parse(arg);
  else if (arg && typeof (arg as { uri?: unknown }).uri === 'string')
    uri = vscode.Uri.parse((arg as { uri: string }).uri);
  else if (arg && (arg as { uri?: unknown }).uri instanceof vscode.Uri) uri = (arg as { uri: vscode.Uri }).uri;
  const editorDoc = vscode.window.activeTextEditor?.document;
  if (!uri && editorDoc?.fileName.endsWith('.flero.json')) uri = editorDoc.uri;
  if (!uri) throw new PreconditionError('Open a workflow file (*.flero.json) first, then run it.');
  return vscode.workspace.openTextDocument(uri);
}

function facts(doc: vscode.TextDocument): WorkflowFacts & { id: string } {
  if (!vscode.workspace.isTrusted)
    throw new PreconditionError('Workflows do not run in an untrusted workspace. Trust the workspace to run them.', [
      { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' },
    ]);
  const f = workflowFacts(doc.getText());
  if (f.parseError)
    throw new PreconditionError(`Cannot run ${vscode.workspace.asRelativePath(doc.uri)}: ${f.parseError}.`);
  if (!f.id) throw new PreconditionError('The workflow has no "id": add one before running it.');
  return { ...f, id: f.id };
}

async function askInput(ctx: Ctx, workflowId: string): Promise<unknown> {
  const text = required(
    await ctx.prompts.input({
      title: 'Run Workflow with Input',
      prompt: `JSON input for ${workflowId} (read as $input)`,
      placeHolder: '{"city": "Oslo"}',
      value: lastInputs.get(workflowId) ?? '{}',
      validateInput: (v) => {
        const r = parseRunInput(v);
        return 'error' in r ? r.error : undefined;
      },
    }),
  );
  lastInputs.set(workflowId, text);
  const r = parseRunInput(text);
  if ('error' in r) throw new PreconditionError(r.error);
  return r.value;
}

/** One node's progress: a local run's RunProgressNotification event, or a node of a server execution. */
interface NodeProgress {
  executionId: string;
  nodeId: string;
  nodeType: string;
  status: string;
  durationMs?: number;
  error?: string;
  logs?: readonly { level: string; message: string }[];
}

function logProgress(ctx: Ctx, e: NodeProgress): string {
  const took = e.durationMs !== undefined ? ` in ${e.durationMs} ms` : '';
  const line = `[run ${e.executionId}] ${e.nodeId} (${e.nodeType}) ${e.status}${took}${e.error ? `: ${e.error}` : ''}`;
  if (e.status === 'failed') ctx.log.error(line);
  else ctx.log.info(line);
  for (const l of e.logs ?? []) ctx.log.info(`[run ${e.executionId}]   ${e.nodeId} console.${l.level}: ${l.message}`);
  return `${e.nodeId}: ${e.status}`;
}

function report(ctx: Ctx, name: string, execution: Execution): void {
  const took = execution.durationMs !== undefined ? ` in ${execution.durationMs} ms` : '';
  ctx.log.info(`[run ${execution.id}] ${execution.status}${took}${execution.error ? `: ${execution.error}` : ''}`);
  if (execution.status === 'succeeded') void ctx.prompts.info(`Workflow "${name}" succeeded${took}.`);
  else if (execution.status === 'cancelled') void ctx.prompts.warn(`Workflow "${name}" was cancelled.`);
  else void ctx.prompts.error(`Workflow "${name}" ${execution.status}${execution.error ? `: ${execution.error}` : ''}`);
}

async function runLocally(ctx: Ctx, arg: unknown, withInput: boolean): Promise<Execution | undefined> {
  const doc = await workflowDocument(arg);
  const f = facts(doc);
  const input = withInput ? await askInput(ctx, f.id) : {};
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const id of f.credentials) {
    const v = await ctx.secrets.credentialValue(id);
    if (v) values[id] = v;
    else missing.push(id);
  }
  if (missing.length)
    ctx.log.warn(`Not in SecretStorage on this machine (nodes using them will fail): ${missing.join(', ')}`);
  const name = f.name ?? f.id;
  ctx.log.info(`Running "${name}" (${vscode.workspace.asRelativePath(doc.uri)}) in the language server…`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running "${name}"`, cancellable: true },
    async (progress, token) => {
      try {
        return await ctx.lsp.run(
          doc.uri,
          input,
          values,
          (p) => progress.report({ message: logProgress(ctx, p.event) }),
          token,
        );
      } catch (e) {
        if (!token.isCancellationRequested) throw e;
        return undefined;
      }
    },
  );
  if (!result) {
    ctx.log.info(`The run of "${name}" was cancelled.`);
    void ctx.prompts.warn(`Workflow "${name}" was cancelled.`);
    return undefined;
  }
  const { execution } = result;
  report(ctx, name, execution);
  await ctx.executions.record(execution, 'local', readConfig().openExecutionAfterRun);
  return execution;
}

async function runOnServer(ctx: Ctx, arg: unknown): Promise<Execution | undefined> {
  const doc = await workflowDocument(arg);
  const f = facts(doc);
  const api = await ctx.api();
  ctx.requireScope('workflows:write', 'upload the workflow');
  ctx.requireScope('executions:write', 'run workflows');
  const allowed = ctx.connection.me?.workflows;
  if (allowed && allowed !== 'all' && !allowed.includes(f.id))
    throw new PreconditionError(
      `The signed-in key may not use the workflow "${f.id}" (it is not in the key's allow-list).`,
    );
  const name = f.name ?? f.id;
  const execution = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Running "${name}" on ${ctx.connection.url}`,
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        progress.report({ message: 'uploading' });
        await api.putWorkflow(f.id, f.document);
        progress.report({ message: 'running' });
        return await api.runWorkflow(f.id, {}, abort.signal);
      } finally {
        sub.dispose();
      }
    },
  );
  for (const n of execution.nodes ?? []) {
    logProgress(ctx, {
      executionId: execution.id,
      nodeId: n.id,
      nodeType: n.type,
      status: n.status,
      durationMs: n.durationMs,
      error: n.error,
      logs: n.logs,
    });
  }
  report(ctx, name, execution);
  await ctx.executions.record(execution, 'server', readConfig().openExecutionAfterRun);
  return execution;
}

export const workflowCommands: Record<string, CommandHandler> = {
  'flero.runWorkflow': (ctx, arg) => runLocally(ctx, arg, false),
  'flero.runWorkflowWithInput': (ctx, arg) => runLocally(ctx, arg, true),
  'flero.runWorkflowOnServer': (ctx, arg) => runOnServer(ctx, arg),
  'flero.showWorkflowGraph': async (ctx, arg) => graphPanels(ctx).show(await workflowDocument(arg)),
};
