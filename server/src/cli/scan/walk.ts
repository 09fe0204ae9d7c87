// The files `flero scan` reads: paths given (files or folders), `.gitignore` files (root and nested) and
// `.git/info/exclude` respected — those of the enclosing repository too when a folder inside one is scanned (the
// nearest folder up holding `.git`; its `.gitignore` files down to the scanned folder, each anchored at its own
// folder) — `.flero-scanignore` at the scan root (fixtures a team keeps knowingly), `--exclude` patterns; `.git/`
// always skipped; symlinked folders not followed (no loops). An explicitly named file is read even
// if ignored. The `ignore` package implements gitignore's semantics (chosen over our own matcher: the spec's corner
// cases — negation, anchoring, directory-only patterns — are where hand-written matchers go wrong).
import { existsSync, readFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

interface Rules {
  base: string;
  ig: Ignore;
}

function readIgnore(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const posix = (p: string) => p.split(sep).join('/');

function ignoredBy(stack: readonly Rules[], abs: string, dir: boolean): boolean {
  for (const r of stack) {
    const rel = posix(relative(r.base, abs));
    if (!rel || rel.startsWith('..')) continue;
    if (r.ig.ignores(dir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** The nearest folder at or above `dir` holding `.git` (a folder, or a worktree's file), or undefined. */
function repositoryOf(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** The enclosing repository's rules that apply above `root`: `.git/info/exclude` and each `.gitignore` from the
 * repository's top down to `root`'s parent (`root`'s own is read by the walk). */
function enclosingRules(root: string): Rules[] {
  const repo = repositoryOf(root);
  if (!repo) return [];
  const rules: Rules[] = [];
  const exclude = readIgnore(join(repo, '.git/info/exclude'));
  if (exclude) rules.push({ base: repo, ig: ignore().add(exclude) });
  const below = relative(repo, root);
  const parts = below ? below.split(sep) : [];
  let d = repo;
  for (let i = 0; i < parts.length; i++) {
    const gi = readIgnore(join(d, '.gitignore'));
    if (gi) rules.push({ base: d, ig: ignore().add(gi) });
    d = join(d, parts[i]!);
  }
  return rules;
}

/** Every file to scan under `roots`, in a stable order. */
export async function collectFiles(roots: readonly string[], excludes: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const root of roots) {
    const st = await lstat(root);
    if (!st.isDirectory()) {
      out.push(root);
      continue;
    }
    const top = ignore();
    const text = readIgnore(join(root, '.flero-scanignore'));
    if (text) top.add(text);
    if (excludes.length) top.add(excludes.join('\n'));
    // Bases may be absolute (the repository's) or relative (the root as given): `relative` resolves both alike.
    await walk(root, [...enclosingRules(resolve(root)), { base: root, ig: top }], out);
  }
  return out;
}

async function walk(dir: string, stack: Rules[], out: string[]): Promise<void> {
  const gi = readIgnore(join(dir, '.gitignore'));
  const here = gi ? [...stack, { base: dir, ig: ignore().add(gi) }] : stack;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name === '.git') continue;
    const abs = join(dir, e.name);
    if (e.isDirectory()) {
      if (!ignoredBy(here, abs, true)) await walk(abs, here, out);
    } else if (e.isFile() && !ignoredBy(here, abs, false)) out.push(abs);
  }
}
