// jsonc-parser through its ESM build: its package `main` is a UMD bundle whose dynamic `require('./impl/…')` calls
// esbuild cannot follow (the bundled server would fail at start), so everything imports jsonc-parser from here.
export * from 'jsonc-parser/lib/esm/main.js';
