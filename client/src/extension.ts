// Entry point. `activate` is quick (no network; the connection check and the language server start afterwards) and
// shows its own failures.
import * as vscode from 'vscode';
import { registerAuthentication, requestSessionQuietly } from './auth';
import { registerCommands } from './commands/index';
import { readConfig, RECONNECT_SETTINGS, RESTART_LSP_SETTINGS } from './config';
import { Ctx } from './ctx';
import { EXECUTION_SCHEME } from './executionDocs';
import { registerExpiryWarnings } from './expiryWarnings';
import { registerLanguageStatus } from './languageStatus';
import { registerStatusBar } from './statusBar';
import { ScriptedPrompts } from './testBuild/scriptedPrompts';
import { createTestApi, type FleroTestApi } from './testBuild/testApi';
import { VsCodePrompts } from './ui';
import { registerViews } from './views/index';

/**
 * Replaced by esbuild's `define` (esbuild.mjs): `true` only in the test build (`--test-build`, dist-test/). Every use
 * of the test seam sits behind it, so esbuild drops the scripted prompts and the test API from the shipped bundle.
 */
declare const __FLERO_TEST_BUILD__: boolean;

let current: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): FleroTestApi | undefined {
  try {
    const scripted = __FLERO_TEST_BUILD__ ? new ScriptedPrompts() : undefined;
    const ctx = new Ctx(context, scripted ?? new VsCodePrompts());
    current = ctx;
    context.subscriptions.push(ctx);
    registerCommands(ctx);
    registerViews(ctx);
    const statusBar = registerStatusBar(ctx);
    const auth = registerAuthentication(ctx);
    const languageStatus = registerLanguageStatus(ctx);
    registerExpiryWarnings(ctx);
    ctx.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(EXECUTION_SCHEME, ctx.executions),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (RECONNECT_SETTINGS.some((s) => e.affectsConfiguration(s))) void ctx.connect();
        if (RESTART_LSP_SETTINGS.some((s) => e.affectsConfiguration(s)))
          void ctx.lsp.restart().catch((err) => ctx.log.error(String(err)));
      }),
      ctx.secrets.onDidChange(() => void ctx.connect()),
      ctx.localServer.onDidChange(() => void ctx.connect()),
    );
    setTimeout(() => void afterActivation(ctx), 0);
    if (__FLERO_TEST_BUILD__ && scripted) return createTestApi(ctx, scripted, { statusBar, auth, languageStatus });
    return undefined;
  } catch (e) {
    const message = `Flero failed to activate: ${e instanceof Error ? e.message : String(e)}`;
    void vscode.window.showErrorMessage(message);
    console.error(message);
    return undefined;
  }
}

async function afterActivation(ctx: Ctx): Promise<void> {
  ctx.log.info(
    `Flero ${ctx.extension.extension.packageJSON.version as string} in ${vscode.env.appName} (${
      vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'
    }${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''}); Node ${process.version}.`,
  );
  await ctx.connect().catch((e) => ctx.log.error(`Connection check failed: ${String(e)}`));
  // Puts "Sign in with Flero" in the Accounts menu when no key is signed in (a provider nobody asks for is hidden).
  if (ctx.connection.state !== 'connected') requestSessionQuietly();
  const config = readConfig();
  if (!config.serverUrl && config.localServerAutoStart && ctx.localServer.state === 'stopped') {
    void vscode.commands.executeCommand('flero.startLocalServer');
  }
  await ctx.lsp.start().catch((e) => {
    ctx.log.error(String(e instanceof Error ? e.message : e));
    void vscode.window.showErrorMessage(String(e instanceof Error ? e.message : e), 'Show Logs').then((p) => {
      if (p) ctx.log.show(true);
    });
  });
}

export async function deactivate(): Promise<void> {
  const ctx = current;
  current = undefined;
  if (!ctx) return;
  await Promise.allSettled([ctx.localServer.stop(), ctx.lsp.stop()]);
}
