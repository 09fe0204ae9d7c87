// *Flero: Edit Code Node*: the language server's "Edit as JavaScript" lens on each Code node (arguments
// `{ uri, nodeId }`), or the command with a workflow editor active (the node at the cursor, else a pick).
import * as vscode from 'vscode';
import type { CommandHandler } from '../commands/index';
import { workflowDocument } from '../commands/workflows';
import { PreconditionError, required } from '../errors';
import { codeNodes } from './model';

async function editCodeNode(ctx: Parameters<CommandHandler>[0], arg: unknown): Promise<string> {
  const doc = await workflowDocument(arg);
  const nodes = codeNodes(doc.getText());
  if (!nodes.length) {
    throw new PreconditionError(
      `${vscode.workspace.asRelativePath(doc.uri)} has no Code node with a "code" string to edit.`,
    );
  }
  const wanted = (arg as { nodeId?: unknown } | undefined)?.nodeId;
  let nodeId = typeof wanted === 'string' ? wanted : undefined;
  if (nodeId && !nodes.some((n) => n.nodeId === nodeId)) {
    throw new PreconditionError(`There is no Code node "${nodeId}" in ${vscode.workspace.asRelativePath(doc.uri)}.`);
  }
  if (!nodeId) {
    const editor = vscode.window.activeTextEditor;
    const at = editor?.document.uri.toString() === doc.uri.toString() ? doc.offsetAt(editor.selection.active) : -1;
    nodeId = nodes.find((n) => at >= n.start && at <= n.end)?.nodeId;
  }
  if (!nodeId && nodes.length === 1) nodeId = nodes[0]!.nodeId;
  nodeId ??= required(
    await ctx.prompts.pick(
      nodes.map((n) => ({ label: n.nodeId, description: n.code.split('\n')[0]!.slice(0, 60) })),
      { title: 'Edit Code Node', placeHolder: 'Which Code node?' },
    ),
  ).label;
  const uri = ctx.codeNodes.prepare(doc, nodeId);
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return uri.toString();
}

export const codeNodeCommands: Record<string, CommandHandler> = {
  'flero.editCodeNode': (ctx, arg) => editCodeNode(ctx, arg),
};
