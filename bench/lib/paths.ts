// Where things are: the checkout, the built programs, scratch space.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(REPO_ROOT, 'dist');
export const FLERO_CLI = join(DIST, 'flero.mjs');

export function requireBuilt(file = FLERO_CLI): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`node esbuild.mjs\` first`);
}

/** A fresh scratch directory under the OS temp dir; `cleanup()` removes it. */
export function scratchDir(label: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `flero-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
