// Runs one bench module in its own process (so one bench's heap, JIT state or leftovers never skew the next) and
// writes its results as JSON to the file named by argv[3]. Invoked by bench/run.ts.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types';

async function main(): Promise<void> {
  const [file, outFile] = process.argv.slice(2);
  if (!file || !outFile) throw new Error('usage: child.ts <bench file> <result json>');
  const mod = (await import(pathToFileURL(file).href)) as Partial<BenchModule> & { default?: Partial<BenchModule> };
  const run = mod.run ?? mod.default?.run;
  if (typeof run !== 'function') throw new Error(`${file} does not export run()`);
  const description = mod.description ?? mod.default?.description;
  const results: BenchResult[] = await run();
  writeFileSync(outFile, JSON.stringify({ description, results }));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    const outFile = process.argv[3];
    const message = err instanceof Error ? err.message : String(err);
    if (outFile) writeFileSync(outFile, JSON.stringify({ error: message.split('\n')[0] }));
    process.exit(1);
  },
);
