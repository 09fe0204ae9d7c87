// Draws the graph (SVG: rounded node boxes with a kind icon, label, detail/credential line, run and problem badges;
// edges with arrowheads), the banner over it and the details pane of the selected node. Colours come from the
// stylesheet (media/graph.css, theme variables); nothing here sets an inline style (the page's CSP forbids them).
import type { GraphLayout } from '../layout';
import {
  credentialText,
  diagnosticSummary,
  formatMs,
  type GraphDiagnostic,
  type GraphModel,
  type GraphNode,
  type NodeKind,
  nodeAriaLabel,
  runSummary,
  type Severity,
  worstSeverity,
} from '../types';
import { clip, h, s } from './dom';

/** 16×16 stroke icons per node kind (drawn here: an icon font would be one more resource to load). */
const ICONS: Record<NodeKind, string> = {
  trigger: 'M4.5 2.5 L13 8 L4.5 13.5 Z',
  http: 'M8 2a6 6 0 1 0 0 12A6 6 0 1 0 8 2Z M2 8h12 M8 2c-2.6 3.2-2.6 8.8 0 12 M8 2c2.6 3.2 2.6 8.8 0 12',
  code: 'M5.5 4 L1.5 8 L5.5 12 M10.5 4 L14.5 8 L10.5 12 M9 3 L7 13',
  connector: 'M6 1.5v3.5 M10 1.5v3.5 M3.5 5h9v2.5a4.5 4.5 0 0 1-9 0Z M8 12v2.5',
  unknown: 'M8 2a6 6 0 1 0 0 12A6 6 0 1 0 8 2Z M6.2 6.3a1.9 1.9 0 1 1 2.6 1.8c-.6.3-.8.7-.8 1.4 M8 11.3v.2',
};

/** 12×12 key, beside the credential a node uses. */
const KEY_ICON = 'M4 2.5a3 3 0 1 0 0 6a3 3 0 1 0 0-6Z M6.6 6.8 L11.5 11.5 M9.2 9.2 L10.7 7.7 M10.4 10.4 L11.9 8.9';

const STATUS_GLYPH: Record<string, string> = {
  succeeded: '✓',
  failed: '✕',
  running: '…',
  pending: '…',
  cancelled: '−',
  skipped: '−',
};

const SEVERITY_GLYPH: Record<Severity, string> = { error: '✕', warning: '!', info: 'i', hint: '·' };

function statusClass(status: string): string {
  return `status-${status.replace(/[^a-z]/gi, '') || 'unknown'}`;
}

function nodeElement(n: GraphNode, box: { x: number; y: number; width: number; height: number }): SVGGElement {
  const worst = worstSeverity(n.diagnostics);
  const classes = ['node', `kind-${n.kind}`, n.run ? statusClass(n.run.status) : 'not-run', worst && `sev-${worst}`];
  const typeLine = n.kind === 'http' && n.detail ? `${n.type} · ${n.detail}` : n.type;
  const label = nodeAriaLabel(n);
  const g = s(
    'g',
    {
      class: classes.filter(Boolean).join(' '),
      transform: `translate(${box.x},${box.y})`,
      role: 'button',
      tabindex: -1,
      'aria-label': label,
      'data-key': n.key,
    },
    s('title', {}, label),
    s('rect', { class: 'box', width: box.width, height: box.height, rx: 8, ry: 8 }),
    s('rect', { class: 'stripe', width: 4, height: box.height - 16, x: 0, y: 8, rx: 2 }),
    s('path', { class: 'icon', d: ICONS[n.kind], transform: 'translate(12,12)' }),
    s('text', { class: 'label', x: 36, y: 25 }, clip(n.label, 22)),
    s('text', { class: 'type', x: 36, y: 42 }, clip(typeLine, 27)),
  );
  if (n.credential) {
    g.append(
      s('path', { class: 'icon key', d: KEY_ICON, transform: `translate(12,${box.height - 20})` }),
      s('text', { class: 'credential', x: 30, y: box.height - 9 }, clip(n.credentialName ?? n.credential, 24)),
    );
  }
  if (n.run) {
    g.append(
      s(
        'g',
        { class: `badge ${statusClass(n.run.status)}`, transform: `translate(${box.width - 16},16)` },
        s('circle', { r: 9 }),
        s('text', { y: 4, 'text-anchor': 'middle' }, STATUS_GLYPH[n.run.status] ?? '?'),
      ),
    );
    if (n.run.durationMs !== undefined)
      g.append(
        s('text', { class: 'duration', x: box.width - 30, y: 20, 'text-anchor': 'end' }, formatMs(n.run.durationMs)),
      );
  }
  if (worst) {
    g.append(
      s(
        'text',
        { class: `problems sev-${worst}`, x: box.width - 10, y: box.height - 9, 'text-anchor': 'end' },
        `${SEVERITY_GLYPH[worst]} ${n.diagnostics.length}`,
      ),
    );
  }
  return g;
}

function edgePath(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
}

/** The graph as one SVG; node groups carry `data-key` for focus and clicks. */
export function renderGraph(model: GraphModel, layout: GraphLayout): SVGSVGElement {
  const svg = s('svg', {
    class: 'graph',
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'group',
    'aria-label': `${model.name ?? 'Workflow'}: ${model.nodes.length} nodes, ${model.edges.length} connections`,
  });
  svg.append(
    s(
      'defs',
      {},
      s(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
        s('path', { class: 'arrowhead', d: 'M0 0 L10 5 L0 10 Z' }),
      ),
    ),
  );
  const edges = s('g', { class: 'edges', 'aria-hidden': 'true' });
  for (const e of layout.edges)
    edges.append(s('path', { class: 'edge', d: edgePath(e.points), 'marker-end': 'url(#arrow)' }));
  const nodes = s('g', { class: 'nodes' });
  for (const key of layout.order) {
    const n = model.nodes.find((x) => x.key === key);
    const box = layout.boxes[key];
    if (n && box) nodes.append(nodeElement(n, box));
  }
  svg.append(edges, nodes);
  return svg;
}

function diagnosticList(diagnostics: readonly GraphDiagnostic[]): HTMLElement {
  const order: Severity[] = ['error', 'warning', 'info', 'hint'];
  const sorted = [...diagnostics].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  return h(
    'ul',
    { class: 'diagnostics' },
    ...sorted.map((d) =>
      h('li', { class: `sev-${d.severity}` }, h('span', { class: 'sev' }, d.severity), ' ', d.message),
    ),
  );
}

/** The banner: workflow name and file, the newest run, and the problems that belong to no node. */
export function renderBanner(model: GraphModel | undefined, file: string): HTMLElement[] {
  const out: HTMLElement[] = [h('h1', {}, model?.name ?? 'Workflow', ' ', h('span', { class: 'file' }, file))];
  if (model?.run) {
    const r = model.run;
    const took = r.durationMs !== undefined ? ` in ${formatMs(r.durationMs)}` : '';
    out.push(
      h(
        'p',
        { class: `run ${statusClass(r.status)}` },
        `Last run${r.where ? ` (${r.where})` : ''}: ${r.status}${took}${r.error ? ` — ${r.error}` : ''}`,
      ),
    );
  }
  if (model?.diagnostics.length) {
    out.push(
      h(
        'details',
        { class: 'workflow-problems' },
        h('summary', {}, `Workflow: ${diagnosticSummary(model.diagnostics)}`),
        diagnosticList(model.diagnostics),
      ),
    );
  }
  return out;
}

/** The details pane for one node (or a hint when none is selected). */
export function renderDetails(n: GraphNode | undefined, onReveal: (key: string) => void): HTMLElement[] {
  if (!n) return [h('p', { class: 'hint' }, 'Select a node (click, or Tab then the arrow keys) to see its details.')];
  const rows: [string, string | undefined][] = [
    ['Id', n.id || '(none)'],
    ['Type', n.type],
    ['Credential', n.credential ? credentialText(n) : undefined],
    ['Status', runSummary(n.run)],
    ['Error', n.run?.error],
  ];
  const reveal = h('button', { type: 'button', class: 'reveal' }, 'Reveal in File');
  reveal.addEventListener('click', () => onReveal(n.key));
  const out: HTMLElement[] = [
    h('h2', {}, h('span', { class: `kind kind-${n.kind}` }, n.kind), ' ', n.label),
    h('dl', {}, ...rows.filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v!)])),
    reveal,
  ];
  out.push(h('h3', {}, n.diagnostics.length ? `Problems: ${diagnosticSummary(n.diagnostics)}` : 'No problems'));
  if (n.diagnostics.length) out.push(diagnosticList(n.diagnostics));
  if (n.run?.logs.length) {
    out.push(
      h('h3', {}, `Logs (${n.run.logs.length})`),
      h(
        'ol',
        { class: 'logs' },
        ...n.run.logs.map((l) =>
          h('li', { class: `log-${l.level}` }, h('span', { class: 'level' }, l.level), l.message),
        ),
      ),
    );
  }
  return out;
}
