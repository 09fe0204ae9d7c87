// bench/lib/rounds.ts: the rounds of one module fold into the median round of each figure, named in its note.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModuleRun } from '../../bench/lib/report';
import { mergeRounds, rounds } from '../../bench/lib/rounds';

const run = (ratio: number, note = `r${ratio}`, error?: string): ModuleRun => ({
  module: 'auth',
  seconds: 10,
  results: error
    ? []
    : [{ name: 'rps', ours: ratio * 100, baseline: 100, unit: 'req/s', ratio, goal: 'ratio ≥ 0.9', note }],
  ...(error ? { error } : {}),
});

test('the median round by ratio is kept whole: ours, baseline and note belong together', () => {
  const m = mergeRounds([run(0.8), run(0.95), run(0.7)]);
  assert.equal(m.results.length, 1);
  const r = m.results[0]!;
  assert.equal(r.ratio, 0.8);
  assert.equal(r.ours, 80);
  assert.match(r.note!, /^median of 3 rounds by ratio \(0\.8, 0\.95, 0\.7\)\. r0\.8$/);
  assert.equal(m.seconds, 30);
});

test('a failed round is named and left out; all failed is an error', () => {
  const m = mergeRounds([run(0.8), run(0, '', 'timed out'), run(0.9)]);
  assert.equal(m.error, undefined);
  assert.match(m.results[0]!.note!, /median of 2 rounds by ratio \(0\.8, 0\.9\); 1 round\(s\) failed/);
  const bad = mergeRounds([run(0, '', 'boom'), run(0, '', 'boom')]);
  assert.match(bad.error!, /every round failed; first: boom/);
});

test("each round's load average is named; one round keeps its figures; NaN ratios sort last", () => {
  const m3 = mergeRounds([
    { ...run(0.8), load: [1.5] },
    { ...run(0.9), load: [0.25] },
  ]);
  assert.match(m3.results[0]!.note!, /\(0\.8, 0\.9\); load average at the start of each round 1\.50, 0\.25\. r0\.8/);
  const one = mergeRounds([{ ...run(0.5), load: [2] }]);
  assert.equal(one.results[0]!.ratio, 0.5);
  assert.equal(one.results[0]!.note, 'r0.5 (load average at the start of each round 2.00)');
  const m = mergeRounds([run(Number.NaN), run(0.6), run(0.7)]);
  assert.equal(m.results[0]!.ratio, 0.6);
});

test('FLERO_BENCH_ROUNDS: default 3, bounded 1..9, junk falls back to 3', () => {
  const old = process.env.FLERO_BENCH_ROUNDS;
  try {
    delete process.env.FLERO_BENCH_ROUNDS;
    assert.equal(rounds(), 3);
    process.env.FLERO_BENCH_ROUNDS = '1';
    assert.equal(rounds(), 1);
    process.env.FLERO_BENCH_ROUNDS = '50';
    assert.equal(rounds(), 9);
    process.env.FLERO_BENCH_ROUNDS = 'x';
    assert.equal(rounds(), 3);
  } finally {
    if (old === undefined) delete process.env.FLERO_BENCH_ROUNDS;
    else process.env.FLERO_BENCH_ROUNDS = old;
  }
});
