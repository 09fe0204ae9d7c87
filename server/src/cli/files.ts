// The workflow files a command line names: files as given, folders searched recursively for *.flero.json (dot
// folders and node_modules skipped), in a stable order.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.flero.json')) out.push(p);
  }
}

/** Expands folders; a path that is not a folder stays as it is (the caller reports what cannot be read). */
export function expandFolders(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      dir = false;
    }
    if (dir) walk(p, out);
    else out.push(p);
  }
  return out;
}
