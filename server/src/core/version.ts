// The package's version, fixed at build time: esbuild.mjs defines __FLERO_VERSION__ from package.json (declared in
// server/src/globals.d.ts). Code run from source (tsx: tests, benches) has no build step and says so.
export const FLERO_VERSION: string = typeof __FLERO_VERSION__ === 'string' ? __FLERO_VERSION__ : '0.0.0-source';
