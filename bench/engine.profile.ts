// A profiling driver for the engine bench's http case (not a bench module: bench/run.ts only runs *.bench.ts).
// `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/engine.profile.ts [engine|undici] [seconds]` runs
// the same loop as bench/engine.bench.ts (32 concurrent loops, one trigger + http node workflow with a bearer
// credential, against the same bare upstream in its own process) for a fixed time, and prints runs/s.
import { Agent, request } from 'undici';
import type { Workflow } from '../server/src/core/workflow';
import { runWorkflow } from '../server/src/engine/runner';
import type { CredentialForRun } from '../server/src/engine/types';
import { startBareServer } from './lib/bare';

const CONCURRENCY = 32;
const CANARY = 'bench-engine-token-5f1c9a0e7d2b4c68';
const which = process.argv[2] ?? 'engine';
const seconds = Number(process.argv[3] ?? '8');

async function main(): Promise<void> {
  const body = Buffer.from(
    JSON.stringify({ ok: true, items: Array.from({ length: 10 }, (_, i) => ({ i, v: `v${i}` })) }),
  );
  const upstream = await startBareServer(body);
  const url = `${upstream.url}/v1/items`;
  const credential: CredentialForRun = {
    id: 'cred_bench',
    name: 'bench',
    service: 'custom',
    authType: 'bearer',
    hosts: [new URL(upstream.url).host],
    value: CANARY,
  };
  const workflow: Workflow = {
    id: 'wf_engine_bench',
    name: 'engine bench',
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'fetch', type: 'http', method: 'GET', url, credential: 'cred_bench' },
    ],
    connections: [{ from: 'start', to: 'fetch' }],
  };
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 128 });
  const op =
    which === 'engine'
      ? async () => {
          const ex = await runWorkflow(workflow, { credentials: async () => credential });
          if (ex.status !== 'succeeded') throw new Error(ex.error);
        }
      : async () => {
          const res = await request(url, {
            dispatcher: agent,
            headers: { 'user-agent': 'flero-engine', authorization: `Bearer ${CANARY}` },
          });
          await res.body.json();
        };
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        await op();
        done++;
      }
    }),
  );
  console.log(`${which}: ${Math.round(done / seconds)} /s`);
  await agent.close();
  await upstream.stop();
}

void main().then(() => process.exit(0));
