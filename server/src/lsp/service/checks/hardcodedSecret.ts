// `hardcoded-secret`: literal credentials anywhere in a node. Every string goes through the rule table (token
// formats, Flero keys, Bearer/Basic values, passwords in URLs); then by place: header values that should be
// credentials, key-like query parameters (the `query` map and the URL), values under key-like names (connector
// params, body maps). The string scanners live in ../secrets; here hits are mapped to the file, worded, and given
// their quick fix. Errors and warnings are findings; hints (a placeholder in a credential slot, a token whose
// checksum does not match) are not.
import { isCredentialHeader, normaliseName } from '../../../core/secrets/names';
import { child, type FleroDocument, stringOffset } from '../document';
import type { Node as JsonNode } from '../jsonc';
import {
  cookieSecrets,
  headerSecret,
  keyedSecret,
  querySecret,
  type SecretHit,
  scanString,
  urlQuerySecrets,
} from '../secrets';
import type { FixData, FleroDiagnostic } from '../types';

type Push = (node: JsonNode, hit: SecretHit, place?: FixData['place']) => void;

function messageOf(hit: SecretHit): string {
  if (hit.reason === 'placeholder') return 'placeholder: use a credential';
  if (hit.reason === 'checksum')
    return `looks like ${hit.what}, but its checksum does not match (mistyped or invented); if it is a real key, store it as a credential`;
  return `${hit.what} is hard-coded: store it as a credential instead`;
}

export function secretDiagnostics(doc: FleroDocument, n: JsonNode, index: number, type: unknown): FleroDiagnostic[] {
  const out: FleroDiagnostic[] = [];
  const push: Push = (node, hit, place) => {
    const start = stringOffset(doc, node, hit.start);
    const end = stringOffset(doc, node, hit.end);
    for (const d of out) if (d.start < end && start < d.end) return;
    const diag: FleroDiagnostic = {
      code: 'hardcoded-secret',
      severity: hit.severity,
      message: messageOf(hit),
      start,
      end,
    };
    if (hit.severity === 'error' && place && type === 'http')
      diag.fix = { kind: 'move-secret', nodeIndex: index, place };
    out.push(diag);
  };
  const headers = child(n, 'headers');
  const query = type === 'http' ? child(n, 'query') : undefined;
  const stack: JsonNode[] = [n];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type !== 'string') {
      if (x.children) for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]!);
      continue;
    }
    const prop = x.parent?.type === 'property' ? x.parent : undefined;
    if (prop?.children?.[0] === x) continue; // a property name
    const value = x.value as string;
    const name = prop ? String(prop.children?.[0]?.value) : undefined;
    const map = prop?.parent;
    const inHeaders = map !== undefined && map === headers;
    const inQuery = map !== undefined && map === query;
    const scheme = inHeaders ? /^(\w+)\s+/.exec(value) : null;
    const placeOf = (hit: SecretHit): FixData['place'] =>
      inHeaders
        ? { header: name!, ...(scheme && hit.start === scheme[0].length ? { scheme: scheme[1] } : {}) }
        : inQuery
          ? { query: name! }
          : undefined;
    // A Cookie header, pair by pair, before the rule table (its pairs' verdicts win over the generic rule's).
    // No quick fix: moving the header into a credential would take the other cookies with it.
    const cookie = inHeaders && type === 'http' && normaliseName(name!) === 'cookie';
    if (cookie) for (const hit of cookieSecrets(value)) push(x, hit);
    const hits = scanString(value);
    for (let i = 0; i < hits.length; i++) push(x, hits[i]!, placeOf(hits[i]!));
    if (inHeaders && type === 'http') {
      const hit = cookie ? undefined : headerSecret(value, isCredentialHeader(name!));
      if (hit) push(x, hit, placeOf(hit));
    } else if (inQuery) {
      const hit = querySecret(name!, value, `a key in query parameter ${name}`);
      if (hit) push(x, hit, { query: name! });
    } else if (type === 'http' && name === 'url' && map === n) {
      for (const hit of urlQuerySecrets(value)) push(x, hit, { query: hit.param, inUrl: true });
    } else if (name !== undefined && name !== 'code') {
      const hit = keyedSecret(name, value);
      if (hit) push(x, hit);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
