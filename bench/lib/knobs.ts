// Run-length knobs shared by the benches. `FLERO_BENCH_SCALE` multiplies every duration and repetition count
// (default 1 = a few minutes for the whole run; 3–5 for quieter, longer numbers).

export function scale(): number {
  const raw = Number(process.env.FLERO_BENCH_SCALE ?? '1');
  return Number.isFinite(raw) && raw > 0 ? Math.min(raw, 20) : 1;
}

/** `base` scaled, at least `min`. */
export function scaled(base: number, min = 1): number {
  return Math.max(min, Math.round(base * scale()));
}
