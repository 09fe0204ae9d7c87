// `flero/runWorkflow`: opens the sealed credential values with the run key from the environment, runs the document
// through the engine in this process, streams masked progress, returns the masked execution. Values live only in a
// local map for the duration of the run; nothing here logs or stores them, and errors never quote them.
import { parse as parseJsonc } from './service/jsonc';
import { CredentialMetaSchema, type CredentialMeta } from '../core/credentials';
import { unseal } from '../core/seal';
import { runWorkflow } from '../engine/runner';
import type { CredentialForRun, ProgressEvent } from '../engine/types';
import { RUN_KEY_ENV, type RunWorkflowParams, type RunWorkflowResult } from './protocol';

export interface RunDeps {
  /** The document text (open document, or the file on disk). */
  text: string;
  credentials: readonly CredentialMeta[];
  signal: AbortSignal;
  onProgress: (event: ProgressEvent) => void;
  env?: NodeJS.ProcessEnv;
}

export class RunError extends Error {}

function openValues(sealed: string | undefined, env: NodeJS.ProcessEnv): Map<string, string> {
  const values = new Map<string, string>();
  if (!sealed) return values;
  const rawKey = env[RUN_KEY_ENV];
  if (!rawKey) throw new RunError(`cannot open the credentials: ${RUN_KEY_ENV} was not given to the language server`);
  const key = Buffer.from(rawKey, 'base64');
  if (key.length !== 32) throw new RunError(`cannot open the credentials: ${RUN_KEY_ENV} is not 32 bytes of base64`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(unseal(key, sealed));
  } catch {
    throw new RunError('cannot open the credentials: wrong run key or tampered data');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new RunError('sealed credentials must be an object of credential id → value');
  for (const [id, v] of Object.entries(parsed)) if (typeof v === 'string') values.set(id, v);
  return values;
}

export async function runDocument(params: RunWorkflowParams, deps: RunDeps): Promise<RunWorkflowResult> {
  const errors: { error: number; offset: number; length: number }[] = [];
  const workflow = parseJsonc(deps.text, errors);
  if (errors.length) throw new RunError('the workflow file is not valid JSON: fix the problems shown in the editor');
  const values = openValues(params.sealedCredentials, deps.env ?? process.env);
  const metas = new Map(deps.credentials.map((c) => [c.id, c]));
  try {
    const execution = await runWorkflow(workflow, {
      input: params.input ?? {},
      signal: deps.signal,
      onProgress: deps.onProgress,
      credentials: async (id) => {
        const meta = metas.get(id);
        const value = values.get(id);
        if (!meta || value === undefined) return undefined;
        const checked = CredentialMetaSchema.safeParse(meta);
        if (!checked.success) return undefined;
        const cred: CredentialForRun = { ...checked.data, value };
        return cred;
      },
    });
    return { execution };
  } finally {
    values.clear();
  }
}
