// Runs one part of a bench; if it throws, the part becomes a visible miss row (never a silent gap).
import type { BenchResult } from './types';

export async function guarded(name: string, goal: string, part: () => Promise<BenchResult[]>): Promise<BenchResult[]> {
  try {
    return await part();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`bench part "${name}" failed: ${message}\n`);
    return [
      {
        name: `${name} (did not run)`,
        ours: Number.NaN,
        baseline: Number.NaN,
        unit: '',
        ratio: Number.NaN,
        goal: goal === 'info' ? 'ratio ≥ 0' : goal,
        note: `did not run: ${message.split('\n')[0]}`,
      },
    ];
  }
}
