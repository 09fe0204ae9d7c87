// Runs the node:test suites. `node test/run.mjs` = everything but e2e and reliability; `node test/run.mjs <dir>…`
// = the named folders under test/ (e.g. `reliability`, `api`). TypeScript is loaded through tsx. Files run two at a
// time, except `*.solo.test.ts`: those measure latency under load they create themselves, so they run afterwards, one
// at a time, with nothing else beside them.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const testRoot = fileURLToPath(new URL('.', import.meta.url));
const SEPARATE = new Set(['e2e', 'reliability']);
const only = process.argv.slice(2);

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (dir === testRoot && (only.length ? !only.includes(name) : SEPARATE.has(name))) continue;
      collect(p, out);
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = collect(testRoot, []);
if (!files.length) {
  console.error(`no test files found${only.length ? ` under ${only.join(', ')}` : ''}`);
  process.exit(1);
}
const solo = files.filter((f) => f.endsWith('.solo.test.ts'));
const shared = files.filter((f) => !f.endsWith('.solo.test.ts'));

function runFiles(list, concurrency) {
  console.log(
    `running ${list.length} test file(s)${concurrency === 1 ? ' one at a time' : ''}: ${list.map((f) => relative(testRoot, f)).join(' ')}`,
  );
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...list],
    { stdio: 'inherit', cwd: join(testRoot, '..') },
  );
  return res.status ?? 1;
}

let status = shared.length ? runFiles(shared, 2) : 0;
if (solo.length) status = runFiles(solo, 1) || status;
process.exit(status);
