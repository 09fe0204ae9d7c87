// The lint pool's gates (server/src/cli/lint/pool.ts): workers only for enough files and enough text, or when
// FLERO_LINT_WORKERS says so; exactly N workers for =N; none for =0.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { MIN_BYTES_FOR_WORKERS, MIN_FILES_FOR_WORKERS, poolPlan } from '../../server/src/cli/lint/pool';

const env = (v?: string): NodeJS.ProcessEnv => (v === undefined ? {} : { FLERO_LINT_WORKERS: v });

test('=N: exactly N workers (at most one per file) and the main thread checks nothing; =0 is all on the main thread', () => {
  assert.deepEqual(poolPlan(10, env('3'), 1), { workers: 3, main: false });
  assert.deepEqual(poolPlan(2, env('5'), 1), { workers: 2, main: false });
  assert.deepEqual(poolPlan(10, env('0'), MIN_BYTES_FOR_WORKERS * 4), { workers: 0, main: true });
});

test('by default: no worker for few files, or for little text, whatever the cores', () => {
  assert.deepEqual(poolPlan(MIN_FILES_FOR_WORKERS - 1, env(), MIN_BYTES_FOR_WORKERS * 4), { workers: 0, main: true });
  assert.deepEqual(poolPlan(200, env(), 1.5 * 1024 * 1024), { workers: 0, main: true });
});

test('many files with enough text (or =auto) get min(files, cores) checkers when a core is idle', (t) => {
  if (availableParallelism() < 2) return t.skip('one core: never any worker');
  const big = poolPlan(200, env('auto'), MIN_BYTES_FOR_WORKERS);
  assert.deepEqual(big, { workers: Math.min(200, availableParallelism()) - 1, main: true });
  assert.deepEqual(poolPlan(200, env('auto'), 1), big, '=auto does not wait for 8 MiB');
  assert.deepEqual(poolPlan(3, env('auto'), MIN_BYTES_FOR_WORKERS), { workers: 0, main: true });
});
