// Configuration enters at the edge (server/src/cli/config.ts and the CLI commands): the domain, the API, the engine
// and the language server's pure service layer read no environment. See docs/architecture.md.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LAYERS = ['server/src/core', 'server/src/api', 'server/src/engine', 'server/src/lsp/service'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('core, api, engine and lsp/service read no process.env', () => {
  const found: string[] = [];
  for (const layer of LAYERS)
    for (const file of files(join(root, layer)))
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/process\s*\.\s*env|process\s*\[\s*['"]env/.test(line)) found.push(`${relative(root, file)}:${i + 1}`);
        });
  assert.deepEqual(
    found,
    [],
    `read the setting in server/src/cli/config.ts and pass it down instead:\n${found.join('\n')}`,
  );
});
