// The engine end to end against a real local upstream: order, expressions, http and connector nodes, code nodes,
// failures, cancellation, progress events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Workflow } from '../../server/src/core/workflow';
import { runWorkflow, workflowProblems } from '../../server/src/engine/runner';
import type { CredentialForRun, ProgressEvent } from '../../server/src/engine/types';
import { startUpstream, type Upstream } from '../helpers/upstream';

const noCredentials = async (): Promise<CredentialForRun | undefined> => undefined;

function wf(nodes: Workflow['nodes'], connections?: Workflow['connections']): Workflow {
  const chain = connections ?? nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
  return { id: 'wf_test', name: 'Test', nodes, connections: chain };
}

describe('runWorkflow', () => {
  let up: Upstream;
  before(async () => {
    up = await startUpstream((req) => {
      if (req.path === '/weather') return { body: { temp: 21, city: req.query.city } };
      if (req.path === '/fail') return { status: 503, body: { error: 'down' } };
      if (req.path === '/slow') return { delayMs: 2_000, body: 'late' };
      if (req.path === '/text') return { body: 'plain text' };
      return { body: { method: req.method, path: req.path, body: req.body } };
    });
  });
  after(() => up.close());

  it('runs trigger → http → code in order with expressions over $input and $node', async () => {
    const events: ProgressEvent[] = [];
    const ex = await runWorkflow(
      wf([
        { id: 'start', type: 'trigger' },
        { id: 'forecast', type: 'http', method: 'GET', url: `${up.url}/weather`, query: { city: '{{ $input.city }}' } },
        {
          id: 'shape',
          type: 'code',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the code node's own template literal
          code: 'console.log("temp is", $node.forecast.body.temp); return { summary: `Temp ${$node.forecast.body.temp} in ${$input.city}` };',
        },
        {
          id: 'post',
          type: 'http',
          method: 'POST',
          url: `${up.url}/echo`,
          body: { text: '{{ $node.shape.summary }}', n: '{{ $node.forecast.body.temp }}' },
        },
      ]),
      { input: { city: 'Oslo' }, credentials: noCredentials, onProgress: (e) => events.push(e) },
    );
    assert.equal(ex.status, 'succeeded', ex.error);
    assert.deepEqual(
      ex.nodes.map((n) => [n.id, n.status]),
      [
        ['start', 'succeeded'],
        ['forecast', 'succeeded'],
        ['shape', 'succeeded'],
        ['post', 'succeeded'],
      ],
    );
    assert.deepEqual(ex.nodes[0]!.output, { city: 'Oslo' });
    const forecast = ex.nodes[1]!.output as { status: number; body: unknown; headers: Record<string, string> };
    assert.equal(forecast.status, 200);
    assert.deepEqual(forecast.body, { temp: 21, city: 'Oslo' });
    assert.match(forecast.headers['content-type']!, /application\/json/);
    assert.deepEqual(ex.nodes[2]!.output, { summary: 'Temp 21 in Oslo' });
    assert.equal(ex.nodes[2]!.logs[0]!.message, 'temp is 21');
    const sent = up.requests.at(-1)!;
    assert.equal(sent.method, 'POST');
    assert.deepEqual(JSON.parse(sent.body), { text: 'Temp 21 in Oslo', n: 21 });
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.deepEqual((ex.output as { status: number }).status, 200);
    assert.deepEqual(
      events.map((e) => `${e.nodeId}:${e.status}`),
      [
        'start:running',
        'start:succeeded',
        'forecast:running',
        'forecast:succeeded',
        'shape:running',
        'shape:succeeded',
        'post:running',
        'post:succeeded',
      ],
    );
    assert.equal(events.find((e) => e.nodeId === 'shape' && e.status === 'succeeded')!.logs![0]!.message, 'temp is 21');
  });

  it('fails the run on HTTP ≥ 400, keeps the response and skips the rest', async () => {
    const ex = await runWorkflow(
      wf([
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'http', method: 'GET', url: `${up.url}/fail` },
        { id: 'after', type: 'code', code: 'return 1' },
      ]),
      { credentials: noCredentials },
    );
    assert.equal(ex.status, 'failed');
    assert.match(ex.error!, /node "call" failed: GET http:\/\/127\.0\.0\.1:\d+\/fail answered HTTP 503/);
    assert.deepEqual((ex.nodes[1]!.output as { body: unknown }).body, { error: 'down' });
    assert.equal(ex.nodes[2]!.status, 'skipped');
  });

  it('times out a slow request with the node timeout', async () => {
    const ex = await runWorkflow(
      wf([{ id: 'slow', type: 'http', method: 'GET', url: `${up.url}/slow`, timeoutMs: 100 }]),
      { credentials: noCredentials },
    );
    assert.equal(ex.status, 'failed');
    assert.match(ex.nodes[0]!.error!, /timed out after 100 ms/);
  });

  it('cancels through the signal', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const ex = await runWorkflow(
      wf([
        { id: 'slow', type: 'http', method: 'GET', url: `${up.url}/slow` },
        { id: 'next', type: 'code', code: 'return 1' },
      ]),
      { credentials: noCredentials, signal: ac.signal },
    );
    assert.equal(ex.status, 'cancelled');
    assert.equal(ex.nodes[0]!.status, 'cancelled');
    assert.equal(ex.nodes[1]!.status, 'cancelled');
  });

  it("stops a slow request at the run's time limit: failed, the limit named", async () => {
    const ex = await runWorkflow(wf([{ id: 'slow', type: 'http', method: 'GET', url: `${up.url}/slow` }]), {
      credentials: noCredentials,
      timeLimitMs: 100,
    });
    assert.equal(ex.status, 'failed');
    assert.equal(ex.error, 'the run exceeded its time limit of 100 ms');
    assert.equal(ex.nodes[0]!.status, 'failed');
    assert.equal(ex.nodes[0]!.error, 'the run exceeded its time limit of 100 ms');
  });

  it('explains network errors and non-JSON bodies', async () => {
    const ex = await runWorkflow(wf([{ id: 'text', type: 'http', method: 'GET', url: `${up.url}/text` }]), {
      credentials: noCredentials,
    });
    assert.equal((ex.output as { body: unknown }).body, 'plain text');
    const refused = await runWorkflow(wf([{ id: 'x', type: 'http', method: 'GET', url: 'http://127.0.0.1:1/' }]), {
      credentials: noCredentials,
    });
    assert.equal(refused.status, 'failed');
    assert.match(refused.error!, /connection refused/);
  });

  it('refuses invalid workflows, unknown connectors and missing credentials before running anything', async () => {
    const bad = await runWorkflow({ id: 'wf', name: 'x', nodes: [] } as unknown as Workflow, {
      credentials: noCredentials,
    });
    assert.equal(bad.status, 'failed');
    assert.match(bad.error!, /cannot run: nodes/);
    const cyc = workflowProblems(
      wf(
        [
          { id: 'a', type: 'trigger' },
          { id: 'b', type: 'code', code: 'return 1' },
        ],
        [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'a' },
        ],
      ),
    );
    assert.match(cyc.join(), /closes a cycle/);
    const unknown = await runWorkflow(wf([{ id: 'a', type: 'nosuch.op' }]), { credentials: noCredentials });
    assert.match(unknown.error!, /unknown node type "nosuch\.op"/);
    const before = up.requests.length;
    const missing = await runWorkflow(
      wf([
        { id: 'a', type: 'trigger' },
        { id: 'b', type: 'http', method: 'GET', url: `${up.url}/x`, credential: 'cred_nope' },
      ]),
      { credentials: noCredentials },
    );
    assert.equal(missing.status, 'failed');
    assert.match(missing.error!, /credential "cred_nope" does not exist/);
    assert.equal(up.requests.length, before, 'nothing was sent');
    assert.deepEqual(
      missing.nodes.map((n) => n.status),
      ['skipped', 'skipped'],
    );
  });

  it('reports an expression over a node that has not run', async () => {
    const ex = await runWorkflow(
      wf(
        [
          { id: 'a', type: 'trigger' },
          { id: 'b', type: 'http', method: 'GET', url: '{{ $node.c.url }}' },
          { id: 'c', type: 'code', code: 'return 1' },
        ],
        [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'c' },
        ],
      ),
      { credentials: noCredentials },
    );
    assert.equal(ex.status, 'failed');
    assert.match(ex.error!, /\$node\.c has not run/);
  });
});
