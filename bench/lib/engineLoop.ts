// The engine bench's loop, shared by bench/engine.bench.ts and its profiling driver bench/engine.profile.ts so that
// the profile is of exactly what the bench measures: a trigger + http node with a bearer credential against a local
// upstream, and the raw undici request to the same URL with the same headers (same bytes on the wire).
import type { Workflow } from '../../server/src/core/workflow';
import type { CredentialForRun } from '../../server/src/engine/types';

/** The credential value: a canary, never a real secret. */
export const CANARY = 'bench-engine-token-5f1c9a0e7d2b4c68';

export function httpNodeLoop(upstreamUrl: string): {
  url: string;
  credential: CredentialForRun;
  workflow: Workflow;
  /** What the raw undici baseline sends: the engine's User-Agent and the injected bearer header. */
  headers: Record<string, string>;
} {
  const url = `${upstreamUrl}/v1/items`;
  const credential: CredentialForRun = {
    id: 'cred_bench',
    name: 'bench',
    service: 'custom',
    authType: 'bearer',
    hosts: [new URL(upstreamUrl).host],
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
  return { url, credential, workflow, headers: { 'user-agent': 'flero-engine', authorization: `Bearer ${CANARY}` } };
}
