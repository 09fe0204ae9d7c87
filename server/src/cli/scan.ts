// `flero scan [paths…]`: the secret rules (core/secrets, the ones the editor uses) over any text files — .env,
// source, logs, not only workflows. Exit 1 when it finds a secret (error or warning), 0 when none, 2 on usage errors.
// Output never holds a secret: rule, place and the format's fixed words only. `--report URL` sends the Flero keys it
// found to a server's public leaked-key endpoint (which revokes live ones).
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { isValidPrefix, KEY_PREFIX_PATTERN } from '../core/keys';
import { RULES_BY_ID, type SecretFinding, scanText } from '../core/secrets';
import { FLERO_VERSION } from '../core/version';
import { computeLineStarts, positionAt } from '../lsp/service/document';
import { defineCommand } from './command';
import type { LintProblem } from './lint';
import { toSarif } from './lint/sarif';
import { UsageError } from './parser';
import { reportKeys } from './scan/report';
import { collectFiles } from './scan/walk';
import { gitleaksRule } from './scan/gitleaks';

const FORMATS = ['text', 'json', 'sarif'] as const;
const CONCURRENCY = 16;

export const command = defineCommand(
  {
    name: 'scan',
    usage: '[paths…] [options]',
    summary:
      'Find secrets (Flero keys with a valid checksum, well-known token formats, passwords in URLs, keyed secrets) in any text files. Respects .gitignore and .flero-scanignore; skips binary files.',
    options: {
      format: { type: 'string', value: 'FORMAT', description: 'text (the default), json or sarif (SARIF 2.1.0)' },
      'include-hints': {
        type: 'boolean',
        description: 'Also list hints (placeholders, tokens whose checksum does not match); they never fail the scan',
      },
      'max-file-size': { type: 'string', value: 'BYTES', description: 'Skip larger files (default 5M; suffixes k, M)' },
      exclude: {
        type: 'string',
        multiple: true,
        value: 'GLOB',
        description: 'Skip paths matching GLOB (gitignore syntax; repeatable)',
      },
      report: {
        type: 'string',
        value: 'URL',
        description: 'Send the Flero keys found to this Flero server’s POST /api/leaked-keys (live ones are revoked)',
      },
      source: {
        type: 'string',
        value: 'URL',
        description: 'With --report: where the keys were found (e.g. the repository URL)',
      },
      'gitleaks-rule': {
        type: 'boolean',
        description: 'Print a gitleaks config with a rule for Flero keys, then exit',
      },
      prefix: {
        type: 'string',
        value: 'PREFIX',
        description: 'With --gitleaks-rule: the key prefix (default flero_sk_)',
      },
    },
    positionals: { max: Number.POSITIVE_INFINITY, name: 'the files or folders to scan (default .)' },
    sections: [
      {
        title: 'Exit status',
        body: '  0 no secrets found, 1 at least one secret found (or a report failed), 2 usage error',
      },
    ],
  },
  async (args) => {
    const v = args.values;
    if (v['gitleaks-rule']) {
      const prefix = v.prefix ?? undefined;
      if (prefix !== undefined && !isValidPrefix(prefix))
        throw new UsageError(`invalid prefix "${prefix}": it must match ${KEY_PREFIX_PATTERN}`);
      process.stdout.write(gitleaksRule(prefix));
      return 0;
    }
    const format = v.format ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`unknown format "${format}" (text, json or sarif)`);
    const maxSize = parseSize(v['max-file-size'] ?? '5M');
    const paths = args.positionals.length ? args.positionals : ['.'];
    for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
    if (v.report !== undefined) reportUrl(v.report);
    return scan(paths, {
      format,
      maxSize,
      hints: v['include-hints'] === true,
      excludes: v.exclude ?? [],
      report: v.report,
      source: v.source,
    });
  },
);

export const run = (argv: string[]) => command.run(argv);

function parseSize(raw: string): number {
  const m = /^(\d+)([kKmM]?)(i?B)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`--max-file-size "${raw}" is not a size (e.g. 5M, 512k, 100000)`);
  const unit = m[2]!.toLowerCase();
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}

export function reportUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--report "${raw}" is not a URL (e.g. https://flero.example.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--report needs an http(s) URL');
  if (!url.pathname.endsWith('/api/leaked-keys')) url.pathname = `${url.pathname.replace(/\/$/, '')}/api/leaked-keys`;
  return url;
}

interface Finding extends SecretFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  value?: string;
}

/** 1-based line/column of offsets (the language service's line index: \r\n, \r and \n). */
function positions(text: string, hits: SecretFinding[], file: string): Finding[] {
  const doc = { text, lineStarts: computeLineStarts(text) };
  return hits.map((h) => {
    const s = positionAt(doc, h.start);
    const e = positionAt(doc, h.end);
    return {
      ...h,
      file,
      line: s.line + 1,
      column: s.character + 1,
      endLine: e.line + 1,
      endColumn: e.character + 1,
      ...(h.ruleId === 'flero-api-key' ? { value: text.slice(h.start, h.end) } : {}),
    };
  });
}

/** A line that says `flero-scan:allow` (a test's deliberate fake, a documented example) is not reported. */
function allowed(text: string, offset: number): boolean {
  const end = text.indexOf('\n', offset);
  return text.slice(text.lastIndexOf('\n', offset) + 1, end < 0 ? text.length : end).includes('flero-scan:allow');
}

async function readText(file: string, maxSize: number): Promise<string | 'binary' | 'large'> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size > maxSize) return 'large';
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    if (buf.subarray(0, Math.min(off, 8192)).includes(0)) return 'binary';
    return buf.toString('utf8', 0, off);
  } finally {
    await fh.close();
  }
}

interface ScanOptions {
  format: string;
  maxSize: number;
  hints: boolean;
  excludes: string[];
  report?: string;
  source?: string;
}

async function scan(paths: string[], o: ScanOptions): Promise<number> {
  const files = await collectFiles(paths, o.excludes);
  if (!files.length) {
    process.stderr.write(`flero scan: no files to scan in ${paths.join(', ')}\n`);
    if (o.format === 'json')
      process.stdout.write(`${JSON.stringify({ findings: [], scanned: 0, skipped: 0 }, null, 2)}\n`);
    return 0;
  }
  const found: Finding[][] = new Array(files.length);
  let skipped = 0;
  let scanned = 0;
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      const rel = relative(process.cwd(), file).split(sep).join('/') || file;
      let text: string | 'binary' | 'large';
      try {
        text = await readText(file, o.maxSize);
      } catch (err) {
        process.stderr.write(`flero scan: cannot read ${rel}: ${(err as NodeJS.ErrnoException).code ?? 'error'}\n`);
        skipped++;
        continue;
      }
      if (text === 'binary' || text === 'large') {
        skipped++;
        continue;
      }
      scanned++;
      const hits = scanText(text).filter((h) => (o.hints || h.severity !== 'hint') && !allowed(text, h.start));
      found[i] = positions(text, hits, rel);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  const all = found.flat().filter(Boolean);
  const findings = all.filter((f) => f.severity !== 'hint');
  print(all, o.format, { scanned, skipped, files: new Set(findings.map((f) => f.file)).size });
  let code = findings.length ? 1 : 0;
  if (o.report !== undefined) {
    const keys = [...new Set(findings.filter((f) => f.ruleId === 'flero-api-key').map((f) => f.value!))];
    const ok = await reportKeys(reportUrl(o.report), keys, o.source);
    if (!ok) code = 1;
  }
  return code;
}

const messageOf = (f: Finding) =>
  f.severity === 'hint'
    ? f.reason === 'checksum'
      ? `looks like ${f.what}, but its checksum does not match`
      : `a placeholder where ${f.what} would be`
    : `${f.what} (${f.service})`;

function print(all: Finding[], format: string, counts: { scanned: number; skipped: number; files: number }): void {
  if (format === 'json') {
    const findings = all.map((f) => ({
      path: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      ruleId: f.ruleId,
      service: f.service,
      severity: f.severity,
      message: messageOf(f),
    }));
    process.stdout.write(
      `${JSON.stringify({ findings, scanned: counts.scanned, skipped: counts.skipped }, null, 2)}\n`,
    );
    return;
  }
  if (format === 'sarif') {
    const problems: LintProblem[] = all.map((f) => ({
      file: f.file,
      code: f.ruleId,
      severity: f.severity,
      message: messageOf(f),
      range: {
        start: { line: f.line - 1, character: f.column - 1 },
        end: { line: f.endLine - 1, character: f.endColumn - 1 },
      },
    }));
    const rules: Record<string, string> = {};
    for (const f of all)
      rules[f.ruleId] =
        `${RULES_BY_ID.get(f.ruleId)?.what ?? f.what} (${f.service}): a secret written into a file. Revoke or rotate it, and keep it in a credential store instead.`;
    process.stdout.write(`${JSON.stringify(toSarif(problems, { toolVersion: FLERO_VERSION, rules }), null, 2)}\n`);
    return;
  }
  for (const f of all)
    process.stdout.write(`${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.ruleId}  ${messageOf(f)}\n`);
  const n = all.filter((f) => f.severity !== 'hint').length;
  process.stderr.write(
    `${n === 0 ? 'no secrets found' : `${n} secret${n === 1 ? '' : 's'} found in ${counts.files} file${counts.files === 1 ? '' : 's'}`} (${counts.scanned} files scanned, ${counts.skipped} skipped: binary, too large or unreadable)\n`,
  );
}
