// TEST BUILD ONLY (`node esbuild.mjs --test-build`): prompts the end-to-end tests can answer. When the scripted-answer
// queue holds something, the next prompt takes it instead of showing UI; with an empty queue these are the plain VS
// Code prompts. extension.ts creates this only under `__FLERO_TEST_BUILD__`, so the production bundle has none of it
// (test/unit/client-bundle.test.ts checks).
import type * as vscode from 'vscode';
import { type Prompts, VsCodePrompts } from '../ui';

/** A scripted answer: text for an input box, a label (or labels) for a quick pick, a button title for a message. */
export type ScriptedAnswer = string | string[] | { cancel: true };

export class ScriptedPrompts implements Prompts {
  private readonly real = new VsCodePrompts();
  private readonly queue: ScriptedAnswer[] = [];
  /** Titles of the prompts answered from the queue, newest last (for test diagnostics). */
  readonly answered: string[] = [];
  /** Notifications shown (info/warn/error), oldest first: their messages and buttons, never a secret. */
  readonly shown: { level: 'info' | 'warn' | 'error'; message: string; buttons: string[] }[] = [];
  /** URLs given to openExternal, oldest first (OAuth2 consent pages: a one-use state, never a secret). */
  readonly opened: string[] = [];

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
    if (a === undefined) return this.real.input(opts);
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
    if (a === undefined) return this.real.pick(items, opts);
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
    if (a === undefined) return this.real.pickMany(items, opts);
    if (typeof a === 'object' && !Array.isArray(a)) return undefined;
    const labels = Array.isArray(a) ? a : [a];
    return labels.map((l) => {
      const found = items.find((i) => i.label === l);
      if (!found) throw new Error(`scripted answer "${l}" is not an item of "${opts.title}"`);
      return found;
    });
  }

  async modal(message: string, detail: string, ...buttons: string[]): Promise<string | undefined> {
    const a = this.take(message);
    if (a === undefined) return this.real.modal(message, detail, ...buttons);
    if (typeof a !== 'string') return undefined;
    if (!buttons.includes(a)) throw new Error(`scripted answer "${a}" is not a button of "${message}"`);
    return a;
  }

  async modalInfo(message: string, detail: string, ...buttons: string[]): Promise<string | undefined> {
    const a = this.take(message);
    if (a === undefined) return this.real.modalInfo(message, detail, ...buttons);
    if (typeof a !== 'string') return undefined;
    if (!buttons.includes(a)) throw new Error(`scripted answer "${a}" is not a button of "${message}"`);
    return a;
  }

  /** Not scripted: tests read notifications (recorded in `shown`), they never wait on them. */
  info(message: string, ...buttons: string[]): Thenable<string | undefined> {
    this.shown.push({ level: 'info', message, buttons });
    return this.real.info(message, ...buttons);
  }
  warn(message: string, ...buttons: string[]): Thenable<string | undefined> {
    this.shown.push({ level: 'warn', message, buttons });
    return this.real.warn(message, ...buttons);
  }
  error(message: string, ...buttons: string[]): Thenable<string | undefined> {
    this.shown.push({ level: 'error', message, buttons });
    return this.real.error(message, ...buttons);
  }

  /** Recorded, not opened: the e2e runs have no provider page to consent at and no browser to open it in. */
  async openExternal(url: string): Promise<boolean> {
    this.opened.push(url);
    return true;
  }
}
