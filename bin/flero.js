#!/usr/bin/env node
// Thin launcher for the bundled CLI (dist/flero.mjs is built by `node esbuild.mjs`, which `npm ci` runs via `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'flero.mjs');
if (!fs.existsSync(entry)) {
  process.stderr.write('flero: the CLI is not built yet. Run `npm run build` (or `npm ci`) in this checkout first.\n');
  process.exit(2);
}
import(require('node:url').pathToFileURL(entry).href).catch((err) => {
  process.stderr.write(`flero: failed to start: ${err?.message ?? String(err)}\n`);
  process.exit(2);
});
