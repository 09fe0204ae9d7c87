// Bounded execution records: whatever a run produced, the stored JSON stays within the limits and says what it cut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { boundRecord, MAX_NODE_OUTPUT_BYTES, MAX_RECORD_BYTES } from '../../server/src/engine/bound';
import type { Execution, NodeRecord } from '../../server/src/engine/types';

const at = '2026-12-02T00:00:00.000Z';
function record(nodes: Partial<NodeRecord>[], extra: Partial<Execution> = {}): Execution {
  return {
    id: 'exe_0',
    workflowId: 'wf',
    status: 'succeeded',
    startedAt: at,
    input: {},
    nodes: nodes.map((n, i) => ({ id: `n${i}`, type: 'code', status: 'succeeded', logs: [], ...n })),
    ...extra,
  };
}
const size = (e: Execution) => Buffer.byteLength(JSON.stringify(e));

describe('boundRecord', () => {
  it('replaces a node output over 256 KiB by a marker with its size, keeps smaller ones', () => {
    const big = 'a'.repeat(MAX_NODE_OUTPUT_BYTES);
    const e = boundRecord(record([{ output: big }, { output: { ok: 'small' } }], { output: big }));
    assert.deepEqual(e.nodes[0]!.output, { truncated: true, bytes: MAX_NODE_OUTPUT_BYTES + 2 });
    assert.deepEqual(e.nodes[1]!.output, { ok: 'small' });
    assert.deepEqual(e.output, { truncated: true, bytes: MAX_NODE_OUTPUT_BYTES + 2 });
  });

  it('leaves a small record untouched (same object, same JSON)', () => {
    const e = record([{ output: [1, 2, 3], logs: [{ level: 'log', message: 'hi', at }] }]);
    const before = JSON.stringify(e);
    assert.equal(boundRecord(e), e);
    assert.equal(JSON.stringify(e), before);
  });

  it('any mix of outputs, log lines (quotes that escape to twice their size) and input ends ≤ 2 MiB', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            outKb: fc.integer({ min: 0, max: 250 }),
            lines: fc.integer({ min: 0, max: 400 }),
            lineChars: fc.integer({ min: 1, max: 10_000 }),
            quote: fc.boolean(),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 1500 }),
        (nodes, inputKb) => {
          const e = record(
            nodes.map((n) => ({
              output: n.outKb ? 'o'.repeat(n.outKb * 1024) : undefined,
              logs: Array.from({ length: n.lines }, () => ({
                level: 'log' as const,
                message: (n.quote ? '"' : 'l').repeat(n.lineChars),
                at,
              })),
            })),
            { input: { blob: 'i'.repeat(inputKb * 1024) } },
          );
          const bounded = boundRecord(e);
          assert.ok(size(bounded) <= MAX_RECORD_BYTES, `${size(bounded)} bytes`);
          assert.ok(size(boundRecord(bounded)) === size(bounded), 'idempotent');
        },
      ),
      { numRuns: 60 },
    );
  });
});
