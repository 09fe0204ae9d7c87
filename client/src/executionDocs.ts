// Finished executions as read-only JSON documents (`flero-execution:` URIs), opened beside the workflow.
import * as vscode from 'vscode';
import type { Execution } from './model/apiTypes';

export const EXECUTION_SCHEME = 'flero-execution';

export interface RecordedRun {
  execution: Execution;
  where: 'local' | 'server';
}

export class ExecutionDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly recorded = new vscode.EventEmitter<RecordedRun>();
  /** Fires after every run, local or on the server (the workflow graph shows each node's result). */
  readonly onDidRecord = this.recorded.event;
  /** The newest run of each workflow id. */
  private readonly newest = new Map<string, RecordedRun>();
  /** The newest execution shown (for the test API). */
  last: Execution | undefined;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '{}';
  }

  /** Keeps the execution as a document; opens it beside the workflow when `open`. */
  async record(execution: Execution, where: 'local' | 'server', open: boolean): Promise<vscode.Uri> {
    this.last = execution;
    const run = { execution, where };
    this.newest.delete(execution.workflowId);
    this.newest.set(execution.workflowId, run);
    if (this.newest.size > 50) this.newest.delete(this.newest.keys().next().value as string);
    this.recorded.fire(run);
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

  /** The newest recorded run of a workflow, if any. */
  latest(workflowId: string): RecordedRun | undefined {
    return this.newest.get(workflowId);
  }

  dispose(): void {
    this.changed.dispose();
    this.recorded.dispose();
  }
}
