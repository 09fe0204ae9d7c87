// TEST BUILD ONLY (`node esbuild.mjs --test-build`): the small API `activate` returns for the end-to-end tests
// (issue 6). extension.ts returns it only under `__FLERO_TEST_BUILD__`, so the production bundle neither contains nor
// returns it: there `activate` returns nothing. It exposes no secret: views' data are metadata, and the scripted
// answers only feed prompts.
//
//   const api = vscode.extensions.getExtension('flero.flero-vscode').exports as FleroTestApi;
//   api.script('CI deploy', ['executions:write', 'workflows:read'], 'All workflows', '30 days', 'Copy');
//   await vscode.commands.executeCommand('flero.generateApiKey');   // answers consumed in order
//   (await api.view('apiKeys')).map((n) => n.label);                 // → ['CI deploy', 'owner', …]
import type * as vscode from 'vscode';
import type { FleroAuthenticationProvider } from '../auth';
import { graphPanels } from '../graph/panel';
import type { FleroLanguageStatus } from '../languageStatus';
import type { Execution } from '../model/apiTypes';
import type { Connection, Ctx } from '../ctx';
import type { ViewNode } from '../model/tree';
import { VIEW_ROOTS, type ViewName } from '../views/index';
import type { ScriptedAnswer, ScriptedPrompts } from './scriptedPrompts';

export interface FleroTestApi {
  /** Queue answers for the next prompts: input text, quick-pick label(s), modal button title, or `{cancel:true}`. */
  script(...answers: ScriptedAnswer[]): void;
  /** Answers not consumed yet. */
  pendingAnswers(): number;
  /** Drops the answers not consumed (a prompt the server's behaviour made unnecessary). */
  clearAnswers(): void;
  /** Titles of the prompts that took scripted answers, oldest first. */
  answeredPrompts(): readonly string[];
  /** A view's tree, fully expanded, as data (ids, labels, descriptions, contextValues, icons). */
  view(name: ViewName): ViewNode[];
  connection(): Readonly<Connection>;
  localServer(): { state: string; url?: string };
  languageServer(): string;
  /** Re-check the connection and reload the views' data; resolves when done. */
  refresh(): Promise<void>;
  lastExecution(): Execution | undefined;
  /** The notifications shown so far (info/warn/error), oldest first. */
  notifications(): readonly { level: string; message: string; buttons: string[] }[];
  /** The URLs the extension asked to open in a browser (openExternal), oldest first; the test build opens none. */
  openedExternal(): readonly string[];
  /** The Flero status bar item's text and whether it has the warning background. */
  statusBar(): { text: string; tooltip: string; warning: boolean };
  /** The `flero` authentication provider's sessions for `scopes`, as VS Code gets them (never the access token). */
  authSessions(scopes?: string[]): Promise<SessionInfo[]>;
  /** The provider's createSession (the Accounts menu's sign-in): the session, or the error message it refused with. */
  createAuthSession(scopes: string[]): Promise<SessionInfo | { error: string }>;
  removeAuthSession(id: string): Promise<void>;
  /** The language status items on workflow files. */
  languageStatus(): Record<'connection' | 'lint', { text: string; detail: string; severity: number; command?: string }>;
  /** The Code-node diagnostics mirrored onto a Code node's JavaScript view (by URI). */
  /** The aria-labels of the nodes the workflow graph panel of `uri` drew last (undefined: no panel open). */
  graphDrawn(uri: string): string[] | undefined;
  codeDiagnostics(
    uri: string,
  ): { code: string; message: string; line: number; character: number; endCharacter: number }[];
}

export interface SessionInfo {
  id: string;
  label: string;
  scopes: readonly string[];
}

export interface TestApiParts {
  statusBar: vscode.StatusBarItem;
  auth: FleroAuthenticationProvider;
  languageStatus: FleroLanguageStatus;
}

const sessionInfo = (s: vscode.AuthenticationSession): SessionInfo => ({
  id: s.id,
  label: s.account.label,
  scopes: s.scopes,
});

function strip(nodes: ViewNode[]): ViewNode[] {
  return nodes.map(({ ref: _ref, children, ...rest }) => (children ? { ...rest, children: strip(children) } : rest));
}

/** `prompts` is the ScriptedPrompts the Ctx was made with. */
export function createTestApi(ctx: Ctx, prompts: ScriptedPrompts, parts: TestApiParts): FleroTestApi {
  const { statusBar, auth, languageStatus } = parts;
  const item = (i: vscode.LanguageStatusItem) => ({
    text: i.text,
    detail: i.detail ?? '',
    severity: i.severity,
    command: i.command?.command,
  });
  return {
    script: (...answers) => prompts.script(...answers),
    pendingAnswers: () => prompts.pending(),
    clearAnswers: () => prompts.clear(),
    answeredPrompts: () => [...prompts.answered],
    view: (name) => strip(VIEW_ROOTS[name](ctx)),
    connection: () => ({ ...ctx.connection }),
    localServer: () => ({ state: ctx.localServer.state, url: ctx.localServer.url }),
    languageServer: () => ctx.lsp.state,
    refresh: () => ctx.connect(),
    lastExecution: () => ctx.executions.last,
    notifications: () => prompts.shown.map((n) => ({ ...n, buttons: [...n.buttons] })),
    openedExternal: () => [...prompts.opened],
    statusBar: () => ({
      text: statusBar.text,
      tooltip: typeof statusBar.tooltip === 'string' ? statusBar.tooltip : '',
      warning: statusBar.backgroundColor !== undefined,
    }),
    authSessions: async (scopes) => (await auth.getSessions(scopes)).map(sessionInfo),
    createAuthSession: (scopes) => auth.createSession(scopes).then(sessionInfo, (e: Error) => ({ error: e.message })),
    removeAuthSession: (id) => auth.removeSession(id),
    languageStatus: () => ({ connection: item(languageStatus.connection), lint: item(languageStatus.lint) }),
    graphDrawn: (uri) => graphPanels(ctx).drawn(uri),
    codeDiagnostics: (uri) => {
      const found: vscode.Diagnostic[] = [];
      ctx.codeNodes.diagnostics.forEach((u, ds) => {
        if (u.toString() === uri) found.push(...ds);
      });
      return found.map((d) => ({
        code: String(d.code),
        message: d.message,
        line: d.range.start.line,
        character: d.range.start.character,
        endCharacter: d.range.end.character,
      }));
    },
  };
}
