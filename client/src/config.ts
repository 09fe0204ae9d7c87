// Typed access to the extension's settings (contributes.configuration in package.json). No secret is ever a setting.
import * as vscode from 'vscode';

const SECTION = 'flero';

export interface FleroConfig {
  /** Empty = the bundled local server. */
  serverUrl: string;
  localServerAutoStart: boolean;
  openExecutionAfterRun: boolean;
}

export function readConfig(): FleroConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    serverUrl: (c.get<string>('server.url') ?? '').trim(),
    localServerAutoStart: c.get<boolean>('localServer.autoStart') ?? false,
    openExecutionAfterRun: c.get<boolean>('runs.openExecution') ?? true,
  };
}

/** Settings whose change means: reconnect to another server. */
export const RECONNECT_SETTINGS = ['flero.server.url'];
/** Settings the language client reads when it starts. */
export const RESTART_LSP_SETTINGS = ['flero.trace.server'];
