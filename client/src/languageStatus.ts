// Language status on workflow files (the `{}` item in the status bar): which server and key the checks and runs use,
// how many credentials the checks know, and the last lint result of the file. Actions: sign in, or open the
// Credentials view; Problems for the lint item.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { WORKFLOW_SELECTOR } from './languageClient';
import { connectionStatus, lintSummary } from './model/status';

export interface FleroLanguageStatus {
  connection: vscode.LanguageStatusItem;
  lint: vscode.LanguageStatusItem;
}

export function registerLanguageStatus(ctx: Ctx): FleroLanguageStatus {
  const connection = vscode.languages.createLanguageStatusItem('flero.connection', WORKFLOW_SELECTOR);
  connection.name = 'Flero';
  const lint = vscode.languages.createLanguageStatusItem('flero.lint', WORKFLOW_SELECTOR);
  lint.name = 'Flero checks';
  lint.command = { title: 'Show Problems', command: 'workbench.actions.view.problems' };

  const updateConnection = () => {
    const v = connectionStatus(ctx.connection, ctx.credentialMetadata().length, ctx.localServer.state === 'starting');
    connection.text = v.text;
    connection.detail = v.detail;
    connection.busy = v.busy;
    connection.command = v.command;
    connection.severity = v.warning ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  };
  const updateLint = () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc?.fileName.endsWith('.flero.json')) return;
    const s = lintSummary(vscode.languages.getDiagnostics(doc.uri));
    lint.text = s.worst === undefined ? '$(check) Flero checks' : '$(warning) Flero checks';
    lint.detail = s.text;
    lint.severity =
      s.worst === 0
        ? vscode.LanguageStatusSeverity.Error
        : s.worst === 1
          ? vscode.LanguageStatusSeverity.Warning
          : vscode.LanguageStatusSeverity.Information;
  };
  updateConnection();
  updateLint();
  ctx.subscriptions.push(
    connection,
    lint,
    ctx.onDidChange(updateConnection),
    ctx.localServer.onDidChange(updateConnection),
    vscode.languages.onDidChangeDiagnostics(updateLint),
    vscode.window.onDidChangeActiveTextEditor(updateLint),
  );
  return { connection, lint };
}
