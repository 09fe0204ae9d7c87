// The code node's limits, shared by the main thread (sandbox.ts) and the code workers (quickjs.ts) without loading
// QuickJS into the main thread.
export const DEFAULT_CODE_TIMEOUT_MS = 5_000;
export const DEFAULT_CODE_MEMORY_MB = 64;
export const MAX_LOG_LINES = 1_000;
/**
 * A raw console line is capped here (a memory bound, marked `truncated: true`); the runner masks it and only then
 * cuts it to its shown length, so a secret never straddles a cut made before masking.
 */
export const MAX_LOG_LINE_CHARS = 100_000;
/** All raw console text of one run together (more than 1,000 lines at the old 10,000-character line limit). */
export const MAX_LOG_TOTAL_CHARS = 10 * 1024 * 1024;
export const MAX_OUTPUT_CHARS = 10 * 1024 * 1024;
