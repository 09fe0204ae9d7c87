// Code nodes edited as JavaScript files. Each node gets a folder in the extension's global storage
// (`code-nodes/<workflow hash>/<node id>/`): the view `<node id>.js` (model.ts), `flero.d.ts` (its `$input`, `$node`
// and console), `jsconfig.json` (checkJs, ES2022 only) and `source.json` (which workflow and node it is).
//
// Why real files and not a `flero-code:` file system provider: VS Code's TypeScript service gives completion, hover
// and type checking only to `file:` and `untitled:` documents (typescript-language-features, fileSchemes.ts); a
// document of any other scheme goes to its syntax-only server, which answers "No content available" (seen in the e2e
// suite's TypeScript log). Real files get the whole TypeScript service, and the node's folder is its own project.
//
// Saving the view writes the function's body back into the workflow's JSON string (JSON.stringify escaping) as ONE edit
// of the workflow document — undoable there — and saves the workflow when it had no other unsaved changes. Edits of the
// workflow flow back into a view that has no unsaved changes. The language server's diagnostics inside the node's code
// are mirrored onto the view at the mapped positions. A save that cannot be written back (the function's first line or
// closing brace broken) leaves an error on the view's first line until a save succeeds; a notification says so too
// when the user saved by hand — not on every auto-save (VS Code for the web saves after a delay by default), which
// would pop one up at each pause while typing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import {
  codeFromView,
  codeLiteral,
  declarations,
  findCodeNode,
  JSCONFIG,
  javascriptView,
  parseWorkflow,
  upstreamNodes,
  viewPosition,
} from './model';

interface Source {
  workflow: string;
  nodeId: string;
}

function writeIfChanged(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  writeFileSync(path, text);
}

export class CodeNodeFiles implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('flero-code');
  /** Workflow URI → the views (file paths) opened from it. */
  private readonly tracked = new Map<string, Set<string>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** View path → why its last save was not written back (shown on the view until a save is). */
  private readonly refusals = new Map<string, string>();
  /**
   * View path → the text the view last had from us or was saved with. A refresh from the workflow replaces the view
   * only while it still holds exactly that (`isDirty` can lag behind an edit just made), so it never drops an edit.
   */
  private readonly synced = new Map<string, string>();
  /** View paths whose save in progress was asked for by hand (onWillSaveTextDocument's reason). */
  private readonly manualSaves = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly root: string,
    private readonly log: vscode.LogOutputChannel,
    /** Shows an error to the user (the Ctx's prompts, so the test build sees it too). */
    private readonly showError: (message: string) => void,
  ) {
    this.subscriptions = [
      this.diagnostics,
      vscode.workspace.onWillSaveTextDocument((e) => {
        if (e.reason === vscode.TextDocumentSaveReason.Manual) this.manualSaves.add(e.document.uri.fsPath);
        else this.manualSaves.delete(e.document.uri.fsPath);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => void this.saved(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.workflowChanged(e.document)),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (this.track(d.uri) && !this.synced.has(d.uri.fsPath)) this.synced.set(d.uri.fsPath, d.getText());
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        for (const u of e.uris) if (this.tracked.has(u.toString())) this.mirror(u);
      }),
    ];
    for (const d of vscode.workspace.textDocuments) if (this.track(d.uri)) this.synced.set(d.uri.fsPath, d.getText());
  }

  /** The view's folder for a node of a workflow. */
  private folder(workflow: vscode.Uri, nodeId: string): string {
    const h = createHash('sha256').update(workflow.toString()).digest('hex').slice(0, 16);
    return join(this.root, h, nodeId);
  }

  /** The workflow and node a file under our folder is the view of. */
  private source(uri: vscode.Uri): Source | undefined {
    if (uri.scheme !== 'file' || !uri.fsPath.endsWith('.js')) return undefined;
    const rel = relative(this.root, uri.fsPath);
    if (rel.startsWith('..') || rel.split(sep).length !== 3) return undefined;
    try {
      return JSON.parse(readFileSync(join(dirname(uri.fsPath), 'source.json'), 'utf8')) as Source;
    } catch {
      return undefined;
    }
  }

  /** Remembers a view of ours (false: not one). */
  private track(uri: vscode.Uri): boolean {
    const src = this.source(uri);
    if (!src) return false;
    if (!this.tracked.has(src.workflow)) this.tracked.set(src.workflow, new Set());
    this.tracked.get(src.workflow)!.add(uri.fsPath);
    return true;
  }

  /** Writes the node's folder (view, declarations, project) and returns the view's URI. */
  prepare(workflow: vscode.TextDocument, nodeId: string): vscode.Uri {
    const text = workflow.getText();
    const node = findCodeNode(text, nodeId);
    if (!node)
      throw new Error(
        `There is no Code node "${nodeId}" with a "code" string in ${vscode.workspace.asRelativePath(workflow.uri)}.`,
      );
    const dir = this.folder(workflow.uri, nodeId);
    mkdirSync(dir, { recursive: true });
    const workflowName = vscode.workspace.asRelativePath(workflow.uri);
    writeIfChanged(join(dir, 'jsconfig.json'), JSCONFIG);
    writeIfChanged(join(dir, 'flero.d.ts'), declarations(nodeId, upstreamNodes(text, nodeId), workflowName));
    writeIfChanged(join(dir, 'source.json'), `${JSON.stringify({ workflow: workflow.uri.toString(), nodeId })}\n`);
    const view = join(dir, `${nodeId}.js`);
    const want = javascriptView(node.code, { nodeId, workflowName });
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === view);
    const uri = vscode.Uri.file(view);
    if (!open) {
      writeIfChanged(view, want);
      this.synced.set(view, want);
    } else if (!open.isDirty && open.getText() === this.synced.get(view) && open.getText() !== want) {
      void this.refresh(open, want);
    }
    this.track(uri);
    setTimeout(() => this.mirror(workflow.uri), 0);
    return uri;
  }

  /**
   * Replaces an open view's text (no unsaved changes) with the workflow's code, and saves it. Through its editor when
   * it is shown: that edit is refused if the document changed since (a keystroke on its way), so nothing typed is lost.
   */
  private async refresh(open: vscode.TextDocument, want: string): Promise<void> {
    const range = new vscode.Range(0, 0, open.lineCount, 0);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === open);
    let ok: boolean;
    if (editor) ok = await editor.edit((b) => b.replace(range, want), { undoStopBefore: true, undoStopAfter: true });
    else {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(open.uri, range, want);
      ok = await vscode.workspace.applyEdit(edit);
    }
    this.log.trace(
      `Refreshed a Code node view from its workflow (${editor ? 'its editor' : 'a workspace edit'}): ${ok}.`,
    );
    if (!ok || open.getText() !== want) return;
    this.synced.set(open.uri.fsPath, want);
    await open.save();
  }

  /** A view was saved: its body goes into the workflow as one edit. */
  private async saved(doc: vscode.TextDocument): Promise<void> {
    const src = this.source(doc.uri);
    if (!src) return;
    this.synced.set(doc.uri.fsPath, doc.getText());
    const workflowUri = vscode.Uri.parse(src.workflow, true);
    const where = vscode.workspace.asRelativePath(workflowUri);
    const byHand = this.manualSaves.delete(doc.uri.fsPath);
    const fail = (message: string) => {
      this.log.warn(message);
      this.refuse(doc.uri, message);
      if (byHand) this.showError(message);
    };
    let wf: vscode.TextDocument;
    try {
      wf = await vscode.workspace.openTextDocument(workflowUri);
    } catch {
      return fail(`Not written back: the workflow ${where} cannot be opened.`);
    }
    const node = findCodeNode(wf.getText(), src.nodeId);
    if (!node)
      return fail(`Not written back: ${where} has no Code node "${src.nodeId}" with a "code" string any more.`);
    const parsed = codeFromView(doc.getText());
    if ('error' in parsed) return fail(`Not written back into ${where}: ${parsed.error}`);
    this.refuse(doc.uri, undefined);
    if (parsed.code === node.code) {
      this.log.trace(`Saved the Code node "${src.nodeId}" view: the code is the one in ${where} already.`);
      return;
    }
    const wasDirty = wf.isDirty;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      wf.uri,
      new vscode.Range(wf.positionAt(node.start), wf.positionAt(node.end)),
      codeLiteral(parsed.code),
    );
    if (!(await vscode.workspace.applyEdit(edit)))
      return fail(`Could not write the Code node "${src.nodeId}" into ${where}.`);
    if (!wasDirty) await wf.save();
    this.log.info(`Wrote the Code node "${src.nodeId}" back into ${where}.`);
  }

  /** Sets (or with no message clears) the refusal shown on a view, and shows the view's diagnostics again. */
  private refuse(view: vscode.Uri, message: string | undefined): void {
    if (message === undefined ? !this.refusals.delete(view.fsPath) : this.refusals.get(view.fsPath) === message) return;
    if (message !== undefined) this.refusals.set(view.fsPath, message);
    const src = this.source(view);
    if (src) this.mirror(vscode.Uri.parse(src.workflow, true));
    else this.diagnostics.set(view, this.refusalDiagnostics(view.fsPath));
  }

  private refusalDiagnostics(view: string): vscode.Diagnostic[] {
    const message = this.refusals.get(view);
    if (message === undefined) return [];
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), message, vscode.DiagnosticSeverity.Error);
    d.source = 'flero';
    d.code = 'not-written-back';
    return [d];
  }

  /** The workflow changed: refresh its views' declarations, and their code where they have no unsaved changes. */
  private workflowChanged(doc: vscode.TextDocument): void {
    const k = doc.uri.toString();
    if (!this.tracked.has(k)) return;
    clearTimeout(this.timers.get(k));
    this.timers.set(
      k,
      setTimeout(() => {
        this.timers.delete(k);
        for (const view of this.tracked.get(k) ?? []) {
          const src = this.source(vscode.Uri.file(view));
          if (src && findCodeNode(doc.getText(), src.nodeId)) this.prepare(doc, src.nodeId);
        }
      }, 150),
    );
  }

  /** Copies the language server's diagnostics inside each view's code onto the view. */
  private mirror(workflow: vscode.Uri): void {
    const views = this.tracked.get(workflow.toString());
    const source = vscode.workspace.textDocuments.find((d) => d.uri.toString() === workflow.toString());
    if (!views?.size) return;
    if (!source) {
      for (const view of views) this.diagnostics.set(vscode.Uri.file(view), this.refusalDiagnostics(view));
      return;
    }
    const text = source.getText();
    const parsed = parseWorkflow(text);
    const all = vscode.languages.getDiagnostics(workflow).filter((d) => d.source === 'flero');
    for (const view of views) {
      const src = this.source(vscode.Uri.file(view));
      const node = src && findCodeNode(text, src.nodeId, parsed);
      const out: vscode.Diagnostic[] = [];
      for (const d of node ? all : []) {
        const s = source.offsetAt(d.range.start);
        const e = source.offsetAt(d.range.end);
        if (!node || s < node.start || e > node.end) continue;
        const a = viewPosition(parsed, node, s);
        const b = viewPosition(parsed, node, e);
        if (!a || !b) continue;
        const m = new vscode.Diagnostic(
          new vscode.Range(a.line, a.character, b.line, b.character),
          d.message,
          d.severity,
        );
        m.source = d.source;
        m.code = d.code;
        m.tags = d.tags;
        out.push(m);
      }
      this.diagnostics.set(vscode.Uri.file(view), [...this.refusalDiagnostics(view), ...out]);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.subscriptions) d.dispose();
  }
}
