// Runs the node:test suites. `node test/run.mjs` = everything but e2e and reliability; `node test/run.mjs <dir>…`
// = the named folders under test/ (e.g. `reliability`, `api`). TypeScript is loaded through tsx.
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
console.log(`running ${files.length} test file(s): ${files.map((f) => relative(testRoot, f)).join(' ')}`);
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: join(testRoot, '..') },
);
process.exit(res.status ?? 1);
