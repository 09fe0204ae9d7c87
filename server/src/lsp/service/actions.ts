// Quick fixes for diagnostics that carry `fix` data. Edits are file-offset replacements; never a secret value in a
// command argument (the client asks for the value in a password box).
import { applyEdits, getNodeValue, modify } from './jsonc';
import { SERVICES } from '../../core/services';
import { ClientCommands, type MoveSecretToCredentialArgs } from '../protocol';
import { hostSpan } from './checks/credentials';
import { child, type FleroDocument, nodeAt } from './document';
import type { FleroDiagnostic, ServiceContext } from './types';

export interface TextEditOffsets {
  start: number;
  end: number;
  newText: string;
}
export interface ServiceCodeAction {
  title: string;
  diagnostic: FleroDiagnostic;
  edits: TextEditOffsets[];
  command?: { title: string; command: string; arguments: unknown[] };
  isPreferred?: boolean;
}

/** Arguments of `flero.moveSecretToCredential` (protocol.ts): the credential to create, metadata only. */
export type MoveSecretArgs = MoveSecretToCredentialArgs;

export function codeActions(
  doc: FleroDocument,
  ctx: ServiceContext,
  diagnostics: readonly FleroDiagnostic[],
  span: { start: number; end: number },
): ServiceCodeAction[] {
  const out: ServiceCodeAction[] = [];
  for (const d of diagnostics) {
    if (!d.fix || d.end < span.start || d.start > span.end) continue;
    if (d.fix.kind === 'redact-log') out.push(...redactLog(doc, d));
    else if (d.fix.kind === 'pick-credential') out.push(...pickCredential(doc, ctx, d));
    else if (d.fix.kind === 'move-secret') out.push(...moveSecret(doc, ctx, d));
  }
  return out;
}

function redactLog(doc: FleroDocument, d: FleroDiagnostic): ServiceCodeAction[] {
  const actions: ServiceCodeAction[] = [
    {
      title: "Log '[redacted]' instead of the secret-bearing value",
      diagnostic: d,
      edits: [{ start: d.start, end: d.end, newText: "'[redacted]'" }],
      isPreferred: true,
    },
  ];
  if (d.fix?.presence) {
    // The argument's text is a slice of the JSON string, already escaped: wrapping it keeps the file valid.
    const raw = doc.text.slice(d.start, d.end);
    actions.push({
      title: `Log only whether it is present: Boolean(${raw})`,
      diagnostic: d,
      edits: [{ start: d.start, end: d.end, newText: `Boolean(${raw})` }],
    });
  }
  return actions;
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

function pickCredential(doc: FleroDocument, ctx: ServiceContext, d: FleroDiagnostic): ServiceCodeAction[] {
  const node = nodeAt(doc, ['nodes', d.fix!.nodeIndex!, 'credential']);
  if (!node || typeof node.value !== 'string') return [];
  const unknown = node.value;
  const type = child(nodeAt(doc, ['nodes', d.fix!.nodeIndex!]), 'type')?.value;
  const service = typeof type === 'string' && type.includes('.') ? type.slice(0, type.indexOf('.')) : undefined;
  const ranked = [...(ctx.credentials ?? [])]
    .map((c) => ({
      c,
      score: editDistance(unknown.toLowerCase(), c.id.toLowerCase()) - (c.service === service ? 0.5 : 0),
    }))
    .sort((a, b) => a.score - b.score || a.c.id.localeCompare(b.c.id));
  return ranked.map(({ c }, i) => ({
    title: `Use credential "${c.id}" (${c.name}, ${c.service})`,
    diagnostic: d,
    edits: [{ start: node.offset, end: node.offset + node.length, newText: JSON.stringify(c.id) }],
    ...(i === 0 ? { isPreferred: true } : {}),
  }));
}

/** One minimal replacement turning `a` into `b` (common prefix and suffix kept). */
export function minimalEdit(a: string, b: string): TextEditOffsets {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { start: p, end: a.length - s, newText: b.slice(p, b.length - s) };
}

function removeQueryParam(url: string, param: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const kept = url
    .slice(q + 1, end)
    .split('&')
    .filter((pair) => pair.split('=')[0] !== param && decodeURIComponentSafe(pair.split('=')[0] ?? '') !== param);
  return url.slice(0, q) + (kept.length ? `?${kept.join('&')}` : '') + url.slice(end);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function moveSecret(doc: FleroDocument, ctx: ServiceContext, d: FleroDiagnostic): ServiceCodeAction[] {
  const index = d.fix!.nodeIndex!;
  const place = d.fix!.place ?? {};
  const nodeObj = nodeAt(doc, ['nodes', index]);
  if (!nodeObj || child(nodeObj, 'credential')) return [];
  const value = getNodeValue(nodeObj) as { id?: string; url?: string; headers?: Record<string, string> };
  const url = typeof value.url === 'string' ? value.url : '';
  const span = hostSpan(url);
  const host = span ? url.slice(span.start, span.end).toLowerCase() : undefined;
  const service = SERVICES.find((s) => host && s.hosts.includes(host))?.id ?? 'custom';
  const taken = new Set((ctx.credentials ?? []).map((c) => c.id));
  // The node's id may be anything while the user types (an object, a number): name the credential after it only when
  // it is an identifier.
  const nodeName = typeof value.id === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(value.id) ? value.id : 'node';
  let id = `cred_${nodeName}`;
  for (let n = 2; taken.has(id); n++) id = `cred_${nodeName}_${n}`;

  const fmt = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };
  let text = doc.text;
  const path = ['nodes', index];
  const credential: MoveSecretArgs['credential'] = {
    id,
    name: `${nodeName} credential`,
    service,
    authType: 'apiKey',
  };
  if (place.header) {
    const scheme = place.scheme;
    if (place.header.toLowerCase() === 'authorization' && scheme?.toLowerCase() === 'bearer')
      credential.authType = 'bearer';
    else credential.header = { name: place.header, prefix: scheme ? `${scheme} ` : '' };
    const headers = value.headers ?? {};
    const onlyOne = Object.keys(headers).length === 1;
    text = applyEdits(
      text,
      modify(text, onlyOne ? [...path, 'headers'] : [...path, 'headers', place.header], undefined, fmt),
    );
  } else if (place.query) {
    credential.query = { param: place.query };
    if (place.inUrl) text = applyEdits(text, modify(text, [...path, 'url'], removeQueryParam(url, place.query), fmt));
    else {
      const query = (value as { query?: Record<string, string> }).query ?? {};
      const onlyOne = Object.keys(query).length === 1;
      text = applyEdits(
        text,
        modify(text, onlyOne ? [...path, 'query'] : [...path, 'query', place.query], undefined, fmt),
      );
    }
  } else return [];
  if (host && service === 'custom') credential.hosts = [host];
  text = applyEdits(text, modify(text, [...path, 'credential'], id, fmt));
  const args: MoveSecretArgs = { uri: doc.uri, credential };
  return [
    {
      title: `Move the secret into a new credential "${id}"…`,
      diagnostic: d,
      edits: [minimalEdit(doc.text, text)],
      command: {
        title: 'Store the secret in a credential',
        command: ClientCommands.moveSecretToCredential,
        arguments: [args],
      },
      isPreferred: true,
    },
  ];
}
