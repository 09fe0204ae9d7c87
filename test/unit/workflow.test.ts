import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluatePath,
  hasExpression,
  parsePath,
  parseTemplate,
  renderDeep,
  renderTemplate,
} from '../../server/src/core/expressions';
import { graphProblems, topologicalOrder, WorkflowSchema, workflowJsonSchema } from '../../server/src/core/workflow';

const example = {
  id: 'wf_weather_digest',
  name: 'Weather digest',
  nodes: [
    { id: 'start', type: 'trigger' },
    {
      id: 'forecast',
      type: 'http',
      method: 'GET',
      url: 'https://api.weather.example/v1/forecast',
      credential: 'cred_weather',
      query: { city: '{{ $input.city }}' },
    },
    { id: 'shape', type: 'code', code: 'return 1;' },
    { id: 'post', type: 'slack.postMessage', credential: 'cred_slack', params: { channel: '#ops', text: 'hi' } },
  ],
  connections: [
    { from: 'start', to: 'forecast' },
    { from: 'forecast', to: 'shape' },
    { from: 'shape', to: 'post' },
  ],
};

describe('workflow schema', () => {
  it('accepts the product document example', () => {
    const r = WorkflowSchema.safeParse(example);
    assert.ok(r.success, JSON.stringify(r.error?.issues));
    assert.deepEqual(graphProblems(r.data), []);
    assert.deepEqual(topologicalOrder(r.data), ['start', 'forecast', 'shape', 'post']);
  });

  it('rejects unknown fields, a missing url and a bad connector type', () => {
    const bad = structuredClone(example) as { nodes: Record<string, unknown>[] };
    bad.nodes[1]!.urll = 'x';
    delete bad.nodes[1]!.url;
    bad.nodes[3]!.type = 'slack';
    const r = WorkflowSchema.safeParse(bad);
    assert.equal(r.success, false);
  });

  it('reports duplicate ids, unknown nodes and cycles', () => {
    const wf = {
      nodes: [
        { id: 'a', type: 'trigger' as const },
        { id: 'b', type: 'code' as const, code: '' },
        { id: 'b', type: 'code' as const, code: '' },
      ],
      connections: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
        { from: 'a', to: 'zzz' },
      ],
    };
    assert.deepEqual(
      graphProblems(wf)
        .map((p) => p.code)
        .sort(),
      ['cycle', 'duplicate-node-id', 'unknown-node'],
    );
  });

  it('produces a JSON Schema for editors', () => {
    const s = workflowJsonSchema();
    assert.equal(s.type, 'object');
    assert.ok((s.required as string[]).includes('nodes'));
  });
});

describe('expressions', () => {
  const scope = { $input: { city: 'Oslo', n: 3 }, $node: { shape: { summary: 'Cold', list: [{ x: 1 }] } } };

  it('parses templates with offsets', () => {
    const parts = parseTemplate('a {{ $input.city }} b');
    assert.deepEqual(
      parts.map((p) => [p.kind, p.value, p.start, p.end]),
      [
        ['text', 'a ', 0, 2],
        ['expr', '$input.city', 2, 19],
        ['text', ' b', 19, 21],
      ],
    );
    assert.equal(parts[1]!.exprStart, 5);
    assert.ok(hasExpression('{{$input}}'));
    assert.equal(hasExpression('{ not }'), false);
  });

  it('evaluates paths and keeps types for whole-string expressions', () => {
    assert.equal(renderTemplate('{{ $input.n }}', scope), 3);
    assert.equal(renderTemplate('Temp in {{ $input.city }}: {{ $node.shape.summary }}', scope), 'Temp in Oslo: Cold');
    assert.equal(evaluatePath('$node.shape.list[0]["x"]', scope), 1);
    assert.deepEqual(renderDeep({ q: ['{{ $input.city }}'] }, scope), { q: ['Oslo'] });
    assert.equal(renderTemplate('{{ $input.missing }}!', scope), '!');
  });

  it('refuses anything that is not a path', () => {
    assert.ok('error' in parsePath('process.exit()'));
    assert.ok('error' in parsePath('$input.a()'));
    assert.throws(() => evaluatePath('$node.later.x', scope), /has not run/);
    assert.equal(evaluatePath('$input.constructor', scope), undefined);
  });
});
