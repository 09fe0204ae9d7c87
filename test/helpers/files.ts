// What a directory holds, for "nothing was touched" checks: every file's path (relative), size and mtime, sorted.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${p.slice(dir.length)} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}
