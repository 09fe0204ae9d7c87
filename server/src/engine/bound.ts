// Bounded execution records. A record is stored, listed, sent to the editor and printed by the CLI: whatever a
// workflow produces, one record stays small enough for all of them. Everything here runs on data that is already
// masked (masking always comes before any cut).
//   - a node's stored output ≤ MAX_NODE_OUTPUT_BYTES of JSON, else `{"truncated": true, "bytes": N}`;
//   - a whole record ≤ MAX_RECORD_BYTES of JSON: the largest outputs become markers first, then log lines are cut
//     (a last line says how many), then the input;
//   - error texts ≤ MAX_ERROR_CHARS (cut by the masker, after masking).
// Later nodes still see the full (masked) output of earlier ones while the run goes on: only the record is bounded.
import type { Execution, LogLine } from './types';

export const MAX_NODE_OUTPUT_BYTES = 256 * 1024;
export const MAX_RECORD_BYTES = 2 * 1024 * 1024;
export const MAX_ERROR_CHARS = 10_000;
export const MAX_LOG_CHARS = 10_000;

export interface TruncatedMarker {
  truncated: true;
  /** Size of the masked JSON that was cut. */
  bytes: number;
}

/**
 * Upper bounds already computed for objects of one record (the runner keeps one per run): a node's output is walked
 * once when it is recorded, not again for the run output and the whole record. Only for objects nobody changes
 * afterwards (the runner's masked copies).
 */
export type KnownBounds = Map<object, number>;

/**
 * An upper bound of `value`'s JSON size in bytes (every string character counted as its longest escape), walking no
 * further once it passes `cap`: the common small record is judged without being serialised.
 */
export function jsonUpperBound(value: unknown, cap: number, depth = 0, known?: KnownBounds): number {
  if (typeof value === 'string') return 6 * value.length + 2;
  if (value === null || value === undefined) return 4;
  if (typeof value !== 'object') return 24;
  if (known) {
    const k = known.get(value);
    if (k !== undefined) return k;
  }
  if (depth > 64) return cap + 1;
  let n = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && n <= cap; i++) n += jsonUpperBound(value[i], cap - n, depth + 1, known) + 1;
    return n;
  }
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    n += 6 * k.length + 4 + jsonUpperBound(obj[k], cap - n, depth + 1, known);
    if (n > cap) return n;
  }
  return n;
}

export function jsonBytes(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'string') {
    // Cheap bounds first: a string's JSON is at least length + 2 bytes and at most 6 bytes per UTF-16 unit + 2.
    if (value.length * 6 + 2 <= MAX_NODE_OUTPUT_BYTES) return value.length + 2;
  } else if (value === null || typeof value !== 'object') return String(value).length;
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

/** The output as stored: itself, or a marker when its JSON is larger than `limit`. `known`: see KnownBounds. */
export function boundOutput(value: unknown, limit = MAX_NODE_OUTPUT_BYTES, known?: KnownBounds): unknown {
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  const upper = jsonUpperBound(value, limit, 0, known);
  if (upper <= limit) {
    if (known && typeof value === 'object') known.set(value, upper);
    return value;
  }
  const bytes = jsonBytes(value);
  return bytes > limit ? ({ truncated: true, bytes } satisfies TruncatedMarker) : value;
}

export function isTruncatedMarker(value: unknown): value is TruncatedMarker {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as TruncatedMarker).truncated === true &&
    typeof (value as TruncatedMarker).bytes === 'number'
  );
}

function logBytes(lines: readonly LogLine[]): number {
  let n = 2;
  for (const l of lines) n += Buffer.byteLength(l.message) + l.level.length + l.at.length + 40;
  return n;
}

/**
 * Bounds a finished (or running) record in place and returns it: node outputs, the run output, then the whole
 * record against MAX_RECORD_BYTES. Idempotent (a bounded record comes back unchanged).
 */
export function boundRecord(ex: Execution, recordLimit = MAX_RECORD_BYTES, known?: KnownBounds): Execution {
  for (const n of ex.nodes) if (n.output !== undefined) n.output = boundOutput(n.output, MAX_NODE_OUTPUT_BYTES, known);
  if (ex.output !== undefined) ex.output = boundOutput(ex.output, MAX_NODE_OUTPUT_BYTES, known);
  if (jsonUpperBound(ex, recordLimit, 0, known) <= recordLimit) return ex;
  let total = Buffer.byteLength(JSON.stringify(ex));
  if (total <= recordLimit) return ex;

  // 0. Logs beyond their share (half the record) first: outputs are what later readers need most.
  const logTotal = ex.nodes.reduce((sum, n) => sum + (n.logs.length ? logBytes(n.logs) : 0), 0);
  if (logTotal > recordLimit / 2) {
    cutLogs(ex, total - logTotal + recordLimit / 2);
    total = Buffer.byteLength(JSON.stringify(ex));
    if (total <= recordLimit) return ex;
  }

  // 1. Outputs, largest first (the run output counts as one: it is the last node's output again).
  const outputs: { bytes: number; cut(): void }[] = [];
  for (const n of ex.nodes)
    if (n.output !== undefined && !isTruncatedMarker(n.output)) {
      const bytes = jsonBytes(n.output);
      outputs.push({
        bytes,
        cut: () => {
          n.output = { truncated: true, bytes } satisfies TruncatedMarker;
        },
      });
    }
  if (ex.output !== undefined && !isTruncatedMarker(ex.output)) {
    const bytes = jsonBytes(ex.output);
    outputs.push({
      bytes,
      cut: () => {
        ex.output = { truncated: true, bytes } satisfies TruncatedMarker;
      },
    });
  }
  outputs.sort((a, b) => b.bytes - a.bytes);
  for (const o of outputs) {
    o.cut();
    total -= o.bytes - 40; // an estimate: checked exactly before stopping
    if (total <= recordLimit) {
      total = Buffer.byteLength(JSON.stringify(ex));
      if (total <= recordLimit) return ex;
    }
  }

  // 2. Log lines, within what is left.
  cutLogs(ex, recordLimit);
  total = Buffer.byteLength(JSON.stringify(ex));
  if (total <= recordLimit) return ex;

  // 3. The input (a CLI or editor run may pass anything).
  const inputBytes = jsonBytes(ex.input);
  ex.input = { truncated: true, bytes: inputBytes } satisfies TruncatedMarker;
  if (Buffer.byteLength(JSON.stringify(ex)) <= recordLimit) return ex;

  // 4. Still over (log lines that escape to much more than their length): no log lines at all, one line saying so.
  for (const n of ex.nodes)
    if (n.logs.length)
      n.logs = [
        {
          level: 'warn',
          message: `${n.logs.length} log line(s) cut: an execution record is limited to ${MAX_RECORD_BYTES} bytes`,
          at: n.logs[0]!.at,
        },
      ];
  return ex;
}

/** Cuts log lines so the record's JSON fits `limit`: each node with logs keeps its first lines within an equal share. */
function cutLogs(ex: Execution, limit: number): void {
  const withLogs = ex.nodes.filter((n) => n.logs.length > 0);
  if (!withLogs.length) return;
  const total = Buffer.byteLength(JSON.stringify(ex));
  const fixed = total - withLogs.reduce((s, n) => s + logBytes(n.logs), 0);
  const share = Math.max(0, Math.floor((limit - fixed) / withLogs.length) - 256);
  for (const n of withLogs) {
    if (logBytes(n.logs) <= share) continue;
    let used = 2;
    let keep = 0;
    for (const l of n.logs) {
      const b = logBytes([l]) - 2;
      if (used + b > share) break;
      used += b;
      keep++;
    }
    const dropped = n.logs.length - keep;
    const at = n.logs[n.logs.length - 1]!.at;
    n.logs = n.logs.slice(0, keep);
    n.logs.push({
      level: 'warn',
      message: `${dropped} more log line(s) cut: an execution record is limited to ${MAX_RECORD_BYTES} bytes`,
      at,
    });
  }
}
