// Lays the workflow graph out with dagre, left to right (a workflow reads like a sentence: trigger first, then what
// each step feeds). Pure; runs in the webview (dist/graphView.js) and in the unit tests.
import dagre from '@dagrejs/dagre';
import type { GraphModel } from './types';

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 66;
const MARGIN = 24;

/** A node's box, top-left corner and size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EdgeLayout {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  width: number;
  height: number;
  boxes: Record<string, Box>;
  edges: EdgeLayout[];
  /** Node keys in reading order: by rank (column), then top to bottom. Keyboard focus moves along it. */
  order: string[];
}

export function layoutGraph(model: Pick<GraphModel, 'nodes' | 'edges'>): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 64, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of model.nodes) g.setNode(n.key, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of model.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);

  const boxes: Record<string, Box> = {};
  for (const n of model.nodes) {
    const l = g.node(n.key) as { x: number; y: number; width: number; height: number };
    boxes[n.key] = { x: l.x - l.width / 2, y: l.y - l.height / 2, width: l.width, height: l.height };
  }
  const edges = model.edges.map((e) => {
    const l = g.edge(e.from, e.to) as { points?: { x: number; y: number }[] } | undefined;
    return { from: e.from, to: e.to, points: (l?.points ?? []).map((p) => ({ x: p.x, y: p.y })) };
  });
  const label = g.graph() as { width?: number; height?: number };
  const order = model.nodes.map((n) => n.key).sort((a, b) => boxes[a]!.x - boxes[b]!.x || boxes[a]!.y - boxes[b]!.y);
  return {
    width: Math.max(label.width ?? 0, NODE_WIDTH + 2 * MARGIN),
    height: Math.max(label.height ?? 0, NODE_HEIGHT + 2 * MARGIN),
    boxes,
    edges,
    order,
  };
}

/**
 * Where a key press moves the focus from node `key`: Right/Left follow the connections downstream/upstream (to the
 * first such node in reading order; without one, to the next/previous node), Down/Up walk the reading order,
 * Home/End go to the first/last node. Undefined: the key moves nothing.
 */
export function neighbour(
  model: Pick<GraphModel, 'edges'>,
  layout: Pick<GraphLayout, 'order'>,
  key: string,
  pressed: string,
): string | undefined {
  const order = layout.order;
  const i = order.indexOf(key);
  const byOrder = (a: string, b: string) => order.indexOf(a) - order.indexOf(b);
  switch (pressed) {
    case 'ArrowDown':
      return order[i + 1];
    case 'ArrowUp':
      return i > 0 ? order[i - 1] : undefined;
    case 'Home':
      return order[0];
    case 'End':
      return order[order.length - 1];
    case 'ArrowRight':
      return (
        model.edges
          .filter((e) => e.from === key)
          .map((e) => e.to)
          .sort(byOrder)[0] ?? order[i + 1]
      );
    case 'ArrowLeft':
      return (
        model.edges
          .filter((e) => e.to === key)
          .map((e) => e.from)
          .sort(byOrder)[0] ?? (i > 0 ? order[i - 1] : undefined)
      );
    default:
      return undefined;
  }
}
