// `npm run bench` runs every module several times (FLERO_BENCH_ROUNDS, default 3), the modules in turn, so a burst of
// noise hits one round of one module rather than every round of it. This folds the rounds of one module into one
// result per figure: the median round by ratio (its ours, baseline and note, so the three always belong together),
// with every round's ratio named in the note.
import type { ModuleRun } from './report';
import type { BenchResult } from './types';

/** FLERO_BENCH_ROUNDS, 1 to 9 (default 3). */
export function rounds(): number {
  const raw = Number(process.env.FLERO_BENCH_ROUNDS ?? '3');
  return Number.isInteger(raw) && raw >= 1 ? Math.min(raw, 9) : 3;
}

function fmtRatio(r: number): string {
  return Number.isFinite(r) ? String(Math.round(r * 100) / 100) : 'n/a';
}

/** The median element by `key` (the lower middle of an even count); NaN keys sort last. */
function medianBy<T>(items: T[], key: (t: T) => number): T {
  const sorted = [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return x - y;
  });
  const finite = sorted.filter((t) => !Number.isNaN(key(t)));
  const pool = finite.length ? finite : sorted;
  return pool[Math.floor((pool.length - 1) / 2)]!;
}

/** One module's rounds → one ModuleRun. A round that failed is named; the figures come from the rounds that ran. */
export function mergeRounds(runs: ModuleRun[]): ModuleRun {
  if (runs.length === 0) throw new Error('mergeRounds: no rounds');
  const first = runs[0]!;
  const load = runs.flatMap((r) => r.load ?? []);
  const loadNote = load.length
    ? `; load average at the start of each round ${load.map((l) => l.toFixed(2)).join(', ')}`
    : '';
  if (runs.length === 1)
    return {
      ...first,
      results: first.results.map((x) => ({
        ...x,
        note: `${x.note ?? ''}${loadNote ? ` (${loadNote.slice(2)})` : ''}`.trim(),
      })),
    };
  const ok = runs.filter((r) => !r.error);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const failed = runs.length - ok.length;
  if (!ok.length) return { ...first, seconds, error: `every round failed; first: ${first.error}` };
  const names: string[] = [];
  for (const r of ok) for (const x of r.results) if (!names.includes(x.name)) names.push(x.name);
  const results: BenchResult[] = names.map((name) => {
    const seen = ok.map((r) => r.results.find((x) => x.name === name)).filter((x): x is BenchResult => !!x);
    const pick = medianBy(seen, (x) => x.ratio);
    const all = seen.map((x) => fmtRatio(x.ratio)).join(', ');
    const note = `median of ${seen.length} rounds by ratio (${all})${failed ? `; ${failed} round(s) failed` : ''}${loadNote}. ${pick.note ?? ''}`;
    return { ...pick, note: note.trim() };
  });
  return { module: first.module, description: ok[0]!.description, results, seconds, load };
}
