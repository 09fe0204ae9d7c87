// All checks of a workflow document. Pure: a parsed document + what the client told us in, diagnostics (offsets) out.
import type { Node as JsonNode } from './jsonc';
import { type CredentialMeta, hostAllowed, hostOf, isLoopbackHost } from '../../core/credentials';
import { findService } from '../../core/services';
import { graphProblems } from '../../core/workflow';
import { child, type FleroDocument, properties, stringOffset } from './document';
import { findLogLeaks, type LeakFinding, parseCode } from './logLeak';
import { schemaDiagnostics } from './schemaCheck';
import { isCredentialHeader, isSecretQueryParam } from './secretNames';
import { headerSecret, type SecretHit, scanString, urlQuerySecrets } from './secrets';
import type { FixData, FleroDiagnostic, ServiceContext } from './types';

export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Nodes checked between two yields of the incremental version (lets a cancellation in between be seen). */
const SLICE = 128;

/** The checks as steps: yields between slices of nodes; the finished, sorted list is the return value. */
function* diagnosticSteps(doc: FleroDocument, ctx: ServiceContext): Generator<void, FleroDiagnostic[]> {
  const out = schemaDiagnostics(doc);
  const root = doc.root;
  if (!root || root.type !== 'object') return finish(doc, out);
  const nodes = child(root, 'nodes');
  const nodeList = nodes?.type === 'array' ? (nodes.children ?? []) : [];
  out.push(...graphDiagnostics(nodeList, child(root, 'connections')));
  const credentials = ctx.credentials ? new Map(ctx.credentials.map((c) => [c.id, c])) : undefined;
  for (let i = 0; i < nodeList.length; i++) {
    if (i > 0 && i % SLICE === 0) yield;
    const n = nodeList[i]!;
    if (n.type !== 'object') continue;
    const type = child(n, 'type')?.value;
    out.push(...credentialDiagnostics(doc, n, i, type, credentials));
    if (type === 'http') out.push(...transportDiagnostics(doc, n));
    if (type === 'code') out.push(...codeDiagnostics(doc, n, i));
    out.push(...secretDiagnostics(doc, n, i, type));
  }
  return finish(doc, out);
}

/**
 * Every span inside the document (a parser error at the end of a truncated file points one past it), then sorted.
 * One place for all checks, so no client is ever sent a range outside the text.
 */
function finish(doc: FleroDocument, out: FleroDiagnostic[]): FleroDiagnostic[] {
  const len = doc.text.length;
  const clamp = (s: { start: number; end: number }) => {
    s.start = Math.min(Math.max(0, s.start), len);
    s.end = Math.min(Math.max(s.start, s.end), len);
  };
  for (const d of out) {
    clamp(d);
    d.related?.forEach(clamp);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** All diagnostics of a document, synchronously (CLI, tests, small documents). */
export function computeDiagnostics(doc: FleroDocument, ctx: ServiceContext, cancel?: Cancellation): FleroDiagnostic[] {
  const steps = diagnosticSteps(doc, ctx);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (cancel?.isCancellationRequested) throw new CancelledError();
  }
}

/**
 * The same, giving the event loop a turn between slices of nodes, so that a `$/cancelRequest` (or a newer edit)
 * that arrives meanwhile is read and honoured: throws CancelledError.
 */
export async function computeDiagnosticsAsync(
  doc: FleroDocument,
  ctx: ServiceContext,
  cancel?: Cancellation,
): Promise<FleroDiagnostic[]> {
  const steps = diagnosticSteps(doc, ctx);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (cancel?.isCancellationRequested) throw new CancelledError();
  }
}

// ── graph ─────────────────────────────────────────────────────────────────────────────────────────────────────
function graphDiagnostics(nodeList: JsonNode[], connections: JsonNode | undefined): FleroDiagnostic[] {
  const nodes: { id: string }[] = [];
  const nodeIdx: number[] = [];
  nodeList.forEach((n, i) => {
    const id = child(n, 'id')?.value;
    if (typeof id === 'string') {
      nodes.push({ id });
      nodeIdx.push(i);
    }
  });
  const conns: { from: string; to: string }[] = [];
  const connIdx: number[] = [];
  const connList = connections?.type === 'array' ? (connections.children ?? []) : [];
  connList.forEach((c, i) => {
    const from = child(c, 'from')?.value;
    const to = child(c, 'to')?.value;
    if (typeof from === 'string' && typeof to === 'string') {
      conns.push({ from, to });
      connIdx.push(i);
    }
  });
  const firstById = new Map<string, JsonNode>();
  for (const i of nodeIdx) {
    const idNode = child(nodeList[i], 'id')!;
    if (!firstById.has(idNode.value)) firstById.set(idNode.value, idNode);
  }
  const out: FleroDiagnostic[] = [];
  for (const p of graphProblems({ nodes: nodes as never, connections: conns })) {
    if (p.code === 'duplicate-node-id' && p.nodeIndex !== undefined) {
      const idNode = child(nodeList[nodeIdx[p.nodeIndex]!], 'id')!;
      const first = firstById.get(idNode.value)!;
      out.push({
        code: p.code,
        severity: 'error',
        message: `${p.message}: node ids must be unique`,
        start: idNode.offset,
        end: idNode.offset + idNode.length,
        related: [{ start: first.offset, end: first.offset + first.length, message: 'first defined here' }],
      });
    } else if (p.connectionIndex !== undefined) {
      const c = connList[connIdx[p.connectionIndex]!]!;
      const target = (p.field ? child(c, p.field) : undefined) ?? c;
      out.push({
        code: p.code,
        severity: 'error',
        message: p.message,
        start: target.offset,
        end: target.offset + target.length,
      });
    }
  }
  return out;
}

// ── credentials ───────────────────────────────────────────────────────────────────────────────────────────────
export function allowedHostsOf(cred: CredentialMeta): string[] {
  return cred.hosts?.length ? cred.hosts : (findService(cred.service)?.hosts ?? []);
}

/** Decoded [start, end) of the host in a URL string, when scheme and host are literal. */
export function hostSpan(url: string): { start: number; end: number } | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  if (!m || m[1]!.includes('{{')) return undefined;
  const start = m[0].length - m[1]!.length;
  const at = m[1]!.lastIndexOf('@');
  return { start: at >= 0 ? start + at + 1 : start, end: m[0].length };
}

function credentialDiagnostics(
  doc: FleroDocument,
  n: JsonNode,
  index: number,
  type: unknown,
  credentials: Map<string, CredentialMeta> | undefined,
): FleroDiagnostic[] {
  const credNode = child(n, 'credential');
  if (!credentials || credNode?.type !== 'string') return [];
  const id = credNode.value as string;
  const cred = credentials.get(id);
  const span = { start: credNode.offset, end: credNode.offset + credNode.length };
  if (!cred) {
    const fix: FixData = { kind: 'pick-credential', nodeIndex: index };
    return [
      {
        code: 'unknown-credential',
        severity: 'warning',
        message: `unknown credential "${id}"${credentials.size ? '' : ' (no credentials are defined yet)'}: the run will refuse`,
        ...span,
        fix,
      },
    ];
  }
  if (type === 'http') {
    const urlNode = child(n, 'url');
    if (urlNode?.type !== 'string') return [];
    const url = urlNode.value as string;
    const hs = hostSpan(url);
    if (!hs || !hostOf(url)) return [];
    const allowed = allowedHostsOf(cred);
    if (hostAllowed(allowed, url)) return [];
    return [
      {
        code: 'credential-host-mismatch',
        severity: 'warning',
        message: allowed.length
          ? `credential "${id}" may only be sent to ${allowed.join(', ')}, not ${url.slice(hs.start, hs.end)}: the run will refuse`
          : `credential "${id}" lists no allowed hosts: the run will refuse to send it anywhere`,
        start: stringOffset(doc, urlNode, hs.start),
        end: stringOffset(doc, urlNode, hs.end),
        related: [{ ...span, message: `credential "${id}" (${cred.service})` }],
      },
    ];
  }
  if (typeof type === 'string' && type.includes('.')) {
    const service = type.slice(0, type.indexOf('.'));
    if (cred.service !== service && cred.service !== 'custom')
      return [
        {
          code: 'credential-host-mismatch',
          severity: 'warning',
          message: `credential "${id}" is a ${cred.service} credential; ${type} calls ${service} (${(findService(service)?.hosts ?? []).join(', ') || 'unknown hosts'})`,
          ...span,
        },
      ];
  }
  return [];
}

function transportDiagnostics(doc: FleroDocument, n: JsonNode): FleroDiagnostic[] {
  const urlNode = child(n, 'url');
  if (urlNode?.type !== 'string') return [];
  const url = urlNode.value as string;
  if (!/^http:\/\//i.test(url)) return [];
  const h = hostOf(url);
  if (!h || isLoopbackHost(h.hostname) || h.hostname.includes('{{')) return [];
  const credNode = child(n, 'credential');
  const secretHeader = properties(child(n, 'headers')).find(
    ([k, v]) => isCredentialHeader(String(k.value)) && typeof v.value === 'string' && v.value.trim() !== '',
  );
  if (!credNode && !secretHeader) return [];
  const what = credNode ? `credential "${credNode.value}"` : `the ${secretHeader![0].value} header`;
  return [
    {
      code: 'insecure-transport',
      severity: 'warning',
      message: `${what} would travel over plain http to ${h.host}: use https`,
      start: stringOffset(doc, urlNode, 0),
      end: stringOffset(doc, urlNode, 'http'.length),
      related: [
        credNode
          ? { start: credNode.offset, end: credNode.offset + credNode.length, message: 'the credential' }
          : {
              start: secretHeader![0].offset,
              end: secretHeader![1].offset + secretHeader![1].length,
              message: 'the header',
            },
      ],
    },
  ];
}

// ── code ──────────────────────────────────────────────────────────────────────────────────────────────────────
/** Analysis of one code string (in code-string offsets), memoised by its text: an edit re-analyses only what changed. */
interface CodeResult {
  error?: { pos: number; message: string };
  leaks: LeakFinding[];
}
const CODE_CACHE_MAX = 4096;
const codeCache = new Map<string, CodeResult>();

export function analyseCode(code: string): CodeResult {
  const hit = codeCache.get(code);
  if (hit) return hit;
  const { ast, error } = parseCode(code);
  const result: CodeResult = error ? { error, leaks: [] } : { leaks: findLogLeaks(ast!) };
  if (codeCache.size >= CODE_CACHE_MAX) codeCache.delete(codeCache.keys().next().value!);
  codeCache.set(code, result);
  return result;
}

/** For benchmarks of the cold path. */
export function clearCodeCache(): void {
  codeCache.clear();
}

function codeDiagnostics(doc: FleroDocument, n: JsonNode, index: number): FleroDiagnostic[] {
  const codeNode = child(n, 'code');
  if (codeNode?.type !== 'string') return [];
  const code = codeNode.value as string;
  const { error, leaks } = analyseCode(code);
  if (error) {
    const start = stringOffset(doc, codeNode, error.pos);
    const end = stringOffset(doc, codeNode, Math.min(error.pos + 1, code.length));
    return [{ code: 'code-syntax', severity: 'error', message: error.message, start, end: Math.max(end, start) }];
  }
  return leaks.map((f) => ({
    code: 'log-leak' as const,
    severity: 'warning' as const,
    message: `${f.sink}() logs ${f.source.label}: a secret-bearing value must not reach the execution log`,
    start: stringOffset(doc, codeNode, f.start),
    end: stringOffset(doc, codeNode, f.end),
    related: [
      {
        start: stringOffset(doc, codeNode, f.source.start),
        end: stringOffset(doc, codeNode, f.source.end),
        message: `secret source: ${f.source.label}`,
      },
    ],
    fix: { kind: 'redact-log', nodeIndex: index, presence: f.presence },
  }));
}

// ── hard-coded secrets ────────────────────────────────────────────────────────────────────────────────────────
function secretDiagnostics(doc: FleroDocument, n: JsonNode, index: number, type: unknown): FleroDiagnostic[] {
  const out: FleroDiagnostic[] = [];
  const push = (node: JsonNode, hit: SecretHit, place?: FixData['place']) => {
    const start = stringOffset(doc, node, hit.start);
    const end = stringOffset(doc, node, hit.end);
    if (out.some((d) => d.start < end && start < d.end)) return;
    const diag: FleroDiagnostic = {
      code: 'hardcoded-secret',
      severity: hit.severity,
      message:
        hit.severity === 'info'
          ? `looks like a mistyped key (${hit.what}); if it is a real key, store it as a credential`
          : `${hit.what} is hard-coded: store it as a credential instead`,
      start,
      end,
    };
    if (hit.severity === 'error' && place && type === 'http')
      diag.fix = { kind: 'move-secret', nodeIndex: index, place };
    out.push(diag);
  };
  if (type === 'http') {
    for (const [k, v] of properties(child(n, 'headers'))) {
      if (v.type !== 'string') continue;
      const name = String(k.value);
      const hit = headerSecret(v.value as string, isCredentialHeader(name));
      const scheme = /^(\w+)\s/.exec(v.value as string)?.[1];
      if (hit) push(v, hit, { header: name, ...(scheme && hit.start > 0 ? { scheme } : {}) });
    }
    for (const [k, v] of properties(child(n, 'query'))) {
      const val = v.value;
      if (v.type !== 'string' || !isSecretQueryParam(String(k.value)) || val.length < 6 || val.includes('{{')) continue;
      push(
        v,
        { start: 0, end: val.length, what: `a key in query parameter ${k.value}`, severity: 'error' },
        { query: String(k.value) },
      );
    }
    const urlNode = child(n, 'url');
    if (urlNode?.type === 'string')
      for (const hit of urlQuerySecrets(urlNode.value as string)) push(urlNode, hit, { query: hit.param, inUrl: true });
  }
  // Well-known token formats and Flero keys anywhere in the node (headers, params, body, code).
  const stack: JsonNode[] = [n];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'string') {
      if (x.parent?.type === 'property' && x.parent.children?.[0] === x) continue;
      for (const hit of scanString(x.value as string)) {
        const headerName = headerNameOf(x, n);
        push(x, hit, headerName ? { header: headerName } : undefined);
      }
    } else if (x.children) for (const c of x.children) stack.push(c);
  }
  return out;
}

function headerNameOf(value: JsonNode, node: JsonNode): string | undefined {
  const prop = value.parent;
  const headers = prop?.parent;
  if (prop?.type !== 'property' || headers?.parent?.children?.[0]?.value !== 'headers') return undefined;
  return headers.parent.parent === node ? String(prop.children?.[0]?.value) : undefined;
}
