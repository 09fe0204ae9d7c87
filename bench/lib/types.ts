// The contract every `bench/*.bench.ts` module fulfils: `export async function run(): Promise<BenchResult[]>`.
// Optionally `export const description = '…'` (what it measures, shown in BENCHMARKS.md).

export interface BenchResult {
  /** What was measured, e.g. "authenticated GET /api/workflows/{id}". */
  name: string;
  /** Our figure. */
  ours: number;
  /** The alternative's figure, measured in the same run. */
  baseline: number;
  /** Unit of `ours` and `baseline` (req/s, ms, KiB, …). */
  unit: string;
  /** ours / baseline (or as the bench defines it; the goal says which direction is good). */
  ratio: number;
  /**
   * The goal: `ratio ≥ 0.9`, `ratio ≤ 1.0`, `ours < 1000` (in `unit`), or `info` for a figure without a goal.
   * Comparators: ≥ >= ≤ <= < >.
   */
  goal: string;
  /** Why a figure misses its goal and what would close it, or how it was measured. */
  note?: string;
}

export interface BenchModule {
  run(): Promise<BenchResult[]>;
  description?: string;
}
