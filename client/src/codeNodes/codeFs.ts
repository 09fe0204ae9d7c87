// `flero-code:` — each Code node's source as a JavaScript file (model.ts builds the view). Reading serves the node's
// code from the workflow document as VS Code holds it (unsaved changes included); saving writes the body back into
// the JSON string as ONE edit of the workflow file (undoable there), saved when the workflow had no other unsaved
// changes. A generated declaration file per node (in the extension's global storage, read by VS Code's TypeScript
// service through the view's JSDoc `import()` types) types `$input` and `$node`. The language server's diagnostics
// inside the code string are mirrored onto the JavaScript document at the mapped positions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  type CodeNodeLocation,
  codeFromView,
  codeLiteral,
  declarations,
  findCodeNode,
  javascriptView,
  parseWorkflow,
  upstreamNodes,
  viewPosition,
} from './model';

export const CODE_SCHEME = 'flero-code';

/** `flero-code:/<workspace-relative workflow path>/<node id>.js?<workflow URI>`. */
export function codeUri(workflow: vscode.Uri, nodeId: string): vscode.Uri {
  const rel = vscode.workspace.asRelativePath(workflow, false).replace(/\\/g, '/');
  return vscode.Uri.from({ scheme: CODE_SCHEME, path: `/${rel}/${nodeId}.js`, query: workflow.toString() });
}

export function parseCodeUri(uri: vscode.Uri): { workflow: vscode.Uri; nodeId: string } {
  const m = /\/([A-Za-z_][A-Za-z0-9_]*)\.js$/.exec(uri.path);
  if (uri.scheme !== CODE_SCHEME || !m || !uri.query) throw vscode.FileSystemError.FileNotFound(uri);
  return { workflow: vscode.Uri.parse(uri.query, true), nodeId: m[1]! };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class CodeNodeFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('flero-code');
  /** Workflow URI → the code URIs read from it (open JavaScript views). */
  private readonly tracked = new Map<string, Map<string, vscode.Uri>>();
  /** Workflow URI → when its text last changed (the views' mtime). */
  private readonly mtimes = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private writing: string | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly typesDir: string) {
    this.subscriptions = [
      this.changed,
      this.diagnostics,
      vscode.workspace.onDidChangeTextDocument((e) => this.workflowChanged(e.document.uri)),
      vscode.languages.onDidChangeDiagnostics((e) => {
        for (const u of e.uris) if (this.tracked.has(u.toString())) this.mirrorDiagnostics(u);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme !== CODE_SCHEME) return;
        const { workflow } = parseCodeUri(d.uri);
        this.tracked.get(workflow.toString())?.delete(d.uri.toString());
        this.diagnostics.delete(d.uri);
      }),
    ];
  }

  watch(): vscode.Disposable {
    // Changes are announced for every view read (tracked), whatever VS Code watches.
    return new vscode.Disposable(() => undefined);
  }

  private async locate(uri: vscode.Uri): Promise<{ doc: vscode.TextDocument; node: CodeNodeLocation; nodeId: string }> {
    const { workflow, nodeId } = parseCodeUri(uri);
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(workflow);
    } catch {
      throw vscode.FileSystemError.FileNotFound(`The workflow ${workflow.fsPath} cannot be opened.`);
    }
    const node = findCodeNode(doc.getText(), nodeId);
    if (!node) {
      throw vscode.FileSystemError.FileNotFound(
        `The workflow ${vscode.workspace.asRelativePath(workflow)} has no Code node "${nodeId}" with a "code" string (any more).`,
      );
    }
    return { doc, node, nodeId };
  }

  private mtime(workflow: vscode.Uri): number {
    const k = workflow.toString();
    let t = this.mtimes.get(k);
    if (t === undefined) {
      t = Date.now();
      this.mtimes.set(k, t);
    }
    return t;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { doc } = await this.locate(uri);
    const size = (await this.readFile(uri)).byteLength;
    return { type: vscode.FileType.File, ctime: 0, mtime: this.mtime(doc.uri), size };
  }

  /** The declaration module's path (no `.d.ts`), written for this node now. */
  private writeTypes(doc: vscode.TextDocument, nodeId: string, workflowName: string): string {
    const base = `${Buffer.from(doc.uri.toString()).toString('base64url').slice(-40)}-${nodeId}`;
    mkdirSync(this.typesDir, { recursive: true });
    const text = declarations(nodeId, upstreamNodes(doc.getText(), nodeId), workflowName);
    writeFileSync(join(this.typesDir, `${base}.d.ts`), text);
    return join(this.typesDir, base).replace(/\\/g, '/');
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { doc, node, nodeId } = await this.locate(uri);
    const workflowName = vscode.workspace.asRelativePath(doc.uri);
    const typesModule = this.writeTypes(doc, nodeId, workflowName);
    const k = doc.uri.toString();
    if (!this.tracked.has(k)) this.tracked.set(k, new Map());
    this.tracked.get(k)!.set(uri.toString(), uri);
    setTimeout(() => this.mirrorDiagnostics(doc.uri), 0);
    return encoder.encode(javascriptView(node.code, { nodeId, workflowName, typesModule }));
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const { doc, node, nodeId } = await this.locate(uri);
    const parsed = codeFromView(decoder.decode(content));
    if ('error' in parsed) throw vscode.FileSystemError.NoPermissions(parsed.error);
    if (parsed.code === node.code) return;
    const wasDirty = doc.isDirty;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(node.start), doc.positionAt(node.end)),
      codeLiteral(parsed.code),
    );
    this.writing = uri.toString();
    try {
      if (!(await vscode.workspace.applyEdit(edit))) {
        throw vscode.FileSystemError.Unavailable(
          `Could not write the Code node "${nodeId}" into ${vscode.workspace.asRelativePath(doc.uri)}.`,
        );
      }
      this.mtimes.set(doc.uri.toString(), Date.now());
      if (!wasDirty) await doc.save();
    } finally {
      this.writing = undefined;
    }
  }

  private workflowChanged(workflow: vscode.Uri): void {
    const k = workflow.toString();
    if (!this.tracked.has(k)) return;
    this.mtimes.set(k, Date.now());
    clearTimeout(this.timers.get(k));
    this.timers.set(
      k,
      setTimeout(() => {
        this.timers.delete(k);
        const events = [...(this.tracked.get(k)?.values() ?? [])]
          .filter((u) => u.toString() !== this.writing)
          .map((u) => ({ type: vscode.FileChangeType.Changed, uri: u }));
        if (events.length) this.changed.fire(events);
      }, 100),
    );
  }

  /** Copies the language server's diagnostics inside each tracked node's code onto its JavaScript view. */
  private mirrorDiagnostics(workflow: vscode.Uri): void {
    const views = this.tracked.get(workflow.toString());
    if (!views?.size) return;
    const source = vscode.workspace.textDocuments.find((d) => d.uri.toString() === workflow.toString());
    if (!source) return;
    const text = source.getText();
    const parsed = parseWorkflow(text);
    const all = vscode.languages.getDiagnostics(workflow).filter((d) => d.source === 'flero');
    for (const view of views.values()) {
      const node = findCodeNode(text, parseCodeUri(view).nodeId, parsed);
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
      this.diagnostics.set(view, out);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.subscriptions) d.dispose();
  }
}
