// `log-leak`: a data-flow (taint) analysis over a Code node's acorn AST. An abstract interpreter walks the program
// once, in order, tracking for every variable an abstract value: is it secret-derived (and from which source), a
// constant, an object with known fields, a function. Sources: credential-named headers/properties/variables holding
// non-constant data, `headers.get('authorization')`, auth-scheme strings (`'Bearer ' + x`). Flows: assignment,
// compound assignment, destructuring (defaults, rest), spread, templates, concatenation, JSON.stringify, nesting,
// local functions (argument → parameter, return → call), callbacks of array methods. Sinks: console.*, log(), logger.*.
// Offsets are indices into the code string; the caller maps them to the file.
import { type Node, parse } from 'acorn';
import { isSecretName } from './secretNames';

const SCHEME_ONLY = /^(bearer|basic|token|digest)\s+$/i;

export interface LeakSource {
  start: number;
  end: number;
  label: string;
}
export interface LeakFinding {
  start: number;
  end: number;
  sink: string;
  source: LeakSource;
  /** The argument is a plain read (identifier/member): `Boolean(x)` is a sensible replacement. */
  presence: boolean;
}

export interface CodeSyntaxError {
  pos: number;
  message: string;
}

interface Fn {
  params: N[];
  body: N;
  expression: boolean;
  env: Env;
  node: N;
}

interface Val {
  /** Secret-derived (the source it came from). */
  t?: LeakSource;
  /** A compile-time constant. */
  k?: boolean;
  /** The constant's text, when a string. */
  s?: string;
  /** Known fields (objects; arrays by index). */
  f?: Map<string, Val>;
  /** Unknown fields / array elements. */
  any?: Val;
  fn?: Fn;
  /** A header object of unknown content: logging it whole leaks whatever credentials it carries. */
  bag?: LeakSource;
}

// acorn's nodes, read structurally (the ESTree union types are too wide to narrow cheaply here).
// biome-ignore lint/suspicious/noExplicitAny: ESTree nodes are walked generically
type N = Node & Record<string, any>;

class Env {
  readonly vars = new Map<string, Val>();
  constructor(readonly parent?: Env) {}
  lookup(name: string): Val | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      const v = e.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
  owner(name: string): Env | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) if (e.vars.has(name)) return e;
    return undefined;
  }
  root(): Env {
    let e: Env = this;
    while (e.parent) e = e.parent;
    return e;
  }
}

const CLEAN: Val = Object.freeze({}) as Val;
const CONST: Val = Object.freeze({ k: true }) as Val;
const NON_SECRET_PROPS = new Set(['length', 'size', 'status', 'statusCode', 'statusText', 'ok', 'count', 'byteLength']);
const CLEAN_METHODS = new Set([
  'startsWith',
  'endsWith',
  'includes',
  'indexOf',
  'lastIndexOf',
  'test',
  'has',
  'findIndex',
  'findLastIndex',
  'localeCompare',
  'charCodeAt',
  'codePointAt',
  'search',
  'keys',
  'getTime',
  'toFixed',
]);
const CALLBACK_METHODS = new Set([
  'forEach',
  'map',
  'filter',
  'find',
  'findLast',
  'flatMap',
  'some',
  'every',
  'reduce',
]);
const MUTATORS = new Set(['push', 'unshift', 'add', 'append', 'set']);
const COLLAPSING_GLOBALS = new Set(['String', 'encodeURIComponent', 'encodeURI', 'btoa', 'atob', 'escape', 'unescape']);
const CLEAN_GLOBALS = new Set(['Boolean', 'Number', 'parseInt', 'parseFloat', 'isNaN', 'isFinite']);
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']);
const BUDGET = 200_000;

export function parseCode(code: string): { ast?: N; error?: CodeSyntaxError } {
  try {
    const ast = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
    }) as N;
    return { ast };
  } catch (err) {
    const e = err as { pos?: number; message?: string };
    return {
      error: { pos: e.pos ?? 0, message: String(e.message ?? 'syntax error').replace(/\s*\(\d+:\d+\)$/, '') },
    };
  }
}

export function findLogLeaks(ast: N): LeakFinding[] {
  return new Analyzer().run(ast);
}

function leakOf(v: Val | undefined, depth = 0): LeakSource | undefined {
  if (!v || depth > 6) return undefined;
  if (v.t) return v.t;
  if (v.bag) return v.bag;
  if (v.f)
    for (const x of v.f.values())
      if (x !== v) {
        const l = leakOf(x, depth + 1);
        if (l) return l;
      }
  return v.any && v.any !== v ? leakOf(v.any, depth + 1) : undefined;
}

function join(a: Val | undefined, b: Val | undefined): Val {
  if (!a) return b ?? CLEAN;
  if (!b || a === b) return a;
  const out: Val = {};
  const t = a.t ?? b.t;
  if (t) out.t = t;
  if (a.k && b.k) out.k = true;
  if (a.s !== undefined && a.s === b.s) out.s = a.s;
  if (a.f || b.f) {
    out.f = new Map(a.f);
    for (const [k, v] of b.f ?? []) out.f.set(k, out.f.has(k) ? join(out.f.get(k), v) : v);
  }
  if (a.any || b.any) out.any = join(a.any, b.any);
  const fn = a.fn ?? b.fn;
  if (fn) out.fn = fn;
  const bag = a.bag ?? b.bag;
  if (bag) out.bag = bag;
  return out;
}

function tainted(t: LeakSource | undefined): Val {
  return t ? { t } : CLEAN;
}

function withSource(v: Val, src: LeakSource): Val {
  if (v.k || v.fn || v.t) return v;
  return { ...v, t: src };
}

/** Join of an array's / object's element values (what a callback or `for…of` sees). */
function elementOf(v: Val): Val {
  let out: Val | undefined = v.any;
  if (v.f) for (const x of v.f.values()) out = join(out, x);
  if (v.t) out = join(out, { t: v.t });
  if (v.bag) out = join(out, { bag: v.bag });
  return out ?? CLEAN;
}

function propName(node: N, computed: boolean): string | undefined {
  if (!computed && node.type === 'Identifier') return node.name as string;
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number'))
    return String(node.value);
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked as string;
  return undefined;
}

class Analyzer {
  private readonly findings = new Map<string, LeakFinding>();
  private cond = 0;
  private steps = 0;
  private readonly active: N[] = [];
  private returns: Val[][] = [];

  run(program: N): LeakFinding[] {
    const env = new Env();
    this.block(program.body as N[], env);
    return [...this.findings.values()].sort((a, b) => a.start - b.start);
  }

  private src(node: N, label: string): LeakSource {
    return { start: node.start, end: node.end, label };
  }

  // ── statements ──────────────────────────────────────────────────────────────────────────────────────────────
  private block(body: N[], env: Env): void {
    for (const s of body)
      if (s.type === 'FunctionDeclaration' && s.id) env.vars.set(s.id.name, { fn: this.makeFn(s, env, false) });
    for (const s of body) this.stmt(s, env);
    for (const s of body) if (s.type === 'FunctionDeclaration') this.analyseUncalled(env.vars.get(s.id?.name)?.fn);
  }

  private stmt(s: N, env: Env): void {
    if (++this.steps > BUDGET) return;
    switch (s.type) {
      case 'VariableDeclaration':
        for (const d of s.declarations as N[]) {
          let v = d.init ? this.expr(d.init, env) : CONST;
          if (d.id.type === 'Identifier' && d.init && isSecretName(d.id.name))
            v = withSource(v, this.src(d, `\`${d.id.name}\``));
          this.assign(d.id, v, env, true);
        }
        return;
      case 'FunctionDeclaration':
        return;
      case 'ClassDeclaration':
        if (s.id) env.vars.set(s.id.name, CLEAN);
        return;
      case 'ExpressionStatement':
        this.expr(s.expression, env);
        return;
      case 'ReturnStatement': {
        const v = s.argument ? this.expr(s.argument, env) : CONST;
        this.returns[this.returns.length - 1]?.push(v);
        return;
      }
      case 'ThrowStatement':
        this.expr(s.argument, env);
        return;
      case 'BlockStatement':
        this.block(s.body, new Env(env));
        return;
      case 'IfStatement':
        this.expr(s.test, env);
        this.branch(() => {
          this.stmt(s.consequent, env);
          if (s.alternate) this.stmt(s.alternate, env);
        });
        return;
      case 'ForStatement': {
        const inner = new Env(env);
        if (s.init) s.init.type === 'VariableDeclaration' ? this.stmt(s.init, inner) : this.expr(s.init, inner);
        this.branch(() => {
          for (let i = 0; i < 2; i++) {
            if (s.test) this.expr(s.test, inner);
            this.stmt(s.body, inner);
            if (s.update) this.expr(s.update, inner);
          }
        });
        return;
      }
      case 'ForOfStatement':
      case 'ForInStatement': {
        const inner = new Env(env);
        const right = this.expr(s.right, env);
        const item = s.type === 'ForOfStatement' ? elementOf(right) : CLEAN;
        const target = s.left.type === 'VariableDeclaration' ? s.left.declarations[0].id : s.left;
        this.branch(() => {
          for (let i = 0; i < 2; i++) {
            this.assign(target, item, inner, s.left.type === 'VariableDeclaration');
            this.stmt(s.body, inner);
          }
        });
        return;
      }
      case 'WhileStatement':
      case 'DoWhileStatement':
        this.branch(() => {
          for (let i = 0; i < 2; i++) {
            this.expr(s.test, env);
            this.stmt(s.body, env);
          }
        });
        return;
      case 'TryStatement':
        this.stmt(s.block, env);
        this.branch(() => {
          if (s.handler) {
            const inner = new Env(env);
            if (s.handler.param) this.assign(s.handler.param, CLEAN, inner, true);
            this.stmt(s.handler.body, inner);
          }
        });
        if (s.finalizer) this.stmt(s.finalizer, env);
        return;
      case 'SwitchStatement':
        this.expr(s.discriminant, env);
        this.branch(() => {
          const inner = new Env(env);
          for (const c of s.cases as N[]) {
            if (c.test) this.expr(c.test, inner);
            for (const x of c.consequent as N[]) this.stmt(x, inner);
          }
        });
        return;
      case 'LabeledStatement':
        this.stmt(s.body, env);
        return;
      default:
        return;
    }
  }

  private branch(f: () => void): void {
    this.cond++;
    try {
      f();
    } finally {
      this.cond--;
    }
  }

  // ── binding ─────────────────────────────────────────────────────────────────────────────────────────────────
  private assign(target: N, v: Val, env: Env, declare: boolean): void {
    switch (target.type) {
      case 'Identifier': {
        const name = target.name as string;
        if (declare) {
          env.vars.set(name, v);
          return;
        }
        const owner = env.owner(name) ?? env.root();
        owner.vars.set(name, this.cond > 0 ? join(owner.vars.get(name), v) : v);
        return;
      }
      case 'MemberExpression': {
        const obj = this.expr(target.object, env);
        if (Object.isFrozen(obj)) return;
        const key = propName(target.property, target.computed);
        let val = v;
        if (key !== undefined && isSecretName(key) && !v.k) val = withSource(v, this.src(target, `the ${key} value`));
        if (key === undefined) obj.any = join(obj.any, val);
        else {
          obj.f ??= new Map();
          obj.f.set(key, this.cond > 0 ? join(obj.f.get(key), val) : val);
        }
        return;
      }
      case 'ObjectPattern': {
        const used = new Set<string>();
        for (const p of target.properties as N[]) {
          if (p.type === 'RestElement') {
            const rest: Val = { f: new Map([...(v.f ?? [])].filter(([k]) => !used.has(k))) };
            if (v.any) rest.any = v.any;
            if (v.t) rest.t = v.t;
            if (v.bag) rest.bag = v.bag;
            this.assign(p.argument, rest, env, declare);
            continue;
          }
          const key = p.computed ? propName(p.key, true) : propName(p.key, false);
          if (p.computed && key === undefined) this.expr(p.key, env);
          if (key !== undefined) used.add(key);
          this.assign(p.value, this.read(v, key, p), env, declare);
        }
        return;
      }
      case 'ArrayPattern':
        (target.elements as (N | null)[]).forEach((el, i) => {
          if (!el) return;
          if (el.type === 'RestElement') this.assign(el.argument, { any: elementOf(v) }, env, declare);
          else this.assign(el, this.read(v, String(i), el), env, declare);
        });
        return;
      case 'AssignmentPattern':
        this.assign(target.left, join(v, this.expr(target.right, env)), env, declare);
        return;
      default:
        return;
    }
  }

  /** `obj[key]`: known field, credential-named field (a source), derived from a secret, or an element. */
  private read(obj: Val, key: string | undefined, node: N): Val {
    if (key !== undefined && NON_SECRET_PROPS.has(key)) return CLEAN;
    if (key !== undefined && obj.f?.has(key)) return obj.f.get(key)!;
    if (key !== undefined && isSecretName(key) && !obj.k) return { t: this.src(node, `the ${key} value`) };
    if (obj.t) return { t: obj.t };
    if (key === undefined) return elementOf(obj);
    if (obj.any) return obj.any;
    if ((key === 'headers' || key === 'header') && !obj.f && !obj.k)
      return { bag: this.src(node, 'a whole header object') };
    return CLEAN;
  }

  // ── expressions ─────────────────────────────────────────────────────────────────────────────────────────────
  private expr(e: N, env: Env): Val {
    if (++this.steps > BUDGET) return CLEAN;
    switch (e.type) {
      case 'Literal':
        return typeof e.value === 'string' ? { k: true, s: e.value } : CONST;
      case 'TemplateLiteral':
        return this.template(e, env);
      case 'TaggedTemplateExpression':
        for (const x of e.quasi.expressions as N[]) this.expr(x, env);
        return CLEAN;
      case 'Identifier':
        if (e.name === 'undefined') return CONST;
        return env.lookup(e.name) ?? CLEAN;
      case 'ThisExpression':
        return CLEAN;
      case 'ChainExpression':
      case 'ParenthesizedExpression':
        return this.expr(e.expression, env);
      case 'AwaitExpression':
        return this.expr(e.argument, env);
      case 'MemberExpression': {
        const obj = this.expr(e.object, env);
        const key = propName(e.property, e.computed);
        if (e.computed && key === undefined) this.expr(e.property, env);
        return this.read(obj, key, e);
      }
      case 'ObjectExpression':
        return this.object(e, env);
      case 'ArrayExpression': {
        const out: Val = { f: new Map() };
        (e.elements as (N | null)[]).forEach((el, i) => {
          if (!el) return;
          if (el.type === 'SpreadElement') out.any = join(out.any, elementOf(this.expr(el.argument, env)));
          else out.f!.set(String(i), this.expr(el, env));
        });
        return out;
      }
      case 'BinaryExpression': {
        const l = this.expr(e.left, env);
        const r = this.expr(e.right, env);
        if (e.operator !== '+') return CLEAN;
        return this.concat(l, r, e);
      }
      case 'LogicalExpression':
        return join(this.expr(e.left, env), this.expr(e.right, env));
      case 'ConditionalExpression':
        this.expr(e.test, env);
        return join(this.expr(e.consequent, env), this.expr(e.alternate, env));
      case 'UnaryExpression':
        this.expr(e.argument, env);
        return CLEAN;
      case 'UpdateExpression':
        this.expr(e.argument, env);
        return CLEAN;
      case 'SequenceExpression': {
        let last: Val = CLEAN;
        for (const x of e.expressions as N[]) last = this.expr(x, env);
        return last;
      }
      case 'AssignmentExpression': {
        const r = this.expr(e.right, env);
        if (e.operator === '=') {
          this.assign(e.left, r, env, false);
          return r;
        }
        const cur = this.expr(e.left, env);
        const v =
          e.operator === '+='
            ? this.concat(cur, r, e)
            : e.operator === '??=' || e.operator === '||='
              ? join(cur, r)
              : CLEAN;
        this.assign(e.left, v, env, false);
        return v;
      }
      case 'ArrowFunctionExpression':
      case 'FunctionExpression': {
        const fn = this.makeFn(e, env, e.type === 'ArrowFunctionExpression' && e.expression);
        this.analyseUncalled(fn);
        return { fn };
      }
      case 'CallExpression':
        return this.call(e, env);
      case 'NewExpression': {
        const args = (e.arguments as N[]).map((a) => this.expr(a.type === 'SpreadElement' ? a.argument : a, env));
        const name = e.callee.type === 'Identifier' ? (e.callee.name as string) : '';
        if (['Headers', 'Map', 'URLSearchParams', 'Object', 'String'].includes(name)) return args[0] ?? CLEAN;
        return CLEAN;
      }
      case 'YieldExpression':
        if (e.argument) this.expr(e.argument, env);
        return CLEAN;
      default:
        return CLEAN;
    }
  }

  private template(e: N, env: Env): Val {
    const exprs = e.expressions as N[];
    if (exprs.length === 0) return { k: true, s: e.quasis[0].value.cooked ?? '' };
    let t: LeakSource | undefined;
    exprs.forEach((x, i) => {
      const v = this.expr(x, env);
      const before = (e.quasis[i].value.cooked ?? '') as string;
      const scheme = /(bearer|basic|token|digest)\s+$/i.exec(before);
      if (!t && scheme && !v.k) t = this.src(e, `a "${scheme[1]} …" credential string`);
      t ??= leakOf(v);
    });
    return tainted(t);
  }

  private concat(l: Val, r: Val, node: N): Val {
    if (l.k && r.k) return l.s !== undefined && r.s !== undefined ? { k: true, s: l.s + r.s } : CONST;
    // `'Bearer ' + x`: the constant is exactly a scheme and a space (not "Basic plan: " + n).
    if (l.s !== undefined && SCHEME_ONLY.test(l.s) && !r.k && !r.fn) {
      const scheme = SCHEME_ONLY.exec(l.s)![1]!;
      return { t: leakOf(r) ?? this.src(node, `a "${scheme} …" credential string`) };
    }
    return tainted(leakOf(l) ?? leakOf(r));
  }

  private object(e: N, env: Env): Val {
    const out: Val = { f: new Map() };
    for (const p of e.properties as N[]) {
      if (p.type === 'SpreadElement') {
        const v = this.expr(p.argument, env);
        for (const [k, x] of v.f ?? []) out.f!.set(k, x);
        if (v.any) out.any = join(out.any, v.any);
        if (v.bag) out.bag = v.bag;
        if (v.t) out.any = join(out.any, { t: v.t });
        continue;
      }
      const key = propName(p.key, p.computed);
      if (p.computed && key === undefined) this.expr(p.key, env);
      let v = this.expr(p.value, env);
      if (key !== undefined && isSecretName(key) && !v.k && !v.fn)
        v = withSource(v, this.src(p, /^[A-Z]|-/.test(key) ? `the ${key} header` : `\`${key}\``));
      if (key === undefined) out.any = join(out.any, v);
      else out.f!.set(key, v);
    }
    return out;
  }

  private call(e: N, env: Env): Val {
    const callee = e.callee.type === 'ChainExpression' ? e.callee.expression : e.callee;
    let recv: Val | undefined;
    let method: string | undefined;
    let fnVal: Val | undefined;
    if (callee.type === 'MemberExpression') {
      recv = this.expr(callee.object, env);
      method = propName(callee.property, callee.computed);
      fnVal = method !== undefined ? recv.f?.get(method) : undefined;
    } else fnVal = this.expr(callee, env);
    const argNodes = (e.arguments as N[]).map((a) => (a.type === 'SpreadElement' ? a.argument : a));
    const args = argNodes.map((a, i) =>
      (e.arguments as N[])[i]!.type === 'SpreadElement' ? elementOf(this.expr(a, env)) : this.expr(a, env),
    );

    const sink = sinkName(callee);
    if (sink) {
      argNodes.forEach((a, i) => {
        const source = leakOf(args[i]);
        if (!source) return;
        const presence = a.type === 'Identifier' || a.type === 'MemberExpression';
        this.findings.set(`${a.start}:${a.end}`, { start: a.start, end: a.end, sink, source, presence });
      });
      return CLEAN;
    }
    if (fnVal?.fn) return this.callFn(fnVal.fn, args);

    const objName = callee.type === 'MemberExpression' && callee.object.type === 'Identifier' ? callee.object.name : '';
    if (callee.type === 'Identifier') {
      if (COLLAPSING_GLOBALS.has(callee.name)) return tainted(leakOf(args[0]));
      if (CLEAN_GLOBALS.has(callee.name)) return CLEAN;
      return CLEAN;
    }
    if (objName === 'JSON') return method === 'stringify' ? tainted(leakOf(args[0])) : (args[0] ?? CLEAN);
    if (objName === 'Buffer' && method === 'from') return tainted(leakOf(args[0]));
    if (objName === 'Promise' && method === 'resolve') return args[0] ?? CLEAN;
    if (objName === 'Object') {
      if (method === 'keys') return CLEAN;
      if (method === 'values') return { any: elementOf(args[0] ?? CLEAN) };
      if (method === 'entries') return { any: { f: new Map([['1', elementOf(args[0] ?? CLEAN)]]) } };
      if (method === 'fromEntries') return { any: elementOf(elementOf(args[0] ?? CLEAN)) };
      if (method === 'assign') {
        const target = args[0];
        if (!target || Object.isFrozen(target)) return args.reduce((a, b) => join(a, b), CLEAN);
        for (const src of args.slice(1)) {
          if (src.f) {
            target.f ??= new Map();
            for (const [k, x] of src.f) target.f.set(k, x);
          }
          if (src.any || src.t) target.any = join(target.any, join(src.any, tainted(src.t)));
          if (src.bag) target.bag = src.bag;
        }
        return target;
      }
      return CLEAN;
    }
    if (!recv || method === undefined) return CLEAN;
    if (method === 'get' && argNodes[0]) {
      const key = propName(argNodes[0], true);
      if (key !== undefined) return this.read(recv, key, e);
    }
    if (CLEAN_METHODS.has(method)) return CLEAN;
    if (CALLBACK_METHODS.has(method)) {
      const item = elementOf(recv);
      const cb = args[0]?.fn;
      let ret: Val = CLEAN;
      if (cb)
        ret =
          method === 'reduce' ? this.callFn(cb, [join(args[1], CLEAN), item]) : this.callFn(cb, [item, CLEAN, recv]);
      if (method === 'map' || method === 'flatMap') return { any: ret };
      if (method === 'filter') return recv;
      if (method === 'find' || method === 'findLast') return item;
      if (method === 'reduce') return join(ret, args[1]);
      return CLEAN;
    }
    if (MUTATORS.has(method)) {
      if (Object.isFrozen(recv)) return CLEAN;
      if (method === 'set' || method === 'append') {
        const key = argNodes[0] ? propName(argNodes[0], true) : undefined;
        let v = args[1] ?? CLEAN;
        if (key !== undefined && isSecretName(key) && !v.k) v = withSource(v, this.src(e, `the ${key} header`));
        if (key !== undefined) {
          recv.f ??= new Map();
          recv.f.set(key, v);
        } else recv.any = join(recv.any, v);
      } else for (const a of args) recv.any = join(recv.any, a);
      return CLEAN;
    }
    if (method === 'then' || method === 'catch' || method === 'finally') {
      const cb = args[0]?.fn;
      return cb ? this.callFn(cb, [recv]) : recv;
    }
    // String-ish transformations (slice, trim, concat, join, split, replace, toString, …) keep the secret.
    return tainted(leakOf(recv) ?? (method === 'concat' ? args.map((a) => leakOf(a)).find(Boolean) : undefined));
  }

  // ── functions ───────────────────────────────────────────────────────────────────────────────────────────────
  private makeFn(node: N, env: Env, expression: boolean): Fn {
    return { params: node.params as N[], body: node.body as N, expression, env, node };
  }

  /** A function's body is checked once as written (parameters unknown), and again at each local call. */
  private analyseUncalled(fn: Fn | undefined): void {
    if (fn) this.callFn(fn, []);
  }

  private callFn(fn: Fn, args: Val[]): Val {
    if (this.active.includes(fn.node) || this.active.length > 6) return CLEAN;
    this.active.push(fn.node);
    const savedCond = this.cond;
    this.cond = 0;
    try {
      const env = new Env(fn.env);
      fn.params.forEach((p, i) => {
        let v = args[i] ?? CLEAN;
        if (p.type === 'Identifier' && isSecretName(p.name)) v = withSource(v, this.src(p, `\`${p.name}\``));
        if (p.type === 'RestElement')
          this.assign(p.argument, { any: args.slice(i).reduce((a, b) => join(a, b), CLEAN) }, env, true);
        else this.assign(p, v, env, true);
      });
      if (fn.expression) return this.expr(fn.body, env);
      this.returns.push([]);
      this.block(fn.body.body as N[], env);
      return (this.returns.pop() ?? []).reduce<Val>((a, b) => join(a, b), CLEAN);
    } finally {
      this.cond = savedCond;
      this.active.pop();
    }
  }
}

/** `console.log`, `log(…)`, `logger.info(…)`, `this.logger.warn(…)`: the calls that write logs. */
function sinkName(callee: N): string | undefined {
  if (callee.type === 'Identifier') return callee.name === 'log' ? 'log' : undefined;
  if (callee.type !== 'MemberExpression') return undefined;
  const method = propName(callee.property, callee.computed);
  const obj = callee.object as N;
  const objName =
    obj.type === 'Identifier'
      ? (obj.name as string)
      : obj.type === 'MemberExpression'
        ? propName(obj.property, obj.computed)
        : undefined;
  if (!objName || method === undefined) return undefined;
  if (objName === 'console' && CONSOLE_METHODS.has(method)) return `console.${method}`;
  if (/^(logger|log)$/i.test(objName) || /Logger$/.test(objName)) return `${objName}.${method}`;
  return undefined;
}
