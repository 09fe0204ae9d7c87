// The workflow graph webview's script (dist/graphView.js, a browser IIFE). It receives the graph model from the
// extension (graph/panel.ts), lays it out (graph/layout.ts) and draws it (render.ts); it moves keyboard focus between
// nodes and asks the extension to reveal a node in the file. It imports nothing of vscode: the page talks to the
// extension only through postMessage.
import { type GraphLayout, layoutGraph, neighbour } from '../layout';
import type { FromView, GraphModel, ToView } from '../types';
import { h } from './dom';
import { renderBanner, renderDetails, renderGraph } from './render';

interface VsCodeApi {
  postMessage(message: FromView): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const banner = document.getElementById('banner')!;
const graph = document.getElementById('graph')!;
const details = document.getElementById('details')!;

let model: GraphModel | undefined;
let layout: GraphLayout | undefined;
const saved = vscode.getState() as { selected?: string; actualSize?: boolean } | undefined;
/** The selected node's key: kept across redraws and (through setState) across the page's reloads. */
let selected = saved?.selected;
/** Fit the graph to the panel (default) or show it at its actual size, scrolling. */
let actualSize = saved?.actualSize === true;

function saveState(): void {
  vscode.setState({ selected, actualSize });
}

/** The banner's size toggle: its label says what a press does. */
function sizeButton(): HTMLButtonElement {
  const b = h(
    'button',
    { type: 'button', class: 'size', 'aria-pressed': String(actualSize) },
    actualSize ? 'Fit to panel' : 'Actual size',
  );
  b.addEventListener('click', () => {
    actualSize = !actualSize;
    saveState();
    graph.classList.toggle('actual-size', actualSize);
    b.textContent = actualSize ? 'Fit to panel' : 'Actual size';
    b.setAttribute('aria-pressed', String(actualSize));
  });
  return b;
}

function reveal(key: string): void {
  vscode.postMessage({ type: 'reveal', nodeId: key });
}

function nodeElements(): SVGGElement[] {
  return [...graph.querySelectorAll<SVGGElement>('g.node')];
}

function elementOf(key: string | undefined): SVGGElement | undefined {
  return nodeElements().find((e) => e.dataset.key === key);
}

/** Marks `key` selected: the one tab stop of the graph (roving tabindex), highlighted, its details shown. */
function select(key: string | undefined, focus: boolean): void {
  selected = key && model?.nodes.some((n) => n.key === key) ? key : undefined;
  saveState();
  const fallback = selected ?? layout?.order[0];
  for (const e of nodeElements()) {
    const me = e.dataset.key === selected;
    e.classList.toggle('selected', me);
    e.setAttribute('tabindex', e.dataset.key === fallback ? '0' : '-1');
    e.setAttribute('aria-pressed', String(me));
  }
  details.replaceChildren(
    ...renderDetails(
      model?.nodes.find((n) => n.key === selected),
      reveal,
    ),
  );
  const el = elementOf(selected);
  if (focus && el) {
    el.focus();
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
}

function draw(file: string): void {
  banner.replaceChildren(...renderBanner(model, file));
  const hadFocus = graph.contains(document.activeElement);
  if (!model || model.error) {
    layout = undefined;
    graph.replaceChildren(h('p', { class: 'message' }, model?.error ?? 'No workflow.'));
    details.replaceChildren();
    return;
  }
  layout = layoutGraph(model);
  banner.append(sizeButton());
  graph.classList.toggle('actual-size', actualSize);
  graph.replaceChildren(renderGraph(model, layout));
  select(selected, hadFocus);
  // What a screen reader announces for each drawn node (the extension keeps it; its e2e suite reads it).
  vscode.postMessage({ type: 'drawn', labels: nodeElements().map((e) => e.getAttribute('aria-label') ?? '') });
}

function keyOf(target: EventTarget | null): string | undefined {
  const g = (target as Element | null)?.closest?.('g.node') as SVGGElement | null | undefined;
  return g?.dataset.key;
}

graph.addEventListener('click', (e) => {
  const key = keyOf(e.target);
  if (!key) return;
  select(key, true);
  reveal(key);
});

graph.addEventListener('focusin', (e) => {
  const key = keyOf(e.target);
  if (key && key !== selected) select(key, false);
});

graph.addEventListener('keydown', (e) => {
  const key = keyOf(e.target);
  if (!key) return;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    reveal(key);
    return;
  }
  const next = model && layout ? neighbour(model, layout, key, e.key) : undefined;
  if (next === undefined) return;
  e.preventDefault();
  select(next, true);
});

window.addEventListener('message', (e: MessageEvent<ToView>) => {
  const m = e.data;
  if (m?.type !== 'graph') return;
  model = m.model;
  draw(m.file);
});

vscode.postMessage({ type: 'ready' });
