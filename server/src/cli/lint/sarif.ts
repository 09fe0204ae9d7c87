// `flero lint --format sarif`: the problems as one SARIF 2.1.0 log (OASIS), for GitHub code scanning and other SARIF
// readers. Pure: no file access, no clock, so the same problems give the same bytes.
//
// What goes in: rule ids (our diagnostic codes) with their plain-language explanations, each problem's message and
// range, and a fingerprint per result. What never goes in: source text. The diagnostics' messages already avoid
// quoting secret values; the log has no snippet, no artifact contents, and the fingerprint hashes only the rule id,
// the path, the message and an occurrence count (never the text under the range, whose hash would let anyone test a
// guess of a short secret).
import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../../lsp/service/types';
import type { LintProblem } from '../lint';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** driver.informationUri: the project's repository (package.json `repository.url`). */
export const FLERO_INFORMATION_URI = 'https://example.invalid/flero-vscode';
/** The uriBaseId that result locations are relative to: the working directory `flero lint` ran in. */
export const SRCROOT = '%SRCROOT%';
/** partialFingerprints key: bump the version if what the fingerprint hashes ever changes. */
export const FINGERPRINT_KEY = 'flero/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

export const SARIF_LEVEL: Readonly<Record<Severity, SarifLevel>> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

export interface ToSarifOptions {
  toolVersion: string;
  /** Diagnostic code → plain-language explanation (DIAGNOSTIC_EXPLANATIONS): becomes tool.driver.rules. */
  rules: Readonly<Record<string, string>>;
  /** Directory locations are relative to (default: process.cwd()). Files outside it get absolute file: URIs. */
  cwd?: string;
  informationUri?: string;
}

// Only the parts of the SARIF object model this writer produces.
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}
export interface SarifRun {
  tool: { driver: SarifDriver };
  originalUriBaseIds: Record<string, { uri: string }>;
  columnKind: 'utf16CodeUnits';
  results: SarifResult[];
}
export interface SarifDriver {
  name: string;
  version: string;
  semanticVersion?: string;
  informationUri: string;
  rules: SarifRule[];
}
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
}
export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
}

export function toSarif(problems: readonly LintProblem[], opts: ToSarifOptions): SarifLog {
  const cwd = opts.cwd ?? process.cwd();
  const rules = Object.entries(opts.rules).map(([id, text]) => rule(id, text));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = problems.map((p): SarifResult => {
    const artifactLocation = artifactLocationOf(p.file, cwd);
    // The n-th result with the same rule, file and message: stable when lines move, distinct when repeated.
    const key = JSON.stringify([p.code, artifactLocation.uri, p.message]);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const index = ruleIndex.get(p.code);
    return {
      ruleId: p.code,
      ...(index === undefined ? {} : { ruleIndex: index }),
      level: SARIF_LEVEL[p.severity],
      message: { text: p.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation,
            // LSP ranges are zero-based with an exclusive end; SARIF's are one-based, endColumn one past the last
            // character, so both columns shift by one. Columns count UTF-16 code units (columnKind below).
            region: {
              startLine: p.range.start.line + 1,
              startColumn: p.range.start.character + 1,
              endLine: p.range.end.line + 1,
              endColumn: p.range.end.character + 1,
            },
          },
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: `${sha256(`${key}\n${n}`)}:${n}` },
    };
  });
  const semver = /^\d+\.\d+\.\d+(?:[-+].*)?$/.test(opts.toolVersion);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'flero',
            version: opts.toolVersion,
            ...(semver ? { semanticVersion: opts.toolVersion } : {}),
            informationUri: opts.informationUri ?? FLERO_INFORMATION_URI,
            rules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function rule(id: string, explanation: string): SarifRule {
  const first = /^.*?[.!?](?=\s|$)/.exec(explanation)?.[0] ?? explanation;
  return {
    id,
    // SARIF's reportingDescriptor.name is an identifier-like name: `hardcoded-secret` → `HardcodedSecret`.
    name: id.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase()),
    shortDescription: { text: first },
    fullDescription: { text: explanation },
    help: { text: explanation },
  };
}

/** A path relative to `cwd` (URI-encoded, forward slashes) under %SRCROOT%, or an absolute file: URI outside it. */
export function artifactLocationOf(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const rel = relative(cwd, file);
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { uri: pathToFileURL(file).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
