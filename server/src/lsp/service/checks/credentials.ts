// `unknown-credential`, `credential-host-mismatch`, `insecure-transport`: what a node does with a credential (or a
// credential-bearing header), checked against the credential metadata the client told us.
import { allowedHostsOf, type CredentialMeta, hostAllowed, hostOf, isLoopbackHost } from '../../../core/credentials';
import { findService } from '../../../core/services';
import { child, type FleroDocument, properties, stringOffset } from '../document';
import type { Node as JsonNode } from '../jsonc';
import { isCredentialHeader } from '../../../core/secrets/names';
import type { FixData, FleroDiagnostic } from '../types';

/** Decoded [start, end) of the host in a URL string, when scheme and host are literal. */
export function hostSpan(url: string): { start: number; end: number } | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  if (!m || m[1]!.includes('{{')) return undefined;
  const start = m[0].length - m[1]!.length;
  const at = m[1]!.lastIndexOf('@');
  return { start: at >= 0 ? start + at + 1 : start, end: m[0].length };
}

type Span = { start: number; end: number };

export function credentialDiagnostics(
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
  if (type === 'http') return httpHostMismatch(doc, n, id, cred, span);
  if (typeof type === 'string' && type.includes('.')) return connectorServiceMismatch(type, id, cred, span);
  return [];
}

/** An http node's literal URL host outside the credential's allowed hosts. */
function httpHostMismatch(
  doc: FleroDocument,
  n: JsonNode,
  id: string,
  cred: CredentialMeta,
  span: Span,
): FleroDiagnostic[] {
  const urlNode = child(n, 'url');
  if (urlNode?.type !== 'string') return [];
  const url = urlNode.value as string;
  const hs = hostSpan(url);
  if (!hs || !hostOf(url)) return [];
  const allowed = allowedHostsOf(cred);
  if (hostAllowed(allowed, url)) return [];
  // Entries with a scheme are about scheme and port too: then the target is named with its scheme (never userinfo).
  const target = url.slice(hs.start, hs.end);
  const shown = allowed.some((h) => /^https?:\/\//i.test(h)) ? `${hostOf(url)!.protocol}//${target}` : target;
  return [
    {
      code: 'credential-host-mismatch',
      severity: 'warning',
      message: allowed.length
        ? `credential "${id}" may only be sent to ${allowed.join(', ')}, not ${shown}: the run will refuse`
        : `credential "${id}" lists no allowed hosts: the run will refuse to send it anywhere`,
      start: stringOffset(doc, urlNode, hs.start),
      end: stringOffset(doc, urlNode, hs.end),
      related: [{ ...span, message: `credential "${id}" (${cred.service})` }],
    },
  ];
}

/** A connector node (`service.operation`) given another service's credential. */
function connectorServiceMismatch(type: string, id: string, cred: CredentialMeta, span: Span): FleroDiagnostic[] {
  const service = type.slice(0, type.indexOf('.'));
  if (cred.service === service || cred.service === 'custom') return [];
  return [
    {
      code: 'credential-host-mismatch',
      severity: 'warning',
      message: `credential "${id}" is a ${cred.service} credential; ${type} calls ${service} (${(findService(service)?.hosts ?? []).join(', ') || 'unknown hosts'})`,
      ...span,
    },
  ];
}

export function transportDiagnostics(doc: FleroDocument, n: JsonNode): FleroDiagnostic[] {
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
