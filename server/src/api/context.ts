// What route handlers see. A route module (routes/*.ts) exports an ApiModule: handlers keyed by the operationId of
// THE route table (core/routes.ts), each with its request/response zod schemas (the OpenAPI document is generated
// from them), plus an optional `init` run once at start-up. Auth, scope and allow-list checks happen before a
// handler runs, from the route table; handlers only check what depends on data (e.g. an execution's workflow).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { RouteSpec } from '../core/routes';
import type { CredentialResolver } from '../engine/types';
import type { LeaseKeeper } from './executionLeases';
import type { AuthKey, KeyDirectory } from './keyDirectory';
import type { AuditInput } from './store/audit';
import type { Db } from './store/db';
import type { WorkflowDirectory } from './workflowDirectory';

export interface App {
  db: Db;
  /** Absolute embedded data dir, or undefined on PostgreSQL. */
  dataDir: string | undefined;
  keyPrefix: string;
  /** `http://HOST:PORT` the server listens on (set once listening). */
  baseUrl: string;
  keys: KeyDirectory;
  workflows: WorkflowDirectory;
  /** Records an audit event (never pass a secret in `detail`). */
  audit(e: AuditInput): Promise<void>;
  /** How runs look credentials up; the credentials area replaces the default (no credentials). */
  credentials: CredentialResolver;
  /** How long `POST /api/workflows/{id}/run` waits before answering 202 (default 30 s). */
  runWaitMs: number;
  /** Retention: finished executions kept beyond the newest this many are pruned (default 10,000). */
  keepExecutions: number;
  /** Retention: finished executions started longer ago than this are pruned (default: no age limit). */
  executionsMaxAgeMs: number | undefined;
  /** `--max-key-lifetime`: the longest lifetime of a minted key (ms), or undefined. */
  maxKeyLifetimeMs: number | undefined;
  /** A run's time limit in ms, handed to the engine (`RunOptions.timeLimitMs`). */
  runTimeLimitMs: number;
  /** Service id → base URL overrides handed to the engine (tests point services at a local upstream). */
  serviceBaseUrls: Record<string, string> | undefined;
  /** The credentials master key as configured (base64; never logged); undefined = the key file. */
  readonly masterKey: string | undefined;
  /** Leases of the runs this server executes (a run whose server died is finished by a live one). */
  leases: LeaseKeeper;
  /** Every registered route definition by operationId (the OpenAPI document reads it). */
  routes: ReadonlyMap<string, RouteDef>;
  /** Leaked-key reports from one address per minute before 429. */
  leakReportLimit: number;
  /** Called on shutdown, in reverse order of registration. */
  onClose(fn: () => Promise<void> | void): void;
}

export interface Ctx<B = unknown> {
  app: App;
  req: IncomingMessage;
  res: ServerResponse;
  route: RouteSpec;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The authenticated key (undefined on public routes). */
  key: AuthKey | undefined;
  body: B;
  ip: string;
}

export interface Reply {
  status: number;
  /** Serialised as JSON (unless `raw`). */
  body?: unknown;
  /** Already-serialised JSON bytes. */
  raw?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/** Examples of an operation (the OpenAPI document and its curl sample show them; a test validates them). */
export interface OperationExamples {
  /** The `{id}` of the path. */
  id?: string;
  query?: Record<string, string | number>;
  /** The request body (JSON). */
  request?: unknown;
  /** The success response body (JSON or, for text/html, a string). */
  response?: unknown;
}

export interface RouteDef<B = unknown> {
  /** What the operation does, for the OpenAPI document (the summary is the route table's). */
  description?: string;
  examples?: OperationExamples;
  /** Request body schema (JSON). Validated before the handler; errors → 400 validation_failed. */
  body?: z.ZodType<B>;
  /** The body may be omitted (the handler gets undefined). */
  bodyOptional?: boolean;
  /** Query parameters (documented; handlers validate with `validate`). */
  query?: z.ZodType;
  /** Success and handler-specific statuses. Auth/validation/404 statuses are added from the route table. */
  responses: Record<number, ResponseDoc>;
  handler(ctx: Ctx<B>): Reply | Promise<Reply>;
}

export interface ApiModule {
  // biome-ignore lint/suspicious/noExplicitAny: each route has its own body type; defineRoute keeps them checked
  routes: Record<string, RouteDef<any>>;
  init?(app: App): Promise<void>;
}

/** Typed helper: the handler's `ctx.body` is the body schema's output type. */
export function defineRoute<S extends z.ZodType | undefined = undefined>(
  def: Omit<RouteDef<S extends z.ZodType ? z.output<S> : undefined>, 'body'> & { body?: S },
): RouteDef<S extends z.ZodType ? z.output<S> : undefined> {
  return def as RouteDef<S extends z.ZodType ? z.output<S> : undefined>;
}
