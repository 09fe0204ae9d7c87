// `duplicate-node-id`, `unknown-node`, `cycle`: the workflow's graph (core's `graphProblems`), each problem mapped to
// the exact JSON node (the id, or the connection's `from`/`to`).
import { graphProblems } from '../../../core/workflow';
import { child } from '../document';
import type { Node as JsonNode } from '../jsonc';
import type { FleroDiagnostic } from '../types';

interface Graph {
  nodes: { id: string }[];
  /** Index in `nodeList` of each entry of `nodes`. */
  nodeIdx: number[];
  conns: { from: string; to: string }[];
  /** Index in `connList` of each entry of `conns`. */
  connIdx: number[];
  connList: JsonNode[];
}

/** The nodes with a string id and the connections with string ends, remembering where each sits in the file. */
function readGraph(nodeList: JsonNode[], connections: JsonNode | undefined): Graph {
  const nodes: { id: string }[] = [];
  const nodeIdx: number[] = [];
  nodeList.forEach((n, i) => {
    const id = child(n, 'id')?.value;
    if (typeof id === 'string') {
      nodes.push({ id });
      nodeIdx.push(i);
    }
  });
  const conns: { from: string; to: string }[] = [];
  const connIdx: number[] = [];
  const connList = connections?.type === 'array' ? (connections.children ?? []) : [];
  connList.forEach((c, i) => {
    const from = child(c, 'from')?.value;
    const to = child(c, 'to')?.value;
    if (typeof from === 'string' && typeof to === 'string') {
      conns.push({ from, to });
      connIdx.push(i);
    }
  });
  return { nodes, nodeIdx, conns, connIdx, connList };
}

export function graphDiagnostics(nodeList: JsonNode[], connections: JsonNode | undefined): FleroDiagnostic[] {
  const { nodes, nodeIdx, conns, connIdx, connList } = readGraph(nodeList, connections);
  const firstById = new Map<string, JsonNode>();
  for (const i of nodeIdx) {
    const idNode = child(nodeList[i], 'id')!;
    if (!firstById.has(idNode.value)) firstById.set(idNode.value, idNode);
  }
  const out: FleroDiagnostic[] = [];
  for (const p of graphProblems({ nodes: nodes as never, connections: conns })) {
    if (p.code === 'duplicate-node-id' && p.nodeIndex !== undefined) {
      const idNode = child(nodeList[nodeIdx[p.nodeIndex]!], 'id')!;
      const first = firstById.get(idNode.value)!;
      out.push({
        code: p.code,
        severity: 'error',
        message: `${p.message}: node ids must be unique`,
        start: idNode.offset,
        end: idNode.offset + idNode.length,
        related: [{ start: first.offset, end: first.offset + first.length, message: 'first defined here' }],
      });
    } else if (p.connectionIndex !== undefined) {
      const c = connList[connIdx[p.connectionIndex]!]!;
      const target = (p.field ? child(c, p.field) : undefined) ?? c;
      out.push({
        code: p.code,
        severity: 'error',
        message: p.message,
        start: target.offset,
        end: target.offset + target.length,
      });
    }
  }
  return out;
}
