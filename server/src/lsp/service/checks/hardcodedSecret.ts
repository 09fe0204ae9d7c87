// `hardcoded-secret`: literal credentials in a node — auth-scheme and API-key header values, key-like query
// parameters (in `query` and in the URL) of http nodes, and well-known token formats / Flero keys in any string of
// any node. The string scanners live in ../secrets; here hits are mapped to the file and given their quick fix.
import { child, type FleroDocument, properties, stringOffset } from '../document';
import type { Node as JsonNode } from '../jsonc';
import { isCredentialHeader, isSecretQueryParam } from '../secretNames';
import { headerSecret, type SecretHit, scanString, urlQuerySecrets } from '../secrets';
import type { FixData, FleroDiagnostic } from '../types';

type Push = (node: JsonNode, hit: SecretHit, place?: FixData['place']) => void;

export function secretDiagnostics(doc: FleroDocument, n: JsonNode, index: number, type: unknown): FleroDiagnostic[] {
  const out: FleroDiagnostic[] = [];
  const push: Push = (node, hit, place) => {
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
  if (type === 'http') httpSecrets(n, push);
  wellKnownSecrets(n, push);
  return out;
}

/** Literal header credentials, key-like query parameters, keys in the URL's query string. */
function httpSecrets(n: JsonNode, push: Push): void {
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

/** Well-known token formats and Flero keys anywhere in the node (headers, params, body, code). */
function wellKnownSecrets(n: JsonNode, push: Push): void {
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
}

function headerNameOf(value: JsonNode, node: JsonNode): string | undefined {
  const prop = value.parent;
  const headers = prop?.parent;
  if (prop?.type !== 'property' || headers?.parent?.children?.[0]?.value !== 'headers') return undefined;
  return headers.parent.parent === node ? String(prop.children?.[0]?.value) : undefined;
}
