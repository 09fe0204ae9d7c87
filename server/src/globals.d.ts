// Constants esbuild.mjs substitutes at build time (`define`). From source (tsx) they are not defined: read them with
// a `typeof` guard (see core/version.ts).

/** package.json's `version`. */
declare const __FLERO_VERSION__: string | undefined;
