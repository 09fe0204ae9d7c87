// The engine's public contract: the API server, the CLI and the language server run workflows through this.
import type { CredentialMeta } from '../core/credentials';

export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type NodeStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface LogLine {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  /** Already masked (in records and events; the sandbox hands the runner raw lines, which it masks). */
  message: string;
  at: string;
  /**
   * Set by the sandbox on a line it capped (at 100,000 characters, or the run's log budget): the runner masks it,
   * then drops a possible partial secret at its end.
   */
  truncated?: boolean;
}

export interface NodeRecord {
  id: string;
  type: string;
  status: NodeStatus;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Masked. */
  output?: unknown;
  /** Masked. */
  error?: string;
  logs: LogLine[];
}

export interface Execution {
  id: string;
  workflowId: string;
  status: ExecutionStatus;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  input: unknown;
  /** Output of the last node that ran (masked). */
  output?: unknown;
  /** Masked. */
  error?: string;
  nodes: NodeRecord[];
}

/** A credential with its value, handed to the engine for one run only. */
export interface CredentialForRun extends CredentialMeta {
  /** The secret sent (for `oauth2`: the current access token). */
  value: string;
  /**
   * oauth2: set by the server when `value` is an access token it obtained. An oauth2 credential without it (its
   * client secret, e.g. from a local file) is never sent.
   */
  accessToken?: boolean;
  /** Other secrets of the credential the run masks too (oauth2: the refresh token, the client secret). */
  alsoMask?: string[];
  /**
   * oauth2: a fresh access token after the service answered 401 to `rejected` (the request is retried once with
   * it). The runner masks what it returns.
   */
  renew?: (rejected: string) => Promise<string>;
}

/** Looks a credential up at the moment a node needs it (so rotation mid-load is seen by later runs only). */
export type CredentialResolver = (id: string) => Promise<CredentialForRun | undefined>;

export interface ProgressEvent {
  executionId: string;
  nodeId: string;
  nodeType: string;
  status: NodeStatus;
  durationMs?: number;
  /** Masked. */
  error?: string;
  /** Masked log lines produced since the previous event for this node. */
  logs?: LogLine[];
}

export interface RunOptions {
  input?: unknown;
  credentials: CredentialResolver;
  /** The run's error for a credential the resolver does not know (default `credential "<id>" does not exist`). */
  missingCredential?: (id: string) => string;
  /** Override service base URLs (tests point them at a local upstream): service id → base URL. */
  serviceBaseUrls?: Record<string, string>;
  /** Aborting cancels the run: the node in flight is stopped (a code node's worker is terminated); status `cancelled`. */
  signal?: AbortSignal;
  /**
   * The whole run's time limit in ms (default 10 minutes, DEFAULT_RUN_TIME_LIMIT_MS): past it the node in flight is
   * stopped and the run ends `failed` with "the run exceeded its time limit of N ms".
   */
  timeLimitMs?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Execution id to use (the API allocates it before the run starts). */
  executionId?: string;
  /**
   * Called (and awaited) once the run has resolved its credentials and masked its input, before the first node
   * runs, with a copy of the record: the first thing a caller may persist or show (nothing unmasked in it).
   */
  onStart?: (execution: Execution) => void | Promise<void>;
}
