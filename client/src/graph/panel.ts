// "Flero: Show Workflow Graph": one webview panel per workflow file, beside it. The extension builds the graph model
// (graph/model.ts) from the document text, its diagnostics and the newest run of its workflow id, and posts it; the
// webview (graph/view/main.ts) lays it out and draws it. The panel follows edits (debounced), diagnostics and runs,
// and reveals a node's object in the text editor when the webview asks.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { graphHtml } from './html';
import { attachRun, graphFromText } from './model';
import type { FromView, GraphDiagnostic, GraphModel, Severity, ToView } from './types';

export const GRAPH_VIEW_TYPE = 'flero.workflowGraph';
const DEBOUNCE_MS = 150;

/** A VS Code severity as the graph's word (a function: nothing of `vscode` is evaluated when the bundle loads). */
function severityOf(s: vscode.DiagnosticSeverity): Severity {
  if (s === vscode.DiagnosticSeverity.Error) return 'error';
  if (s === vscode.DiagnosticSeverity.Warning) return 'warning';
  if (s === vscode.DiagnosticSeverity.Hint) return 'hint';
  return 'info';
}

/** The document's diagnostics as text offsets. */
export function documentDiagnostics(doc: vscode.TextDocument): GraphDiagnostic[] {
  return vscode.languages.getDiagnostics(doc.uri).map((d) => ({
    start: doc.offsetAt(d.range.start),
    end: doc.offsetAt(d.range.end),
    severity: severityOf(d.severity),
    message: d.message,
  }));
}

class GraphPanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private model: GraphModel | undefined;
  /** The aria-labels of the nodes the page drew last (it reports after each drawing). */
  drawn: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ready = false;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    private readonly ctx: Ctx,
    private doc: vscode.TextDocument,
  ) {
    const root = ctx.extension.extensionUri;
    this.panel = vscode.window.createWebviewPanel(
      GRAPH_VIEW_TYPE,
      `Graph: ${basename(doc.uri)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(root, 'dist'), vscode.Uri.joinPath(root, 'media')],
        retainContextWhenHidden: false,
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(root, 'media', 'flero.svg');
    const webview = this.panel.webview;
    webview.html = graphHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'graphView.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'graph.css')).toString(),
      title: `Graph: ${basename(doc.uri)}`,
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: FromView) =>
        this.onMessage(m).catch((e) => ctx.log.error(`Workflow graph: ${e instanceof Error ? e.message : String(e)}`)),
      ),
      this.panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.is(e.document.uri)) {
          this.doc = e.document;
          this.schedule();
        }
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (this.is(d.uri)) {
          this.doc = d;
          this.schedule();
        }
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => this.is(u))) this.schedule();
      }),
      // Credentials added, renamed or removed: the names on the nodes follow.
      ctx.onDidChange(() => this.schedule()),
      ctx.executions.onDidRecord((r) => {
        if (r.execution.workflowId === this.model?.workflowId) this.schedule(0);
      }),
    );
  }

  private is(uri: vscode.Uri): boolean {
    return uri.toString() === this.doc.uri.toString();
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** Rebuilds the model after `ms` (edits come in bursts; one rebuild per pause). */
  private schedule(ms = DEBOUNCE_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, ms);
  }

  private update(): void {
    const model = graphFromText(this.doc.getText(), {
      diagnostics: documentDiagnostics(this.doc),
      credentialNames: new Map(this.ctx.credentialMetadata().map((c) => [c.id, c.name])),
    });
    const recorded = model.workflowId ? this.ctx.executions.latest(model.workflowId) : undefined;
    if (recorded) attachRun(model, recorded.execution, recorded.where);
    this.model = model;
    if (this.ready) {
      const message: ToView = { type: 'graph', model: this.model, file: vscode.workspace.asRelativePath(this.doc.uri) };
      void this.panel.webview.postMessage(message);
    }
  }

  private async onMessage(m: FromView): Promise<void> {
    if (m?.type === 'ready') {
      // Sent on every (re)load of the page: it is rebuilt each time the panel is shown again.
      this.ready = true;
      this.update();
    } else if (m?.type === 'drawn' && Array.isArray(m.labels)) {
      this.drawn = m.labels.filter((l): l is string => typeof l === 'string').slice(0, 1000);
    } else if (m?.type === 'reveal' && typeof m.nodeId === 'string') {
      // The node's range in the text as it is now (an edit may be inside the debounce window).
      const doc = await vscode.workspace.openTextDocument(this.doc.uri);
      const node = graphFromText(doc.getText(), { diagnostics: [] }).nodes.find((n) => n.key === m.nodeId);
      if (!node) return;
      const range = new vscode.Range(doc.positionAt(node.start), doc.positionAt(node.end));
      const visible = vscode.window.visibleTextEditors.find((e) => this.is(e.document.uri));
      const editor = await vscode.window.showTextDocument(doc, {
        viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
        selection: range,
        preserveFocus: false,
      });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.panel.dispose();
    this.closed.fire();
    this.closed.dispose();
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The open graph panels, one per workflow file (by URI). */
export class GraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, GraphPanel>();

  constructor(private readonly ctx: Ctx) {}

  /** Opens the graph of `doc` beside it, or reveals the one already open. */
  show(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const open = this.panels.get(key);
    if (open) {
      open.reveal();
      return;
    }
    const panel = new GraphPanel(this.ctx, doc);
    this.panels.set(key, panel);
    panel.onDidClose(() => this.panels.delete(key));
  }

  /** What the open panel of a workflow file drew last (aria-labels of its nodes), or undefined when none is open. */
  drawn(uri: string): string[] | undefined {
    return this.panels.get(uri)?.drawn;
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

let panels: GraphPanels | undefined;

/** The window's graph panels, created on first use and disposed with the extension. */
export function graphPanels(ctx: Ctx): GraphPanels {
  if (!panels) {
    const created = new GraphPanels(ctx);
    panels = created;
    ctx.subscriptions.push(created, {
      dispose: () => {
        panels = undefined;
      },
    });
  }
  return panels;
}
