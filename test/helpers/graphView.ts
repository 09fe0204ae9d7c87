// The workflow graph webview's script bundled as esbuild.mjs bundles dist/graphView.js (a browser IIFE), in memory:
// the unit tests check what goes into it and run it in Chromium.
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from './server';

export function bundleGraphView(): Promise<esbuild.BuildResult<{ write: false; metafile: true }>> {
  return esbuild.build({
    entryPoints: [join(REPO_ROOT, 'client/src/graph/view/main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}
