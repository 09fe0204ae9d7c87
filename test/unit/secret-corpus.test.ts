// The corpus (test/fixtures/secrets/corpus.json, built by build.ts) through the real language service, every value
// in every place a workflow holds a string: recall ≥ 95% with the range exactly the secret, false alarms ≤ 2% at
// error/warning severity. The same figures go into BENCHMARKS.md (bench/secrets.bench.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECRET_RULES } from '../../server/src/core/secrets';
import { corpus, evaluate } from '../helpers/secretCorpus';

const result = evaluate();

test('every rule of the table has positives in the corpus, with where the format comes from', () => {
  for (const rule of SECRET_RULES) {
    const mine = corpus.positives.filter((p) => p.rule === rule.id);
    assert.ok(mine.length >= 3, `${rule.id}: ${mine.length} positives`);
    assert.ok(mine.every((p) => p.source === rule.source && p.source.length > 10));
  }
  assert.ok(corpus.negatives.filter((n) => n.kind === 'placeholder').length >= 40);
  assert.ok(corpus.negatives.filter((n) => n.kind === 'look-alike').length >= 15);
});

test('recall ≥ 95%: a positive counts only when an error/warning covers exactly the secret', () => {
  const misses = result.positives
    .filter((p) => !p.ok)
    .map(
      (p) =>
        `${p.rule} in ${p.placement}: found ${JSON.stringify(p.found.map((f) => f.slice(0, 2)))}, expected ${p.expected}`,
    );
  assert.ok(result.positives.length > 600, `${result.positives.length} placed positives`);
  assert.ok(result.recall >= 0.95, `recall ${result.recall}: ${misses.slice(0, 20).join('\n')}`);
});

test('every placement of every rule is found somewhere (no blind spot)', () => {
  const seen = new Map<string, boolean>();
  for (const p of result.positives)
    seen.set(`${p.rule}/${p.placement}`, (seen.get(`${p.rule}/${p.placement}`) ?? false) || p.ok);
  const blind = [...seen].filter(([, ok]) => !ok).map(([k]) => k);
  assert.deepEqual(blind, []);
});

test('false alarms ≤ 2% at error/warning severity on placeholders and look-alikes', () => {
  const alarms = result.negatives
    .filter((n) => !n.ok)
    .map((n) => `${JSON.stringify(n.value)} in ${n.placement}: ${n.found.map((f) => f[3]).join('; ')}`);
  assert.ok(result.negatives.length > 400, `${result.negatives.length} placed negatives`);
  assert.ok(result.falseAlarms <= 0.02, `false alarms ${result.falseAlarms}:\n${alarms.slice(0, 20).join('\n')}`);
});

test('no Basic placeholder (user:password, admin:changeme, …) is an error or a warning in any of Basic’s places', () => {
  const basic = new Set(corpus.negatives.filter((n) => n.kind === 'basic-placeholder').map((n) => n.value));
  assert.ok(basic.size >= 5);
  const alarms = result.negatives.filter((n) => basic.has(n.value) && !n.ok).map((n) => `${n.value} in ${n.placement}`);
  assert.deepEqual(alarms, []);
});

test('positives written independently of the generators (documented examples, tokens built with zlib’s CRC-32) are found in every place', () => {
  const independent = corpus.positives.filter((p) => p.from !== undefined);
  assert.ok(independent.length >= 6, `${independent.length} independent positives`);
  assert.ok(independent.every((p) => p.from!.length > 10));
  const values = new Set(independent.map((p) => p.value));
  const misses = result.positives.filter((p) => values.has(p.value) && !p.ok).map((p) => `${p.rule} in ${p.placement}`);
  assert.deepEqual(misses, []);
});
