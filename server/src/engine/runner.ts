// The workflow engine: validate, resolve the credentials the workflow references (once per run, so a run keeps the
// values it started with while a rotation happens), run the nodes in dependency order, mask everything on its way
// out. Nodes: trigger (output = run input), http, code (QuickJS sandbox), connectors (`<service>.<operation>`).
import { newExecutionId } from '../core/ids';
import { Masker } from '../core/mask';
import { findOperation } from '../core/services';
import {
  type CodeNode,
  type ConnectorNode,
  graphProblems,
  type HttpNode,
  isCodeNode,
  isConnectorNode,
  isHttpNode,
  isTriggerNode,
  topologicalOrder,
  type Workflow,
  type WorkflowNode,
  WorkflowSchema,
} from '../core/workflow';
import { renderDeep, type ExpressionScope } from '../core/expressions';
import {
  boundOutput,
  boundRecord,
  type KnownBounds,
  MAX_ERROR_CHARS,
  MAX_LOG_CHARS,
  MAX_NODE_OUTPUT_BYTES,
  MAX_RECORD_BYTES,
} from './bound';
import { buildConnectorRequest } from './connector';
import { send } from './http';
import { httpParts } from './httpNode';
import { maskedSecretsOf, prefixesOf } from './inject';
import { runCode } from './sandbox';
import { RunStop, untilStopped } from './stop';
import type { CredentialForRun, Execution, LogLine, NodeRecord, ProgressEvent, RunOptions } from './types';

/** A run's default time limit (`RunOptions.timeLimitMs`): 10 minutes. */
export const DEFAULT_RUN_TIME_LIMIT_MS = 10 * 60_000;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function timeLimitError(ms: number): string {
  return `the run exceeded its time limit of ${ms} ms`;
}

/** Problems that stop a workflow from running at all (schema, graph, unknown node types); empty when runnable. */
export function workflowProblems(workflow: unknown): string[] {
  return checkWorkflow(workflow).problems;
}

// The API hands the engine the same (immutable) document object for every run of a workflow version: its parse and
// checks are remembered per object. Callers must not mutate a workflow object after running it.
interface Checked {
  problems: string[];
  workflow?: Workflow;
  /** Derived once per checked workflow (runnable ones only): nodes by id, run order, referenced credentials. */
  byId?: Map<string, WorkflowNode>;
  order?: string[];
  credentialIds?: string[];
}
const checked = new WeakMap<object, Checked>();

function checkWorkflow(workflow: unknown): Checked {
  if (workflow === null || typeof workflow !== 'object') return checkUncached(workflow);
  let result = checked.get(workflow);
  if (!result) {
    result = checkUncached(workflow);
    checked.set(workflow, result);
  }
  return result;
}

function checkUncached(workflow: unknown): Checked {
  const parsed = WorkflowSchema.safeParse(workflow);
  if (!parsed.success)
    return {
      problems: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(workflow)'}: ${i.message}`),
    };
  const problems = graphProblems(parsed.data).map((p) => p.message);
  for (const n of parsed.data.nodes)
    if (isConnectorNode(n) && !findOperation(n.type))
      problems.push(`node "${n.id}": unknown node type "${n.type}" (not in the service catalog)`);
  const wf = parsed.data;
  if (problems.length) return { problems, workflow: wf };
  return {
    problems,
    workflow: wf,
    byId: new Map(wf.nodes.map((n) => [n.id, n])),
    order: topologicalOrder(wf),
    credentialIds: credentialIds(wf),
  };
}

type NodeOutcome = { ok: true; output: unknown } | { ok: false; error: string; output?: unknown };

interface RunState {
  execution: Execution;
  scope: ExpressionScope;
  masker: Masker;
  credentials: Map<string, CredentialForRun>;
  options: RunOptions;
  startedMs: number;
  /**
   * Aborted when the caller's signal aborts or the run's time limit passes (then `overTime`); nodes get this one.
   * `release()` clears its timer and its listener on the caller's signal.
   */
  signal: RunStop;
  timeLimitMs: number;
  /** JSON size bounds of the outputs recorded so far (each walked once). */
  bounds: KnownBounds;
}

// ISO time stamps: one Date and string per millisecond, however many runs start or end in it.
let lastMs = Number.NaN;
let lastIso = '';
function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
function now(): string {
  return isoAt(Date.now());
}

function credentialIds(wf: Workflow): string[] {
  const ids = new Set<string>();
  for (const n of wf.nodes) if ('credential' in n && typeof n.credential === 'string') ids.add(n.credential);
  return [...ids];
}

function credentialFor(state: RunState, id: string | undefined): CredentialForRun | undefined {
  return id === undefined ? undefined : state.credentials.get(id);
}

function runHttp(node: HttpNode, state: RunState): Promise<NodeOutcome> {
  const parts = httpParts(node, state.scope);
  return send({
    method: node.method,
    url: parts.url,
    headers: parts.headers,
    query: parts.query,
    body: parts.body,
    credential: credentialFor(state, node.credential),
    timeoutMs: node.timeoutMs,
    signal: state.signal,
    serviceBaseUrls: state.options.serviceBaseUrls,
  });
}

async function runConnector(node: ConnectorNode, state: RunState): Promise<NodeOutcome> {
  const params = renderDeep(node.params ?? {}, state.scope) as Record<string, unknown>;
  const built = buildConnectorRequest(node.type, params, state.options.serviceBaseUrls);
  if (!built.ok) return built;
  const cred = credentialFor(state, node.credential);
  if (cred && cred.service !== built.request.service && cred.service !== 'custom')
    return {
      ok: false,
      error: `credential "${cred.id}" is for service "${cred.service}", not "${built.request.service}"`,
    };
  return send({
    ...built.request,
    credential: cred,
    timeoutMs: node.timeoutMs,
    signal: state.signal,
    serviceBaseUrls: state.options.serviceBaseUrls,
  });
}

async function runCodeNode(node: CodeNode, state: RunState, record: NodeRecord): Promise<NodeOutcome> {
  const result = await runCode({
    code: node.code,
    input: state.scope.$input,
    nodes: state.scope.$node,
    timeoutMs: node.timeoutMs,
    memoryLimitMb: node.memoryLimitMb,
    signal: state.signal,
    // Masked first, then cut: a secret straddling the cut never leaves its head behind.
    onLog: (line: LogLine) =>
      record.logs.push({
        level: line.level,
        message: state.masker.maskCut(line.message, MAX_LOG_CHARS, line.truncated === true),
        at: line.at,
      }),
  });
  return result.ok ? { ok: true, output: result.output } : { ok: false, error: result.error };
}

/** A node's work; the trigger's is done at once (its output is the run's input, masked already). */
function runNode(node: WorkflowNode, state: RunState, record: NodeRecord): NodeOutcome | Promise<NodeOutcome> {
  if (isTriggerNode(node)) return { ok: true, output: state.scope.$input };
  return runAsyncNode(node, state, record);
}

/** Expression errors ($node.x has not run, bad paths) and anything unexpected: a node failure, never a crash. */
function thrown(err: unknown): NodeOutcome {
  return { ok: false, error: err instanceof Error ? err.message : String(err) };
}

/** The node's work; it may reject (untilStopped turns that into a failure through `thrown`). */
function runAsyncNode(node: WorkflowNode, state: RunState, record: NodeRecord): Promise<NodeOutcome> {
  try {
    if (isHttpNode(node)) return runHttp(node, state);
    if (isCodeNode(node)) return runCodeNode(node, state, record);
    if (isConnectorNode(node)) return runConnector(node as ConnectorNode, state);
    return Promise.resolve({ ok: false, error: `unknown node type "${(node as { type: string }).type}"` });
  } catch (err) {
    return Promise.resolve(thrown(err));
  }
}

function emit(state: RunState, record: NodeRecord, logsFrom = 0): void {
  const cb = state.options.onProgress;
  if (!cb) return;
  const event: ProgressEvent = {
    executionId: state.execution.id,
    nodeId: record.id,
    nodeType: record.type,
    status: record.status,
  };
  if (record.durationMs !== undefined) event.durationMs = record.durationMs;
  // The record's error and log lines are masked already.
  if (record.error !== undefined) event.error = record.error;
  if (record.logs.length > logsFrom) event.logs = record.logs.slice(logsFrom);
  try {
    cb(event);
  } catch {
    // A listener's failure never breaks the run.
  }
}

const CANCELLED: NodeOutcome = { ok: false, error: 'the run was cancelled' };

/** Ends a run stopped by its signal: `failed` past the time limit, else `cancelled`. */
function stopped(state: RunState): Execution {
  return state.signal.overTime
    ? finish(state, 'failed', timeLimitError(state.timeLimitMs))
    : finish(state, 'cancelled', 'the run was cancelled');
}

function finish(state: RunState, status: Execution['status'], error?: string): Execution {
  state.signal.release();
  const ex = state.execution;
  ex.status = status;
  const end = Date.now();
  ex.finishedAt = isoAt(end);
  ex.durationMs = end - state.startedMs;
  if (error !== undefined) ex.error = state.masker.maskCut(error, MAX_ERROR_CHARS);
  for (const n of ex.nodes) if (n.status === 'pending') n.status = status === 'cancelled' ? 'cancelled' : 'skipped';
  // Every other field was masked as it entered the record (node outputs, errors, log lines), with the masker
  // complete: all credentials are resolved before the first node runs. The input is masked here.
  ex.input = state.scope.$input === ex.input ? state.masker.maskDeep(ex.input) : state.scope.$input;
  return boundRecord(ex, MAX_RECORD_BYTES, state.bounds);
}

/** A run's state before its first node: the execution record, its time limit and its abort (caller's signal or time). */
function startRun(workflow: Workflow, options: RunOptions): RunState {
  const input = options.input ?? {};
  const startedMs = Date.now();
  const execution: Execution = {
    id: options.executionId ?? newExecutionId(),
    workflowId: typeof workflow?.id === 'string' ? workflow.id : '',
    status: 'running',
    startedAt: isoAt(startedMs),
    input,
    nodes: [],
  };
  const limit = options.timeLimitMs;
  const timeLimitMs =
    typeof limit === 'number' && limit > 0 ? Math.min(Math.floor(limit), MAX_TIMER_MS) : DEFAULT_RUN_TIME_LIMIT_MS;
  return {
    execution,
    scope: { $input: input, $node: {} },
    masker: new Masker(),
    credentials: new Map(),
    options,
    startedMs,
    signal: new RunStop(options.signal, timeLimitMs, timeLimitError),
    timeLimitMs,
    bounds: new Map(),
  };
}

/**
 * Resolves every credential the workflow references, once (the run uses these values to the end), each into the
 * masker; the reason the run cannot go on, or undefined.
 */
async function loadCredentials(state: RunState, ids: readonly string[]): Promise<string | undefined> {
  for (const id of ids) {
    let cred: CredentialForRun | undefined;
    try {
      cred = await state.options.credentials(id);
    } catch (err) {
      return `credential "${id}" could not be loaded: ${(err as Error).message}`;
    }
    if (!cred) return state.options.missingCredential?.(id) ?? `credential "${id}" does not exist`;
    const prefixes = prefixesOf(cred);
    for (const m of maskedSecretsOf(cred)) state.masker.add(m.value, m.prefixes);
    for (const secret of cred.alsoMask ?? []) state.masker.add(secret, prefixes);
    const renew = cred.renew;
    if (renew)
      cred = {
        ...cred,
        renew: async (rejected) => {
          const fresh = await renew(rejected);
          state.masker.add(fresh, prefixes);
          return fresh;
        },
      };
    state.credentials.set(id, cred);
  }
  return undefined;
}

/** Runs the nodes in order, each on the masked outputs of those before it; ends the run at the first failure. */
async function runNodes(state: RunState, byId: Map<string, WorkflowNode>): Promise<Execution> {
  const { execution, masker } = state;
  let last: unknown;
  for (const record of execution.nodes) {
    if (state.signal.aborted) return stopped(state);
    const node = byId.get(record.id)!;
    record.status = 'running';
    record.startedAt = now();
    const t0 = performance.now();
    emit(state, record);
    const work = runNode(node, state, record);
    const sync = !(work instanceof Promise);
    const outcome = sync ? work : await untilStopped(work, state.signal, CANCELLED, thrown);
    record.durationMs = Math.round((performance.now() - t0) * 100) / 100;
    record.finishedAt = now();
    // A trigger's output is the run's input, masked before the first node. Other nodes' outputs are fresh values
    // nobody else holds (parsed response or code output): masked in place.
    const output =
      outcome.output === undefined ? undefined : sync && outcome.ok ? outcome.output : masker.maskOwned(outcome.output);
    // The record keeps a bounded copy; later nodes see the whole (masked) output.
    if (output !== undefined) record.output = boundOutput(output, MAX_NODE_OUTPUT_BYTES, state.bounds);
    if (!outcome.ok) {
      const halted = state.signal.aborted;
      record.status = halted && !state.signal.overTime ? 'cancelled' : 'failed';
      record.error =
        halted && state.signal.overTime
          ? timeLimitError(state.timeLimitMs)
          : masker.maskCut(outcome.error, MAX_ERROR_CHARS);
      emit(state, record, 0);
      return halted ? stopped(state) : finish(state, 'failed', `node "${record.id}" failed: ${record.error}`);
    }
    record.status = 'succeeded';
    // Later nodes (and code nodes) see masked data only: a secret echoed by a service never reaches them.
    state.scope.$node[record.id] = output;
    last = output;
    emit(state, record, 0);
  }
  if (last !== undefined) execution.output = last;
  return finish(state, 'succeeded');
}

export async function runWorkflow(workflow: Workflow, options: RunOptions): Promise<Execution> {
  const state = startRun(workflow, options);
  const checked = checkWorkflow(workflow);
  if (checked.problems.length || !checked.workflow || !checked.byId || !checked.order || !checked.credentialIds)
    return finish(state, 'failed', `the workflow cannot run: ${checked.problems.join('; ')}`);
  const byId = checked.byId;
  const execution = state.execution;
  execution.nodes = checked.order.map((id) => ({ id, type: byId.get(id)!.type, status: 'pending', logs: [] }));

  // A workflow without credentials does not wait here.
  const unloaded = checked.credentialIds.length ? await loadCredentials(state, checked.credentialIds) : undefined;
  if (unloaded !== undefined) return finish(state, 'failed', unloaded);
  // Nodes (code nodes included) see the input masked too: a secret never enters the sandbox.
  state.scope.$input = state.masker.maskDeep(state.scope.$input);
  if (options.onStart) {
    try {
      await options.onStart(structuredClone({ ...execution, input: state.scope.$input }));
    } catch (err) {
      return finish(state, 'failed', `the run could not start: ${(err as Error).message}`);
    }
  }
  return runNodes(state, byId);
}
