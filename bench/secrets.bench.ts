// Secret detection quality and speed: the corpus (test/fixtures/secrets/corpus.json) placed in every place a
// workflow holds a string, judged by the real language service; plus the rule table's scanning speed over this
// repository's source text.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_RULES, scanText } from '../server/src/core/secrets';
import { evaluate } from '../test/helpers/secretCorpus';
import { REPO_ROOT } from './lib/paths';
import { median, round } from './lib/stats';
import type { BenchResult } from './lib/types';

export const description = [
  'Corpus: every positive (generated, format-valid tokens of each rule, with the format’s documentation) and negative',
  '(placeholders in key slots, look-alikes in neutral places) placed into headers, Bearer/Basic headers, URL queries',
  'and userinfo, query and body maps, connector params, Code-node string and template literals; `computeDiagnostics`',
  'judges each file. Recall counts a positive only when an error/warning covers exactly the secret. Scan speed:',
  '`scanText` over server/ and test/ source files in one process against a plain `RegExp.test` of one Flero-key',
  'expression over the same texts (the floor any scanner pays to read the text once).',
].join(' ');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== '.cache' && !name.startsWith('.')) sources(p, out);
    } else if (/\.(ts|mjs|json|md)$/.test(name)) out.push(readFileSync(p, 'utf8'));
  }
  return out;
}

/** Whole-process wall time (ms) of a command over the repository, median of 3, after one warm-up. */
function wall(cmd: string, args: string[]): { ms: number; stdout: string } | undefined {
  const once = () => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error) return undefined;
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout: r.stdout };
  };
  if (!once()) return undefined;
  const runs = [once()!, once()!, once()!];
  return { ms: median(runs.map((x) => x.ms)), stdout: runs[0]!.stdout };
}

function scanProcess(): BenchResult[] {
  const ours = wall(process.execPath, ['bin/flero.js', 'scan', '--format', 'json', '.']);
  if (!ours) return [];
  const files = (JSON.parse(ours.stdout) as { scanned: number }).scanned;
  const rg = wall('rg', ['-c', '--no-messages', '[a-z][a-z0-9_]{0,30}_[0-9A-Za-z]{36}', '.']);
  const fps = (ms: number) => round(files / (ms / 1000), 0);
  return [
    {
      name: `flero scan . on this repository (${files} files, whole process) vs ripgrep with one Flero-key expression over the same tree`,
      ours: fps(ours.ms),
      baseline: rg ? fps(rg.ms) : Number.NaN,
      unit: 'files/s',
      ratio: rg ? round(fps(ours.ms) / fps(rg.ms), 3) : Number.NaN,
      goal: 'info',
      note: rg
        ? `${round(ours.ms, 0)} ms vs ${round(rg.ms, 0)} ms; ripgrep runs one expression, flero scan all ${SECRET_RULES.length} rules, placeholders and checksums`
        : 'ripgrep not installed: no baseline',
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const e = evaluate();
  const texts = [...sources(join(REPO_ROOT, 'server')), ...sources(join(REPO_ROOT, 'test'))];
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  const time = (f: () => void) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 3; i++) f();
    return Number(process.hrtime.bigint() - t0) / 3e6;
  };
  const one = /(?<![A-Za-z0-9_])[a-z][a-z0-9_]{0,30}_[0-9A-Za-z]{36}(?![A-Za-z0-9_])/;
  time(() => {
    for (const t of texts) scanText(t);
  });
  const ours = time(() => {
    for (const t of texts) scanText(t);
  });
  const base = time(() => {
    for (const t of texts) one.test(t);
  });
  const mbs = (ms: number) => round(bytes / 1e6 / (ms / 1000), 1);
  return [
    {
      name: `recall on the corpus (${e.positives.length} placed positives, range exact)`,
      ours: round(e.recall, 4),
      baseline: Number.NaN,
      unit: 'fraction',
      ratio: Number.NaN,
      goal: 'ours ≥ 0.95',
    },
    {
      name: `false alarms at error/warning on the corpus (${e.negatives.length} placed negatives)`,
      ours: round(e.falseAlarms, 4),
      baseline: Number.NaN,
      unit: 'fraction',
      ratio: Number.NaN,
      goal: 'ours ≤ 0.02',
    },
    ...scanProcess(),
    {
      name: `scanText over ${texts.length} source files (${round(bytes / 1e6, 1)} MB) vs one RegExp.test of the Flero-key expression`,
      ours: mbs(ours),
      baseline: mbs(base),
      unit: 'MB/s',
      ratio: round(mbs(ours) / mbs(base), 3),
      goal: 'info',
    },
  ];
}
