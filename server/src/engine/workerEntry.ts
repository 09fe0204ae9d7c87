// Where a code worker's script is: dist/codeWorker.mjs beside the bundle that runs the pool (esbuild.mjs builds it
// there), or codeWorker.ts in the source tree when running under tsx (tests, benches). sandbox.ts starts its workers
// from what this finds.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Entry {
  /** A path (bundles) or, from source under tsx, a bootstrap to evaluate. */
  filename: string;
  eval: boolean;
}

/** Finds the worker script: beside the bundle (dist/codeWorker.mjs), or codeWorker.ts from source (tsx). */
export function codeWorkerEntry(dirs = bundleDirs()): Entry {
  const looked: string[] = [];
  for (const dir of dirs) {
    const built = join(dir, 'codeWorker.mjs');
    looked.push(built);
    if (existsSync(built)) return { filename: built, eval: false };
    const source = join(dir, 'codeWorker.ts');
    if (existsSync(source)) {
      // Running from source (tests, benches): the worker loads the TypeScript through tsx's require hook.
      const tsx = createRequire(source).resolve('tsx/cjs');
      return { filename: `require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(source)});`, eval: true };
    }
  }
  throw new Error(
    `the code sandbox cannot find its worker script codeWorker.mjs (looked in: ${looked.join(', ') || 'nowhere'}); rebuild with \`node esbuild.mjs\``,
  );
}

/** The folder of this module: the bundle's (dist/) or engine/ in the source tree. */
function bundleDirs(): string[] {
  const dirs: string[] = [];
  try {
    // The ESM bundles (dist/flero.mjs, dist/languageServer.mjs): esbuild.mjs builds dist/codeWorker.mjs beside them.
    const here = import.meta.url;
    if (here) dirs.push(dirname(fileURLToPath(here)));
  } catch {
    // import.meta is empty when this file runs as CommonJS (tsx, or a CJS bundle).
  }
  if (typeof __dirname === 'string' && !dirs.includes(__dirname)) dirs.push(__dirname);
  return dirs;
}
