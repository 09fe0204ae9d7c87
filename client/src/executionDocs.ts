// Finished executions as read-only JSON documents (`flero-execution:` URIs), opened beside the workflow.
import * as vscode from 'vscode';
import type { Execution } from './model/apiTypes';

export const EXECUTION_SCHEME = 'flero-execution';

export class ExecutionDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** The newest execution shown (for the test API). */
  last: Execution | undefined;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '{}';
  }

  /** Keeps the execution as a document; opens it beside the workflow when `open`. */
  async record(execution: Execution, where: 'local' | 'server', open: boolean): Promise<vscode.Uri> {
    this.last = execution;
    const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
    const uri = vscode.Uri.from({
      scheme: EXECUTION_SCHEME,
      path: `/${safe(execution.workflowId)}/${where}-${safe(execution.id)}.json`,
    });
    this.docs.set(uri.toString(), `${JSON.stringify(execution, null, 2)}\n`);
    if (this.docs.size > 50) this.docs.delete(this.docs.keys().next().value as string);
    this.changed.fire(uri);
    if (!open) return uri;
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
      preserveFocus: true,
    });
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
