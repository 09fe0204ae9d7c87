// Parses a bench goal (`ratio ≥ 0.9`, `ours < 1000`, `info`) and judges a result against it.
import type { BenchResult } from './types';

export type Verdict = 'pass' | 'miss' | 'info';

const GOAL_RE = /^\s*(ratio|ours)\s*(≥|>=|≤|<=|<|>)\s*(-?\d+(?:\.\d+)?)/;

export function judge(r: BenchResult): Verdict {
  const m = GOAL_RE.exec(r.goal);
  if (!m) return 'info';
  const value = m[1] === 'ratio' ? r.ratio : r.ours;
  if (!Number.isFinite(value)) return 'miss';
  const target = Number(m[3]);
  switch (m[2]) {
    case '≥':
    case '>=':
      return value >= target ? 'pass' : 'miss';
    case '≤':
    case '<=':
      return value <= target ? 'pass' : 'miss';
    case '<':
      return value < target ? 'pass' : 'miss';
    default:
      return value > target ? 'pass' : 'miss';
  }
}
