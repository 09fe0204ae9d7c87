// Extension-host tests of issue 15's editor features, registered by index.ts where they run (signed in, the
// credential added, before Sign Out): Edit Code Node (a JavaScript file per node, save back as one undoable edit, the golden
// escaping, diagnostics mirrored, TypeScript IntelliSense from the generated declarations), the `flero`
// authentication provider, the language status items and the workflow graph. A Code node's view is a real file in
// the extension's storage (codeNodes/codeFiles.ts says why).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { assert, type E2eConfig, pending, poll, test } from './harness';

interface SessionInfo {
  id: string;
  label: string;
  scopes: readonly string[];
}
interface Item {
  text: string;
  detail: string;
  severity: number;
  command?: string;
}
export interface EditorApi {
  script(...answers: (string | string[] | { cancel: true })[]): void;
  notifications(): readonly { level: string; message: string; buttons: string[] }[];
  connection(): { state: string; url?: string; me?: { id: string; name: string; scopes: string[] } };
  authSessions(scopes?: string[]): Promise<SessionInfo[]>;
  createAuthSession(scopes: string[]): Promise<SessionInfo | { error: string }>;
  removeAuthSession(id: string): Promise<void>;
  languageStatus(): Record<'connection' | 'lint', Item>;
  graphDrawn(uri: string): string[] | undefined;
  codeDiagnostics(
    uri: string,
  ): { code: string; message: string; line: number; character: number; endCharacter: number }[];
}

export interface EditorDeps {
  api(): EditorApi;
  cfg(): E2eConfig;
  ownerKey(): string;
  createKeyViaApi(name: string, scopes: string[], expiresIn: string): Promise<{ id: string; key: string }>;
}

const FILE = 'editor.flero.json';
/** Lines of the JavaScript view before the code (client/src/codeNodes/model.ts HEADER_LINES). */
const HEADER_LINES = 6;

function workflow(upstreamUrl: string, code: string): string {
  const wf = {
    id: 'wf_e2e_editor',
    name: 'E2E editor',
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'forecast', type: 'http', method: 'GET', url: `${upstreamUrl}/forecast` },
      { id: 'shape', type: 'code', code },
    ],
    connections: [
      { from: 'start', to: 'forecast' },
      { from: 'forecast', to: 'shape' },
    ],
  };
  return `${JSON.stringify(wf, null, 2)}\n`;
}

/** The code between a JavaScript view's header and its closing brace (the view ends "…\n}\n"). */
function viewBody(doc: vscode.TextDocument): string {
  return doc.getText().split('\n').slice(HEADER_LINES, -2).join('\n');
}

/**
 * Waits until a view is in step with its workflow: its body is the workflow's code for that node, for a moment. The extension refreshes a view from the workflow after an edit there (an undo, a redo, a save);
 * an edit of the view made while such a refresh is under way is merged with it, which no user's keystroke meets (the
 * refresh goes through the editor and is refused when the document changed) but a programmatic edit can.
 */
async function settled(doc: vscode.TextDocument): Promise<void> {
  const src = JSON.parse(readFileSync(join(dirname(doc.uri.fsPath), 'source.json'), 'utf8')) as {
    workflow: string;
    nodeId: string;
  };
  const workflowCode = () => {
    const wf = vscode.workspace.textDocuments.find((d) => d.uri.toString() === src.workflow);
    const text = wf ? wf.getText() : readFileSync(vscode.Uri.parse(src.workflow).fsPath, 'utf8');
    return (JSON.parse(text) as { nodes: { id: string; code?: string }[] }).nodes.find((n) => n.id === src.nodeId)
      ?.code;
  };
  const inStep = () => viewBody(doc) === workflowCode();
  await poll(
    'the JavaScript view to be in step with its workflow',
    async () => {
      if (!inStep()) return undefined;
      await new Promise((r) => setTimeout(r, 300));
      return inStep() ? true : undefined;
    },
    15_000,
  );
}

/** Replaces the function body of a JavaScript view (the lines between the header and the closing `}`) and saves it. */
async function saveBody(doc: vscode.TextDocument, code: string): Promise<void> {
  // The extension may be refreshing the view from the workflow this moment (a version race refuses the edit, or it
  // would be merged with the refresh): settle first, then edit, and check the view holds exactly the new code.
  let applied = false;
  for (let i = 0; i < 10 && !applied; i++) {
    if (i) await new Promise((r) => setTimeout(r, 300));
    await settled(doc);
    const last = doc.lineCount - 3;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(HEADER_LINES, 0, last, doc.lineAt(last).text.length), code);
    applied = (await vscode.workspace.applyEdit(edit)) && viewBody(doc) === code;
  }
  assert(applied, `the edit of the JavaScript view was not applied: it holds ${JSON.stringify(viewBody(doc))}`);
  await saveNow(doc, 'the JavaScript view');
}

/**
 * Saves a document by hand. Another save may come first or be under way: VS Code for the web (code-server) auto-saves
 * after a delay by default, and the extension saves a view it has just refreshed from the workflow (which then holds
 * the edit made meanwhile too). `save()` answers false then — nothing left to save, or "refusing to save()
 * recursively" while the other save writes — so wait for the document to be saved, and check the file holds the text.
 * Returns whether this call did the save.
 */
async function saveNow(doc: vscode.TextDocument, what: string): Promise<boolean> {
  if (await doc.save()) return true;
  await poll(
    `${what} to be saved (by the save under way)`,
    async () => (!doc.isDirty || (await doc.save()) ? true : undefined),
    10_000,
  );
  assert(readFileSync(doc.uri.fsPath, 'utf8') === doc.getText(), `saving ${what} failed (the file differs)`);
  return false;
}

/**
 * code-server is VS Code for the web with a Node extension host. The TypeScript extension decides it runs in a
 * browser when `"navigator" in globalThis` and the UI is the web one — true on Node >= 21, which defines `navigator` —
 * and then starts only its syntax server (no completion from types, no checking), whatever the document. Desktop VS
 * Code is not affected (its UI kind is Desktop). So that this suite sees what a desktop user gets, the extension host's
 * `navigator` is removed and the TypeScript server restarted (it re-reads its capabilities when it starts).
 */
async function desktopTypeScript(): Promise<void> {
  if (!('navigator' in globalThis) || vscode.env.uiKind !== vscode.UIKind.Web) return;
  assert(Reflect.deleteProperty(globalThis, 'navigator'), 'cannot remove navigator from the extension host');
  // Before the TypeScript extension starts (it starts with the first JavaScript document); a restart is the fallback.
  if (vscode.extensions.getExtension('vscode.typescript-language-features')?.isActive)
    await vscode.commands.executeCommand('typescript.restartTsServer');
}

export function editorTests(deps: EditorDeps): void {
  const state: { jsUri?: vscode.Uri; file?: string } = {};

  test('Edit Code Node opens the code as JavaScript; saving writes it back with JSON escaping (golden), as one undoable edit', async () => {
    const cfg = deps.cfg();
    const a = deps.api();
    await desktopTypeScript();
    const file = join(cfg.workspace, FILE);
    state.file = file;
    writeFileSync(file, workflow(cfg.upstreamUrl, 'return 1;'));
    const wfDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(wfDoc);
    const opened = (await vscode.commands.executeCommand('flero.editCodeNode', {
      uri: wfDoc.uri.toString(),
      nodeId: 'shape',
    })) as string | undefined;
    assert(opened?.startsWith('file:'), `editCodeNode returned ${opened}`);
    const js = await poll('the JavaScript editor', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.toString() === opened ? e.document : undefined;
    });
    state.jsUri = js.uri;
    assert(js.languageId === 'javascript', `language ${js.languageId}`);
    assert(/\/code-nodes\/[0-9a-f]{16}\/shape\/shape\.js$/.test(js.uri.path), `path ${js.uri.path}`);
    for (const f of ['flero.d.ts', 'jsconfig.json', 'source.json'])
      assert(existsSync(join(dirname(js.uri.fsPath), f)), `no ${f} beside the view`);
    const lines = js.getText().split('\n');
    assert(
      lines[HEADER_LINES - 1] === 'export default async function ($input, $node) {',
      `header: ${lines.slice(0, 6).join(' / ')}`,
    );
    assert(lines[HEADER_LINES] === 'return 1;', `body: ${lines[HEADER_LINES]}`);

    // Breaking the function around the code is refused, and the workflow stays as it was.
    const closing = js.lineCount - 2;
    const broken = new vscode.WorkspaceEdit();
    broken.delete(js.uri, new vscode.Range(closing, 0, closing, 1));
    assert(await vscode.workspace.applyEdit(broken), 'could not edit the view');
    const seen = a.notifications().length;
    const byHand = await saveNow(js, 'the view');
    const refusalText = /Not written back into editor\.flero\.json: Keep the closing "\}"/;
    // The refusal stays on the view as an error until a save is written back; a save by hand also notifies (an
    // auto-save, which may have come first, does not pop up a notification at every pause).
    const refusal = await poll('the refusal to write a broken view back, shown on the view', () =>
      a.codeDiagnostics(js.uri.toString()).find((d) => d.code === 'not-written-back' && refusalText.test(d.message)),
    );
    assert(refusal.line === 0, `the refusal is on line ${refusal.line}`);
    if (byHand) {
      await poll('the notification of the refusal', () =>
        a
          .notifications()
          .slice(seen)
          .find((n) => n.level === 'error' && refusalText.test(n.message)),
      );
    }
    assert(JSON.parse(readFileSync(file, 'utf8')).nodes[2].code === 'return 1;', 'the refused save changed the file');
    const fix = new vscode.WorkspaceEdit();
    fix.insert(js.uri, new vscode.Position(closing, 0), '}');
    assert(await vscode.workspace.applyEdit(fix), 'could not restore the brace');

    const code = [
      'const q = "say \\"hi\\"";',
      "const path = 'C:\\\\temp';",
      '\tconsole.log(`ünïcödé 🎉 ${q}`);',
      'const html = "<script>x</script>";',
      'return { q, path, html };',
    ].join('\n');
    await saveBody(js, code);
    const golden =
      String.raw`"code": "const q = \"say \\\"hi\\\"\";\nconst path = 'C:\\\\temp';\n\tconsole.log(` +
      '`ünïcödé 🎉 ${q}`' +
      String.raw`);\nconst html = \"<script>x</script>\";\nreturn { q, path, html };"`;
    const onDisk = await poll('the workflow file saved with the new code', () => {
      const t = readFileSync(file, 'utf8');
      return t.includes('<script>x</script>') ? t : undefined;
    });
    assert(
      onDisk.includes(golden),
      `the file holds: ${onDisk.slice(onDisk.indexOf('"code"'), onDisk.indexOf('"code"') + 200)}`,
    );
    assert(JSON.parse(onDisk).nodes[2].code === code, 'the saved JSON does not parse back to the code');
    await poll('the refusal to leave the view once a save is written back', () =>
      a.codeDiagnostics(js.uri.toString()).some((d) => d.code === 'not-written-back') ? undefined : true,
    );
    await poll('the workflow document saved (not dirty)', () => (wfDoc.isDirty ? undefined : true), 10_000);

    // One undo in the workflow editor restores the old code; the JavaScript view follows.
    await vscode.window.showTextDocument(wfDoc);
    await vscode.commands.executeCommand('undo');
    assert(JSON.parse(wfDoc.getText()).nodes[2].code === 'return 1;', 'one undo did not restore the old code');
    await poll('the JavaScript view to follow the undo', () =>
      js.getText().includes('\nreturn 1;\n}') && !js.isDirty ? true : undefined,
    );
    await vscode.commands.executeCommand('redo');
    assert(JSON.parse(wfDoc.getText()).nodes[2].code === code, 'redo did not bring the new code back');
    await wfDoc.save();
  });

  test('a log-leak in the Code node is underlined in the JavaScript editor at the logged expression', async () => {
    const a = deps.api();
    if (!state.jsUri) pending('needs the JavaScript editor');
    const js = await vscode.workspace.openTextDocument(state.jsUri);
    await vscode.window.showTextDocument(js);
    await saveBody(js, "const res = $node.forecast;\nconsole.log('key:', res.headers['x-api-key']);\nreturn {};");
    const leak = await poll(
      'the log-leak diagnostic on the JavaScript view',
      () => a.codeDiagnostics(state.jsUri!.toString()).find((d) => d.code === 'log-leak'),
      30_000,
    ).catch((e: Error) => {
      // What the user would see, to tell a lost write-back from a missing diagnostic.
      const onDisk = state.file ? JSON.parse(readFileSync(state.file, 'utf8')).nodes[2].code : '?';
      const diags = a.codeDiagnostics(state.jsUri!.toString()).map((d) => d.code);
      throw new Error(
        `${e.message}; the view (dirty ${js.isDirty}) holds ${JSON.stringify(js.getText().split('\n').slice(HEADER_LINES, -2))}, the workflow's code is ${JSON.stringify(onDisk)}, the view's diagnostics: ${diags.join(', ') || 'none'}`,
      );
    });
    assert(leak.line === HEADER_LINES + 1, `log-leak on line ${leak.line}, expected ${HEADER_LINES + 1}`);
    const shown = vscode.languages.getDiagnostics(state.jsUri).find((d) => String(d.code) === 'log-leak');
    assert(shown?.source === 'flero', 'VS Code does not show the log-leak on the JavaScript document');
    const text = js.lineAt(leak.line).text.slice(leak.character, leak.endCharacter);
    assert(/res\.headers\['x-api-key'\]|console\.log/.test(text), `the range covers "${text}"`);
  });

  test('the language status on a workflow file names the server and key, the credentials the checks know, the lint result', async () => {
    const a = deps.api();
    if (a.connection().state !== 'connected') pending('needs the signed-in connection');
    if (!state.file) pending('needs the editor workflow');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(state.file)));
    const s = await poll('the language status items', () => {
      const ls = a.languageStatus();
      return ls.connection.text.includes(a.connection().me?.name ?? '?') && /warning/.test(ls.lint.detail)
        ? ls
        : undefined;
    });
    assert(/Flero: /.test(s.connection.text), `connection item: ${s.connection.text}`);
    assert(/\d+ credentials? known to the checks/.test(s.connection.detail), `detail: ${s.connection.detail}`);
    assert(
      s.connection.detail.includes(a.connection().url ?? '?'),
      `detail lacks the server URL: ${s.connection.detail}`,
    );
    assert(s.connection.command === 'flero.credentials.focus', `command ${s.connection.command}`);
    assert(s.lint.command === 'workbench.actions.view.problems', `lint command ${s.lint.command}`);
  });

  test('a syntax error in the Code node is shown in the JavaScript editor on its line (code-syntax), and clears when fixed', async () => {
    const a = deps.api();
    if (!state.jsUri) pending('needs the JavaScript editor');
    const js = await vscode.workspace.openTextDocument(state.jsUri);
    await vscode.window.showTextDocument(js);
    await saveBody(js, 'const a = 1;\nconst b = ;\nreturn { a };');
    const syntax = await poll(
      'the code-syntax diagnostic on the JavaScript view',
      () => a.codeDiagnostics(state.jsUri!.toString()).find((d) => d.code === 'code-syntax'),
      30_000,
    );
    assert(syntax.line === HEADER_LINES + 1, `code-syntax on line ${syntax.line}, expected ${HEADER_LINES + 1}`);
    await saveBody(js, 'const a = 1;\nconst b = 2;\nreturn { a, b };');
    await poll(
      'the code-syntax diagnostic to clear',
      () => (a.codeDiagnostics(state.jsUri!.toString()).some((d) => d.code === 'code-syntax') ? undefined : true),
      30_000,
    );
  });

  test('Show Workflow Graph: the webview draws the nodes (credential named, never its value); after a run each node says it succeeded', async () => {
    const a = deps.api();
    const cfg = deps.cfg();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(cfg.workspace, 'digest.flero.json')));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('flero.showWorkflowGraph', doc.uri);
    const uri = doc.uri.toString();
    const drawn = await poll('the graph webview to draw the nodes', () => {
      const l = a.graphDrawn(uri);
      return l && l.length === 3 ? l : undefined;
    });
    assert(/^start \(trigger\)/.test(drawn[0]!) && /^shape \(code\)/.test(drawn[2]!), drawn.join(' | '));
    // Named from the window's credential metadata (Add Credential names it after the service and id), so not "not
    // known here", and the id said once.
    assert(
      /^forecast \(http\) — .*credential Generic HTTP service \(cred_e2e_upstream\)$/.test(drawn[1]!),
      `forecast: ${drawn[1]}`,
    );
    assert(!JSON.stringify(drawn).includes(cfg.canary), 'the graph holds the credential value');
    await vscode.commands.executeCommand('flero.runWorkflow', { uri });
    const after = await poll(
      'every node to show the run status',
      () => {
        const l = a.graphDrawn(uri);
        return l?.length === 3 && l.every((x) => / — succeeded/.test(x)) ? l : undefined;
      },
      30_000,
    );
    assert(
      after.every((x) => /succeeded in [\d.]+ (ms|s)/.test(x)),
      after.join(' | '),
    );
    // Showing it again reveals the same panel: still one drawing for this file.
    await vscode.commands.executeCommand('flero.showWorkflowGraph', doc.uri);
    assert(a.graphDrawn(uri)?.length === 3, 'a second panel replaced the first');
    // It follows an edit (not saved): a node added to the file appears, and goes again when the edit is undone.
    const at = doc.getText().indexOf('"nodes"');
    const open = doc.getText().indexOf('[', at) + 1;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(open), ' { "id": "added_live", "type": "trigger" },');
    assert(await vscode.workspace.applyEdit(edit), 'could not edit the workflow');
    const live = await poll('the graph to follow the edit', () => {
      const l = a.graphDrawn(uri);
      return l?.length === 4 ? l : undefined;
    });
    assert(
      live.some((x) => /^added_live \(trigger\) — not run yet/.test(x)),
      live.join(' | '),
    );
    const undo = new vscode.WorkspaceEdit();
    undo.delete(
      doc.uri,
      new vscode.Range(
        doc.positionAt(open),
        doc.positionAt(open + ' { "id": "added_live", "type": "trigger" },'.length),
      ),
    );
    assert(await vscode.workspace.applyEdit(undo), 'could not undo the edit');
    await poll('the graph to drop the node again', () => (a.graphDrawn(uri)?.length === 3 ? true : undefined));
    await doc.save();
  });

  test('TypeScript IntelliSense in the JavaScript editor: $node lists the upstream nodes, their types come from the declarations', async () => {
    if (!state.jsUri) pending('needs the JavaScript editor');
    const js = await vscode.workspace.openTextDocument(state.jsUri);
    await vscode.window.showTextDocument(js);
    await saveBody(js, 'const s = $node.forecast.status;\nreturn { s, n: $node.nope };');
    const at = new vscode.Position(HEADER_LINES, 'const s = $node.'.length);
    const labels = await poll(
      'completions after $node.',
      async () => {
        const list = (await vscode.commands.executeCommand(
          'vscode.executeCompletionItemProvider',
          js.uri,
          at,
        )) as vscode.CompletionList;
        const l = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        return l.includes('forecast') ? l : undefined;
      },
      90_000,
    );
    assert(labels.includes('start'), `no "start" among ${labels.slice(0, 20).join(', ')}`);
    assert(!labels.includes('shape'), 'the node itself is offered in $node');
    const typed = await poll(
      'the TypeScript checker to flag $node.nope',
      () =>
        vscode.languages
          .getDiagnostics(js.uri)
          .find((d) => d.source === 'ts' && /Property 'nope' does not exist/.test(d.message)),
      60_000,
    );
    assert(typed.range.start.line === HEADER_LINES + 1, `the TypeScript error is on line ${typed.range.start.line}`);
    const hover = (await vscode.commands.executeCommand(
      'vscode.executeHoverProvider',
      js.uri,
      new vscode.Position(HEADER_LINES, 'const s = $node.forecast.sta'.length),
    )) as vscode.Hover[];
    const hoverText = hover.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert(/status: number/.test(hoverText), `hover on .status says: ${hoverText.slice(0, 200)}`);
  });

  test('the flero authentication provider: the signed-in key is the session; scopes it lacks are refused by name', async () => {
    const a = deps.api();
    const c = a.connection();
    if (c.state !== 'connected' || !c.me) pending('needs the signed-in connection');
    const sessions = await a.authSessions();
    assert(sessions.length === 1, `sessions: ${JSON.stringify(sessions)}`);
    assert(sessions[0]!.label.startsWith(`${c.me.name} (`), `label ${sessions[0]!.label}`);
    assert(sessions[0]!.scopes.join() === c.me.scopes.join(), 'the session scopes are not the key scopes');
    const narrow = await deps.createKeyViaApi('ext-narrow', ['workflows:read'], '1d');
    const bad = await a.createAuthSession(['bogus:scope']);
    assert('error' in bad && /Not a Flero scope: "bogus:scope"/.test(bad.error), JSON.stringify(bad));
    a.script(narrow.key);
    const refused = await a.createAuthSession(['audit:read']);
    assert('error' in refused && /lacks the scope "audit:read"/.test(refused.error), JSON.stringify(refused));
    assert(a.connection().me?.id === c.me.id, 'a refused key replaced the signed-in one');
    if (!c.me.scopes.includes('audit:read')) {
      assert((await a.authSessions(['audit:read'])).length === 0, 'a session was given for a scope the key lacks');
    }
    a.script(deps.ownerKey());
    const owner = await a.createAuthSession(['audit:read', 'executions:write']);
    assert(!('error' in owner) && owner.scopes.includes('audit:read'), JSON.stringify(owner));
    assert((await a.authSessions(['audit:read'])).length === 1, 'no session for audit:read with the owner key');
    await a.removeAuthSession((owner as SessionInfo).id);
    await poll('signed out through the provider', () => (a.connection().state === 'signedOut' ? true : undefined));
    assert((await a.authSessions()).length === 0, 'a session is left after removeSession');
    a.script(deps.ownerKey());
    assert((await vscode.commands.executeCommand('flero.signIn')) === true, 'signing in again failed');
    await poll('signed in again', () => (a.connection().state === 'connected' ? true : undefined));
  });
}
