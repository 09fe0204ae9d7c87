// Step bookkeeping for the e2e run: every step ends as pass, fail, pending (the feature it exercises is not in the
// extension's manifest yet — reported, never counted as a pass) or skipped (a step it depends on did not pass).

/** Replaces every known secret in `text` with a label, so nothing the harness prints can leak one. */
export class Redactor {
  constructor() {
    /** @type {{ label: string, value: string }[]} */
    this.secrets = [];
  }
  add(label, value) {
    if (value && !this.secrets.some((s) => s.value === value)) this.secrets.push({ label, value });
  }
  redact(text) {
    let out = String(text);
    for (const s of this.secrets) out = out.split(s.value).join(`<${s.label}>`);
    // Anything shaped like a Flero key that we have not been told about (e.g. an owner key) is hidden as well.
    return out.replace(/\b[a-z][a-z0-9_]{0,30}_[0-9A-Za-z]{36}\b/g, '<flero-key>');
  }
}

export class Report {
  /** @param {(msg: string) => void} log */
  constructor(log) {
    this.log = log;
    /** @type {{ suite: string, name: string, status: 'pass'|'fail'|'pending'|'skipped', ms: number, detail: string, shot?: string }[]} */
    this.steps = [];
    /** @type {string[]} */
    this.fatal = [];
  }

  add(entry) {
    this.steps.push(entry);
    const icon = { pass: 'PASS', fail: 'FAIL', pending: 'PENDING', skipped: 'SKIPPED' }[entry.status];
    const extra = entry.detail ? `  — ${entry.detail.split('\n')[0]}` : '';
    this.log(`[${entry.suite}] ${icon.padEnd(7)} ${entry.name} (${(entry.ms / 1000).toFixed(1)} s)${extra}`);
  }

  status(name) {
    return this.steps.find((s) => s.name === name)?.status;
  }

  counts() {
    const c = { pass: 0, fail: 0, pending: 0, skipped: 0 };
    for (const s of this.steps) c[s.status]++;
    return c;
  }

  summary() {
    const c = this.counts();
    const lines = ['', '=== e2e summary ==='];
    for (const s of this.steps) {
      lines.push(`${s.status.toUpperCase().padEnd(8)} [${s.suite}] ${s.name}${s.shot ? `  (${s.shot})` : ''}`);
      if (s.status !== 'pass' && s.detail) lines.push(...s.detail.split('\n').map((l) => `           ${l}`));
    }
    for (const f of this.fatal) lines.push(`FATAL    ${f}`);
    lines.push(
      `${c.pass} passed, ${c.fail} failed, ${c.pending} pending (feature not in the extension yet), ${c.skipped} skipped`,
    );
    return lines.join('\n');
  }
}
