// Every prompt the extension shows goes through here, so that the end-to-end tests can answer them (see testApi.ts):
// when the scripted-answer queue holds something, the next prompt takes it instead of showing UI. In normal use the
// queue is empty and these are the plain VS Code prompts.
import * as vscode from 'vscode';

/** A scripted answer: text for an input box, a label (or labels) for a quick pick, a button title for a message. */
export type ScriptedAnswer = string | string[] | { cancel: true };

export class Prompts {
  private readonly queue: ScriptedAnswer[] = [];
  /** Titles of the prompts answered from the queue, newest last (for test diagnostics). */
  readonly answered: string[] = [];

  script(...answers: ScriptedAnswer[]): void {
    this.queue.push(...answers);
  }
  pending(): number {
    return this.queue.length;
  }
  clear(): void {
    this.queue.length = 0;
  }

  private take(title: string): ScriptedAnswer | undefined {
    if (!this.queue.length) return undefined;
    this.answered.push(title);
    return this.queue.shift();
  }

  async input(opts: vscode.InputBoxOptions & { title: string }): Promise<string | undefined> {
    const a = this.take(opts.title);
    if (a === undefined) return vscode.window.showInputBox({ ignoreFocusOut: true, ...opts });
    if (typeof a !== 'string') return undefined;
    const problem = await opts.validateInput?.(a);
    const message = typeof problem === 'string' ? problem : problem?.message;
    if (message) throw new Error(`scripted answer for "${opts.title}" rejected: ${message}`);
    return a;
  }

  async pick<T extends vscode.QuickPickItem>(
    items: readonly T[],
    opts: vscode.QuickPickOptions & { title: string },
  ): Promise<T | undefined> {
    const a = this.take(opts.title);
    if (a === undefined) return vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts });
    if (typeof a !== 'string') return undefined;
    const found = items.find((i) => i.label === a || i.label.replace(/^\$\([^)]+\)\s*/, '') === a);
    if (!found) throw new Error(`scripted answer "${a}" is not an item of "${opts.title}"`);
    return found;
  }

  async pickMany<T extends vscode.QuickPickItem>(
    items: readonly T[],
    opts: vscode.QuickPickOptions & { title: string },
  ): Promise<T[] | undefined> {
    const a = this.take(opts.title);
    if (a === undefined)
      return vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts, canPickMany: true });
    if (typeof a === 'object' && !Array.isArray(a)) return undefined;
    const labels = Array.isArray(a) ? a : [a];
    return labels.map((l) => {
      const found = items.find((i) => i.label === l);
      if (!found) throw new Error(`scripted answer "${l}" is not an item of "${opts.title}"`);
      return found;
    });
  }

  /** A modal question; returns the chosen button title or undefined (cancelled). */
  async modal(message: string, detail: string, ...buttons: string[]): Promise<string | undefined> {
    const a = this.take(message);
    if (a === undefined) return vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
    if (typeof a !== 'string') return undefined;
    if (!buttons.includes(a)) throw new Error(`scripted answer "${a}" is not a button of "${message}"`);
    return a;
  }

  /** A modal information message (e.g. the key shown once). */
  async modalInfo(message: string, detail: string, ...buttons: string[]): Promise<string | undefined> {
    const a = this.take(message);
    if (a === undefined) return vscode.window.showInformationMessage(message, { modal: true, detail }, ...buttons);
    if (typeof a !== 'string') return undefined;
    if (!buttons.includes(a)) throw new Error(`scripted answer "${a}" is not a button of "${message}"`);
    return a;
  }

  /** A non-modal notification with optional buttons. Not scripted: tests read notifications, they never wait on them. */
  info(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return vscode.window.showInformationMessage(message, ...buttons);
  }
  warn(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return vscode.window.showWarningMessage(message, ...buttons);
  }
  error(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return vscode.window.showErrorMessage(message, ...buttons);
  }
}
