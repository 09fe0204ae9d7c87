// Language status on workflow files (the `{}` item in the status bar): which server and key the checks and runs use,
// how many credentials the checks know, and the last lint result of the file. Actions: sign in, or open the
// Credentials view; Problems for the lint item.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { WORKFLOW_SELECTOR } from './languageClient';
import { serverLabel } from './model/serverIdentity';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 errors, 1 warning" / "no problems" for the Flero diagnostics of one file. */
export function lintSummary(diagnostics: readonly vscode.Diagnostic[]): {
  text: string;
  worst?: vscode.DiagnosticSeverity;
} {
  const ours = diagnostics.filter((d) => d.source === 'flero');
  const count = (s: vscode.DiagnosticSeverity) => ours.filter((d) => d.severity === s).length;
  const errors = count(vscode.DiagnosticSeverity.Error);
  const warnings = count(vscode.DiagnosticSeverity.Warning);
  const infos = ours.length - errors - warnings;
  const parts = [
    errors ? plural(errors, 'error') : '',
    warnings ? plural(warnings, 'warning') : '',
    infos ? `${infos} info/hint${infos === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return {
    text: parts.length ? parts.join(', ') : 'no problems',
    worst: errors ? vscode.DiagnosticSeverity.Error : warnings ? vscode.DiagnosticSeverity.Warning : undefined,
  };
}

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
    const c = ctx.connection;
    const server = serverLabel(c.identity);
    const creds = ctx.credentialMetadata().length;
    const known = `${plural(creds, 'credential')} known to the checks`;
    connection.severity = vscode.LanguageStatusSeverity.Information;
    connection.busy = c.state === 'connecting' || ctx.localServer.state === 'starting';
    if (c.state === 'connected') {
      connection.text = `$(key) Flero: ${c.me?.name ?? ''}`;
      connection.detail = `${c.url ?? server} · ${known}`;
      connection.command = { title: 'Open Credentials', command: 'flero.credentials.focus' };
    } else if (c.state === 'noServer') {
      connection.text = 'Flero: no server';
      connection.detail = `Runs use credentials in SecretStorage · ${known}`;
      connection.command = { title: 'Start Local Server', command: 'flero.startLocalServer' };
    } else {
      connection.text = c.state === 'error' ? `$(warning) Flero: ${server}` : `Flero: ${server} · signed out`;
      connection.detail = `${c.state === 'error' ? (c.error ?? 'connection error') : 'not signed in'} · ${known}`;
      connection.severity =
        c.state === 'error' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
      connection.command = { title: 'Sign In', command: 'flero.signIn' };
    }
  };
  const updateLint = () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc?.fileName.endsWith('.flero.json')) return;
    const s = lintSummary(vscode.languages.getDiagnostics(doc.uri));
    lint.text = s.worst === undefined ? '$(check) Flero checks' : '$(warning) Flero checks';
    lint.detail = s.text;
    lint.severity =
      s.worst === vscode.DiagnosticSeverity.Error
        ? vscode.LanguageStatusSeverity.Error
        : s.worst === vscode.DiagnosticSeverity.Warning
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
