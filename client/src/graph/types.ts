// The workflow graph as the extension hands it to the webview: plain data (it crosses postMessage) and the few pure
// helpers both sides use. No imports: the webview bundle (dist/graphView.js) and the extension share this file.

export type NodeKind = 'trigger' | 'http' | 'code' | 'connector' | 'unknown';
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A diagnostic of the workflow file, by text offsets (the extension converts VS Code positions). */
export interface GraphDiagnostic {
  start: number;
  end: number;
  severity: Severity;
  message: string;
}

/** What the newest run of the workflow reported for one node. Logs are masked by the engine already. */
export interface NodeRun {
  status: string;
  durationMs?: number;
  error?: string;
  logs: { level: string; message: string }[];
}

export interface GraphNode {
  /** Unique among the graph's nodes: the node id, or `id#index` for a repeated or missing id. */
  key: string;
  id: string;
  type: string;
  kind: NodeKind;
  /** The node's `name`, else its id. */
  label: string;
  /** A short line under the label: an HTTP node's method and host, a connector's service. Never a URL's query. */
  detail?: string;
  /** The credential id the node references (the reference only: values never exist in the document model). */
  credential?: string;
  /** That credential's name, when this window knows it (local or server metadata). */
  credentialName?: string;
  /** Text offsets of the node's object in the file. */
  start: number;
  end: number;
  diagnostics: GraphDiagnostic[];
  run?: NodeRun;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface GraphModel {
  workflowId?: string;
  name?: string;
  nodes: GraphNode[];
  /** Connections between known nodes, by node key. Connections to unknown ids are left out (Problems shows them). */
  edges: GraphEdge[];
  /** Diagnostics that lie in no node (top-level properties, connections). */
  diagnostics: GraphDiagnostic[];
  /** The newest run's overall result, when there is one for this workflow. */
  run?: { status: string; durationMs?: number; error?: string; where?: string };
  /** Why there is no graph: the file does not parse, or is not a workflow object. */
  error?: string;
}

/** Messages from the extension to the webview. */
export type ToView = { type: 'graph'; model: GraphModel; file: string };
/** Messages from the webview to the extension. */
export type FromView = { type: 'ready' } | { type: 'reveal'; nodeId: string } | { type: 'drawn'; labels: string[] };

const SEVERITIES: Severity[] = ['error', 'warning', 'info', 'hint'];
const SEVERITY_WORDS: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  info: ['info', 'infos'],
  hint: ['hint', 'hints'],
};

/** Counts by severity, most severe first: `2 errors, 1 warning` (empty string when there are none). */
export function diagnosticSummary(diagnostics: readonly GraphDiagnostic[]): string {
  const parts: string[] = [];
  for (const s of SEVERITIES) {
    const n = diagnostics.filter((d) => d.severity === s).length;
    if (n) parts.push(`${n} ${SEVERITY_WORDS[s][n === 1 ? 0 : 1]}`);
  }
  return parts.join(', ');
}

/** The most severe diagnostic's severity, if any. */
export function worstSeverity(diagnostics: readonly GraphDiagnostic[]): Severity | undefined {
  return SEVERITIES.find((s) => diagnostics.some((d) => d.severity === s));
}

/** A duration as people read it: `127 ms` (engines report fractions: 127.15), `0.6 ms` under 10 ms. */
export function formatMs(ms: number): string {
  return `${ms < 10 ? String(Math.round(ms * 10) / 10) : String(Math.round(ms))} ms`;
}

/** `succeeded in 12 ms`, `failed`, `not run yet`. */
export function runSummary(run: NodeRun | undefined): string {
  if (!run) return 'not run yet';
  return run.durationMs !== undefined ? `${run.status} in ${formatMs(run.durationMs)}` : run.status;
}

/** `GitHub bot (cred_github)`, or the id alone when the name is not known (`cred_x — not known here`). */
export function credentialText(n: Pick<GraphNode, 'credential' | 'credentialName'>): string {
  if (!n.credential) return '';
  if (n.credentialName === undefined) return `${n.credential} — not known here`;
  // A name that already says the id (`GitHub (cred_github)`, or the id itself) is shown as it is.
  return n.credentialName.includes(n.credential) ? n.credentialName : `${n.credentialName} (${n.credential})`;
}

/** What a screen reader says for a node: `me (http) — succeeded in 12 ms, 1 warning`. */
export function nodeAriaLabel(n: GraphNode): string {
  const parts = [runSummary(n.run)];
  const d = diagnosticSummary(n.diagnostics);
  if (d) parts.push(d);
  if (n.credential) parts.push(`credential ${credentialText(n)}`);
  return `${n.label} (${n.type}) — ${parts.join(', ')}`;
}
