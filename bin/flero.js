#!/usr/bin/env node
// Thin launcher for the bundled CLI. dist/flero.mjs is built by `node esbuild.mjs`, which `npm ci` runs via `prepare`
// in a checkout; the npm package (`npm pack`) ships it built, so an installed package needs no build step.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'flero.mjs');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    `flero: ${entry} is missing. In a checkout of flero-vscode, run \`npm run build\` (or \`npm ci\`) first; ` +
      'an installed package should contain it: reinstall it from a tarball made with `npm pack`.\n',
  );
  process.exit(2);
}
// V8's on-disk code cache (Node ≥ 22.1; see enableCompileCache in server/src/cli/main.ts), before the bundle loads.
try {
  require('node:module').enableCompileCache?.();
} catch {
  // no cache: only slower
}
import(require('node:url').pathToFileURL(entry).href).catch((err) => {
  process.stderr.write(`flero: failed to start: ${err?.message ?? String(err)}\n`);
  process.exit(2);
});
