// Every prompt the extension shows goes through the `Prompts` seam (Ctx.prompts). The shipped extension uses
// `VsCodePrompts`: the plain VS Code prompts. Only the test build (`node esbuild.mjs --test-build`, see
// testBuild/scriptedPrompts.ts) puts a scripted implementation behind it; the production bundle does not contain it.
import * as vscode from 'vscode';

export interface Prompts {
  input(opts: vscode.InputBoxOptions & { title: string }): Promise<string | undefined>;
  pick<T extends vscode.QuickPickItem>(
    items: readonly T[],
    opts: vscode.QuickPickOptions & { title: string },
  ): Promise<T | undefined>;
  pickMany<T extends vscode.QuickPickItem>(
    items: readonly T[],
    opts: vscode.QuickPickOptions & { title: string },
  ): Promise<T[] | undefined>;
  /** A modal question; returns the chosen button title or undefined (cancelled). */
  modal(message: string, detail: string, ...buttons: string[]): Promise<string | undefined>;
  /** A modal information message (e.g. the key shown once). */
  modalInfo(message: string, detail: string, ...buttons: string[]): Promise<string | undefined>;
  /** Non-modal notifications with optional buttons. */
  info(message: string, ...buttons: string[]): Thenable<string | undefined>;
  warn(message: string, ...buttons: string[]): Thenable<string | undefined>;
  error(message: string, ...buttons: string[]): Thenable<string | undefined>;
  /** Opens a URL in the user's browser (an OAuth2 consent page). */
  openExternal(url: string): Promise<boolean>;
}

export class VsCodePrompts implements Prompts {
  async input(opts: vscode.InputBoxOptions & { title: string }): Promise<string | undefined> {
    return vscode.window.showInputBox({ ignoreFocusOut: true, ...opts });
  }

  async pick<T extends vscode.QuickPickItem>(
    items: readonly T[],
    opts: vscode.QuickPickOptions & { title: string },
  ): Promise<T | undefined> {
    return vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts });
  }

  async pickMany<T extends vscode.QuickPickItem>(
    items: readonly T[],
    opts: vscode.QuickPickOptions & { title: string },
  ): Promise<T[] | undefined> {
    return vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts, canPickMany: true });
  }

  async modal(message: string, detail: string, ...buttons: string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  }

  async modalInfo(message: string, detail: string, ...buttons: string[]): Promise<string | undefined> {
    return vscode.window.showInformationMessage(message, { modal: true, detail }, ...buttons);
  }

  info(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return vscode.window.showInformationMessage(message, ...buttons);
  }
  warn(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return vscode.window.showWarningMessage(message, ...buttons);
  }
  error(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return vscode.window.showErrorMessage(message, ...buttons);
  }
  async openExternal(url: string): Promise<boolean> {
    return vscode.env.openExternal(vscode.Uri.parse(url));
  }
}
