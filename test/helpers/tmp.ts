// Temporary directories for tests: under os.tmpdir(), removed by the returned cleanup (idempotent).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TmpDir {
  path: string;
  /** Removes the directory and everything in it. Safe to call twice. */
  remove(): void;
}

export function tmpDir(label = 'flero-test'): TmpDir {
  const path = mkdtempSync(join(tmpdir(), `${label.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  return {
    path,
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
