// The workflow graph's model and layout (client/src/graph): what is copied out of a workflow text (nodes, kinds,
// credential references, never a header/query/body/params value), where diagnostics and a run's results land, how
// dagre lays it out (boxes apart, edges from box to box, ranks along the connections), keyboard neighbours, and the
// error and empty states.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Box, layoutGraph, neighbour } from '../../client/src/graph/layout';
import { graphFromText } from '../../client/src/graph/model';
import { formatMs, type GraphDiagnostic, nodeAriaLabel } from '../../client/src/graph/types';
import type { Execution } from '../../client/src/model/apiTypes';

const CANARY_HEADER = 'sk_live_CANARY_HEADER_51Hx9';
const CANARY_QUERY = 'CANARY_QUERY_7f3a';
const CANARY_PARAM = 'CANARY_PARAM_xoxb';
const CANARY_CODE = 'CANARY_CODE_ret';

const TEXT = `{
  "id": "wf_graph",
  "name": "Graph test",
  "nodes": [
    { "id": "start", "type": "trigger" },
    {
      "id": "me",
      "type": "http",
      "method": "GET",
      "url": "https://api.example.com/me?token=${CANARY_QUERY}",
      "credential": "cred_api",
      "headers": { "X-Api-Key": "${CANARY_HEADER}" }
    },
    { "id": "shape", "type": "code", "name": "Shape it", "code": "return '${CANARY_CODE}';" },
    { "id": "post", "type": "slack.postMessage", "credential": "cred_slack", "params": { "text": "${CANARY_PARAM}" } },
    { "id": "side", "type": "code", "code": "return 1;" }
  ],
  "connections": [
    { "from": "start", "to": "me" },
    { "from": "me", "to": "shape" },
    { "from": "shape", "to": "post" },
    { "from": "me", "to": "side" },
    { "from": "side", "to": "nowhere" }
  ]
}
`;

function at(needle: string, severity: GraphDiagnostic['severity'], message: string): GraphDiagnostic {
  const start = TEXT.indexOf(needle);
  assert.ok(start >= 0, needle);
  return { start, end: start + needle.length, severity, message };
}

const RUN: Execution = {
  id: 'ex_1',
  workflowId: 'wf_graph',
  status: 'failed',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 40,
  input: {},
  error: 'node post failed',
  nodes: [
    { id: 'start', type: 'trigger', status: 'succeeded', durationMs: 0, logs: [] },
    {
      id: 'me',
      type: 'http',
      status: 'succeeded',
      durationMs: 12,
      output: { body: 'output is not copied' },
      logs: [{ level: 'info', message: 'GET api.example.com ****', at: '2026-01-01T00:00:00.000Z' }],
    },
    { id: 'post', type: 'slack.postMessage', status: 'failed', error: 'channel_not_found', logs: [] },
  ],
};

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Distance of a point from a box's outline (0 on the border; inside counts as the distance to the nearest side). */
function fromBorder(p: { x: number; y: number }, b: Box): number {
  const dx = Math.max(b.x - p.x, 0, p.x - (b.x + b.width));
  const dy = Math.max(b.y - p.y, 0, p.y - (b.y + b.height));
  if (dx || dy) return Math.hypot(dx, dy);
  return Math.min(p.x - b.x, b.x + b.width - p.x, p.y - b.y, b.y + b.height - p.y);
}

describe('graphFromText', () => {
  const diagnostics = [
    at(`"${CANARY_HEADER}"`, 'warning', 'a secret in a header'),
    at('"cred_slack"', 'error', 'unknown credential'),
    at('"nowhere"', 'error', 'connection to unknown node "nowhere"'),
  ];
  const model = graphFromText(TEXT, { diagnostics, run: RUN, where: 'local' });
  const node = (id: string) => model.nodes.find((n) => n.id === id)!;

  it('has every node with its kind, label and credential reference, and the edges between known nodes', () => {
    assert.equal(model.error, undefined);
    assert.equal(model.workflowId, 'wf_graph');
    assert.equal(model.name, 'Graph test');
    assert.deepEqual(
      model.nodes.map((n) => [n.key, n.kind, n.label, n.credential]),
      [
        ['start', 'trigger', 'start', undefined],
        ['me', 'http', 'me', 'cred_api'],
        ['shape', 'code', 'Shape it', undefined],
        ['post', 'connector', 'post', 'cred_slack'],
        ['side', 'code', 'side', undefined],
      ],
    );
    assert.equal(node('me').detail, 'GET api.example.com');
    assert.equal(node('post').detail, 'slack');
    assert.deepEqual(model.edges, [
      { from: 'start', to: 'me' },
      { from: 'me', to: 'shape' },
      { from: 'shape', to: 'post' },
      { from: 'me', to: 'side' },
    ]);
  });

  it('names the credentials this window knows (metadata only); an unknown one says so', () => {
    const named = graphFromText(TEXT, { diagnostics: [], credentialNames: new Map([['cred_api', 'Example API']]) });
    const me = named.nodes.find((n) => n.id === 'me')!;
    const post = named.nodes.find((n) => n.id === 'post')!;
    assert.equal(me.credentialName, 'Example API');
    assert.equal(post.credentialName, undefined);
    assert.equal(nodeAriaLabel(me), 'me (http) — not run yet, credential Example API (cred_api)');
    assert.equal(nodeAriaLabel(post), 'post (slack.postMessage) — not run yet, credential cred_slack — not known here');
    const same = graphFromText(TEXT, { diagnostics: [], credentialNames: new Map([['cred_api', 'cred_api']]) });
    assert.match(nodeAriaLabel(same.nodes.find((n) => n.id === 'me')!), /credential cred_api$/, 'the id once');
    const says = graphFromText(TEXT, {
      diagnostics: [],
      credentialNames: new Map([['cred_api', 'Example (cred_api)']]),
    });
    assert.match(nodeAriaLabel(says.nodes.find((n) => n.id === 'me')!), /credential Example \(cred_api\)$/);
  });

  it('copies no header, query, code, params or output value into the model', () => {
    const json = JSON.stringify(model);
    for (const canary of [CANARY_HEADER, CANARY_QUERY, CANARY_CODE, CANARY_PARAM, 'output is not copied'])
      assert.ok(!json.includes(canary), `the model contains ${canary}`);
  });

  it('gives each node the text range of its object', () => {
    for (const n of model.nodes) {
      const obj = TEXT.slice(n.start, n.end);
      assert.ok(obj.startsWith('{') && obj.endsWith('}'), obj);
      assert.equal((JSON.parse(obj) as { id: string }).id, n.id);
    }
  });

  it('assigns diagnostics to the node whose range holds them; the rest to the workflow', () => {
    assert.deepEqual(
      node('me').diagnostics.map((d) => d.message),
      ['a secret in a header'],
    );
    assert.deepEqual(
      node('post').diagnostics.map((d) => [d.severity, d.message]),
      [['error', 'unknown credential']],
    );
    assert.deepEqual(node('start').diagnostics, []);
    assert.deepEqual(
      model.diagnostics.map((d) => d.message),
      ['connection to unknown node "nowhere"'],
    );
  });

  it("attaches the run's status, duration, error and logs per node, and the overall result", () => {
    assert.deepEqual(node('me').run, {
      status: 'succeeded',
      durationMs: 12,
      logs: [{ level: 'info', message: 'GET api.example.com ****' }],
    });
    assert.deepEqual(node('post').run, { status: 'failed', error: 'channel_not_found', logs: [] });
    assert.equal(node('shape').run, undefined);
    assert.deepEqual(model.run, { status: 'failed', durationMs: 40, error: 'node post failed', where: 'local' });
    assert.equal(
      nodeAriaLabel(node('me')),
      'me (http) — succeeded in 12 ms, 1 warning, credential cred_api — not known here',
    );
    assert.equal(nodeAriaLabel(node('shape')), 'Shape it (code) — not run yet');
    assert.deepEqual([127.15, 12, 0.63, 0].map(formatMs), ['127 ms', '12 ms', '0.6 ms', '0 ms']);
  });

  it('reads the LSP fixture without taking any of its planted secrets; repeated ids get unique keys', () => {
    const text = readFileSync(new URL('../fixtures/lsp/sample.flero.json', import.meta.url), 'utf8');
    const m = graphFromText(text, { diagnostics: [] });
    const json = JSON.stringify(m);
    for (const secret of ['abcdef123456', 'abcdefgh12345', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'])
      assert.ok(!json.includes(secret), secret);
    assert.equal(m.nodes.length, 6);
    assert.equal(new Set(m.nodes.map((n) => n.key)).size, 6);
    assert.deepEqual(
      m.nodes.map((n) => n.kind),
      ['trigger', 'http', 'code', 'code', 'unknown', 'connector'],
    );
    // start → fetch, fetch → start (a cycle, which the layout still handles); fetch → nope is left out.
    assert.deepEqual(m.edges, [
      { from: 'start', to: 'fetch' },
      { from: 'fetch', to: 'start' },
    ]);
    assert.equal(Object.keys(layoutGraph(m).boxes).length, 6);
  });

  it('says why there is no graph: not JSON, not an object, no nodes, empty', () => {
    const broken = graphFromText('{ "id": "x", "nodes": [ { "id": "a" ', { diagnostics: [] });
    assert.match(broken.error ?? '', /^This file is not valid JSON: \w+ at line 1, column \d+\.$/);
    assert.deepEqual(broken.nodes, []);
    assert.match(graphFromText('[1, 2]', { diagnostics: [] }).error ?? '', /not a JSON object/);
    const none = graphFromText('{ "id": "x", "name": "X", "nodes": [] }', { diagnostics: [] });
    assert.match(none.error ?? '', /no nodes/);
    assert.equal(none.workflowId, 'x');
    assert.match(graphFromText('  \n', { diagnostics: [] }).error ?? '', /empty/);
    assert.match(graphFromText('{ "id": "x" }', { diagnostics: [] }).error ?? '', /no nodes/);
  });
});

describe('layoutGraph', () => {
  const model = graphFromText(TEXT, { diagnostics: [] });
  const layout = layoutGraph(model);

  it('gives every node a box inside the drawing, no two overlapping', () => {
    const boxes = model.nodes.map((n) => layout.boxes[n.key]!);
    assert.equal(boxes.filter(Boolean).length, model.nodes.length);
    for (const b of boxes) {
      assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= layout.width && b.y + b.height <= layout.height);
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlap(boxes[i]!, boxes[j]!), `boxes ${i} and ${j}`);
  });

  it('draws each edge from its source box to its target box', () => {
    assert.equal(layout.edges.length, model.edges.length);
    for (const e of layout.edges) {
      assert.ok(e.points.length >= 2);
      assert.ok(fromBorder(e.points[0]!, layout.boxes[e.from]!) < 1.5, `${e.from}→${e.to} starts off ${e.from}`);
      assert.ok(fromBorder(e.points.at(-1)!, layout.boxes[e.to]!) < 1.5, `${e.from}→${e.to} ends off ${e.to}`);
    }
  });

  it('places each node after its upstream node, left to right', () => {
    for (const e of model.edges) {
      const a = layout.boxes[e.from]!;
      const b = layout.boxes[e.to]!;
      assert.ok(b.x >= a.x + a.width, `${e.to} is not right of ${e.from}`);
    }
    assert.equal(layout.order[0], 'start');
    assert.equal(layout.order.length, model.nodes.length);
  });

  it('moves keyboard focus along the edges and the reading order', () => {
    assert.equal(neighbour(model, layout, 'start', 'ArrowRight'), 'me');
    assert.equal(neighbour(model, layout, 'me', 'ArrowLeft'), 'start');
    assert.ok(['shape', 'side'].includes(neighbour(model, layout, 'me', 'ArrowRight')!));
    assert.equal(neighbour(model, layout, 'start', 'ArrowUp'), undefined);
    assert.equal(neighbour(model, layout, 'start', 'ArrowDown'), layout.order[1]);
    assert.equal(neighbour(model, layout, 'post', 'Home'), 'start');
    assert.equal(neighbour(model, layout, 'start', 'End'), layout.order.at(-1));
    assert.equal(neighbour(model, layout, 'start', 'a'), undefined);
  });

  it('lays out a 200-node workflow', () => {
    const nodes = Array.from({ length: 200 }, (_, i) => ({ id: `n${i}`, type: i ? 'code' : 'trigger', code: '1' }));
    const connections = nodes.slice(1).map((n, i) => ({ from: `n${Math.floor(i / 3)}`, to: n.id }));
    const big = graphFromText(JSON.stringify({ id: 'big', name: 'Big', nodes, connections }, null, 2), {
      diagnostics: [],
    });
    assert.equal(big.nodes.length, 200);
    const l = layoutGraph(big);
    assert.equal(Object.keys(l.boxes).length, 200);
    assert.equal(l.edges.length, 199);
  });
});
