// Language-server diagnostics speed: our service (parse + every check, incl. the log-leak analysis) against
// vscode-json-languageservice validating the same text against `flero schema`'s JSON Schema, in one process, side
// by side; plus edit-to-diagnostics latency over real stdio against the built server.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { getLanguageService, TextDocument } from 'vscode-json-languageservice';
import { workflowJsonSchema } from '../server/src/core/workflow';
import { generateWorkflow } from '../test/fixtures/lsp/generate';
import { LspClient } from '../test/helpers/lspClient';
import { guarded } from './lib/guard';
import { scaled } from './lib/knobs';
import { REPO_ROOT } from './lib/paths';
import { median, msSince, round } from './lib/stats';
import type { BenchResult } from './lib/types';

export const description = [
  'In one process, on generated workflows (a trigger, then http nodes with headers/query/expressions, code nodes with',
  '~250 characters of JavaScript, connector nodes; a chain of connections): `parseDocument` + `computeDiagnostics`',
  '(server/src/lsp/service: jsonc-parser tree, zod schema, graph, credentials, hard-coded secrets, acorn parse and',
  'the log-leak taint analysis of every code node) against vscode-json-languageservice `parseJSONDocument` +',
  '`doValidation` with the workflow JSON Schema from `flero schema` (schema already loaded). Median of repeated runs',
  'after warm-up, alternating. Over stdio: `textDocument/didChange` then `textDocument/diagnostic` (pull) to the built',
  'dist/languageServer.mjs, median round trip.',
].join(' ');

type Service = typeof import('../server/src/lsp/service/diagnostics') &
  typeof import('../server/src/lsp/service/document');
let service: Service | undefined;

/**
 * The service as it ships: bundled by esbuild (as in dist/languageServer.mjs), not through tsx's on-the-fly
 * transform (which adds helpers to every function); the baseline runs as the plain JavaScript npm installed.
 */
async function loadService(): Promise<Service> {
  if (service) return service;
  const dir = join(REPO_ROOT, 'bench/.tmp');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'lsp-service-entry.ts');
  writeFileSync(
    entry,
    [
      `export { computeDiagnostics, clearCodeCache } from ${JSON.stringify(join(REPO_ROOT, 'server/src/lsp/service/diagnostics'))};`,
      `export { parseDocument } from ${JSON.stringify(join(REPO_ROOT, 'server/src/lsp/service/document'))};`,
    ].join('\n'),
  );
  const outfile = join(dir, 'lsp-service.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  service = (await import(outfile)) as Service;
  return service;
}

const credentials = [
  { id: 'cred_github', name: 'GitHub', service: 'github', authType: 'bearer' as const },
  { id: 'cred_slack', name: 'Slack', service: 'slack', authType: 'bearer' as const },
];

async function inProcess(
  nodes: number,
  reps: number,
  cold = true,
): Promise<{ ours: number; baseline: number; bytes: number; problems: number; oursCpu: number }> {
  const { computeDiagnostics, clearCodeCache, parseDocument } = await loadService();
  const text = generateWorkflow(nodes);
  const ls = getLanguageService({});
  ls.configure({
    validate: true,
    allowComments: true,
    schemas: [
      { uri: 'https://flero.ai/schemas/workflow.json', fileMatch: ['*.flero.json'], schema: workflowJsonSchema() },
    ],
  });
  const td = TextDocument.create('file:///bench/wf.flero.json', 'json', 1, text);
  const ours = async () => {
    // Cold: nothing memoised (every code node parsed and analysed again), as for a freshly opened file.
    if (cold) clearCodeCache();
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    const d = computeDiagnostics(parseDocument(td.uri, text, 1), { credentials });
    const ms = msSince(t);
    const used = process.cpuUsage(cpu);
    return { ms, n: d.length, cpu: (used.user + used.system) / 1000 };
  };
  const theirs = async () => {
    const t = process.hrtime.bigint();
    const doc = ls.parseJSONDocument(td);
    const d = await ls.doValidation(td, doc, { schemaValidation: 'error' });
    return { ms: msSince(t), n: d.length };
  };
  for (let i = 0; i < 3; i++) {
    await ours();
    await theirs();
  }
  const a: number[] = [];
  const cpuMs: number[] = [];
  const b: number[] = [];
  let problems = 0;
  let theirProblems = 0;
  for (let i = 0; i < reps; i++) {
    const x = await ours();
    const y = await theirs();
    a.push(x.ms);
    cpuMs.push(x.cpu ?? Number.NaN);
    b.push(y.ms);
    problems = x.n;
    theirProblems = y.n;
  }
  if (problems !== 0 || theirProblems !== 0)
    throw new Error(`the bench workflow should be clean (ours ${problems}, json-ls ${theirProblems} problems)`);
  return { ours: median(a), baseline: median(b), bytes: Buffer.byteLength(text), problems, oursCpu: median(cpuMs) };
}

async function overStdio(nodes: number, reps: number): Promise<number> {
  const server = join(REPO_ROOT, 'dist/languageServer.mjs');
  if (!existsSync(server)) throw new Error('build first (node esbuild.mjs)');
  const c = new LspClient({ command: process.execPath, args: [server, '--stdio'] });
  try {
    await c.initialize({ textDocument: { diagnostic: {} } }, { credentials });
    const uri = 'file:///bench/wf.flero.json';
    const base = generateWorkflow(nodes);
    c.open(uri, base, 1);
    await c.request('textDocument/diagnostic', { textDocument: { uri } });
    const samples: number[] = [];
    for (let i = 0; i < reps; i++) {
      // One "keystroke": a changed workflow name, full-text sync as simple clients do.
      const text = base.replace('"name": "Bench"', `"name": "Bench ${i}"`);
      const t = process.hrtime.bigint();
      c.change(uri, text, i + 2);
      await c.request('textDocument/diagnostic', { textDocument: { uri } });
      samples.push(msSince(t));
    }
    return median(samples);
  } finally {
    await c.close();
  }
}

const load = () => `1-min load average ${loadavg()[0]!.toFixed(1)} when measured`;

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  out.push(
    ...(await guarded('diagnostics, 50-node workflow, in-process', 'ours < 5', async () => {
      const r = await inProcess(50, scaled(200, 20));
      return [
        {
          name: `diagnostics, 50-node workflow (${Math.round(r.bytes / 1024)} KiB), in-process`,
          ours: round(r.ours, 3),
          baseline: round(r.baseline, 3),
          unit: 'ms',
          ratio: round(r.ours / r.baseline, 2),
          goal: 'ours < 5',
          note: `cold (code-analysis memo cleared); baseline: vscode-json-languageservice schema validation of the same text (no graph, secret or code checks); our median CPU time per run ${r.oursCpu.toFixed(2)} ms (wall time includes waiting for a core); ${load()}`,
        },
      ];
    })),
  );
  out.push(
    ...(await guarded('diagnostics, 2,000-node workflow, in-process', 'ratio ≤ 1.0', async () => {
      const r = await inProcess(2000, scaled(15, 5));
      return [
        {
          name: `diagnostics, 2,000-node workflow (${(r.bytes / 1024 / 1024).toFixed(2)} MiB), in-process`,
          ours: round(r.ours, 1),
          baseline: round(r.baseline, 1),
          unit: 'ms',
          ratio: round(r.ours / r.baseline, 2),
          goal: 'ratio ≤ 1.0',
          note: `cold (code-analysis memo cleared before each run); ours runs every check (schema, graph, credentials, secrets, acorn + log-leak on ~670 code nodes); baseline only JSON Schema validation; ${load()}`,
        },
      ];
    })),
  );
  out.push(
    ...(await guarded('diagnostics, 2,000-node workflow, in-process, after an edit', 'ratio ≤ 1.0', async () => {
      const r = await inProcess(2000, scaled(15, 5), false);
      return [
        {
          name: '  … the same after an edit (unchanged code nodes memoised by text)',
          ours: round(r.ours, 1),
          baseline: round(r.baseline, 1),
          unit: 'ms',
          ratio: round(r.ours / r.baseline, 2),
          goal: 'ratio ≤ 1.0',
          note: `what a keystroke costs in the server: the code analysis of unchanged Code nodes is reused; ${load()}`,
        },
      ];
    })),
  );
  for (const nodes of [50, 2000]) {
    out.push(
      ...(await guarded(`edit → pull diagnostics over stdio, ${nodes} nodes`, 'info', async () => {
        const ms = await overStdio(nodes, scaled(nodes > 100 ? 10 : 40, 5));
        const inproc = await inProcess(nodes, 5);
        return [
          {
            name: `edit → pull diagnostics over stdio, ${nodes}-node workflow`,
            ours: round(ms, 2),
            baseline: round(inproc.ours, 2),
            unit: 'ms',
            ratio: round(ms / inproc.ours, 2),
            goal: 'info',
            note: 'baseline column: the same diagnostics in-process (the difference is JSON-RPC framing + full-text sync)',
          },
        ];
      })),
    );
  }
  return out;
}
