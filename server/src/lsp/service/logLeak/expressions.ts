// Expressions of the log-leak interpreter: every expression gets an abstract value; calls go to local functions,
// to the library knowledge (./knowledge) or, for sinks, record a finding when an argument carries a secret.
import { isSecretName } from '../../../core/secrets/names';
import { type AstNode, propName } from './ast';
import { BUDGET, Bindings } from './bindings';
import {
  CONSTRUCTORS,
  type CallSite,
  DEFAULT_METHOD,
  type FlowHost,
  GLOBAL_FUNCTIONS,
  METHODS,
  SCHEME_BEFORE,
  SCHEME_ONLY,
  STATIC_METHODS,
  sinkName,
} from './knowledge';
import {
  type AbstractValue,
  CLEAN,
  CONST,
  elementOf,
  type FunctionValue,
  join,
  type LeakSource,
  type Scope,
  secretOf,
  tainted,
  withSource,
} from './values';

export abstract class Expressions extends Bindings implements FlowHost {
  abstract callFunction(func: FunctionValue, args: AbstractValue[]): AbstractValue;
  protected abstract makeFunction(node: AstNode, scope: Scope, expression: boolean): FunctionValue;
  protected abstract analyseUncalled(func: FunctionValue | undefined): void;

  // ── expressions ─────────────────────────────────────────────────────────────────────────────────────────────
  protected expression(e: AstNode, scope: Scope): AbstractValue {
    if (++this.steps > BUDGET) return CLEAN;
    switch (e.type) {
      case 'Literal':
        return typeof e.value === 'string' ? { constant: true, text: e.value } : CONST;
      case 'TemplateLiteral':
        return this.template(e, scope);
      case 'TaggedTemplateExpression':
        for (const x of e.quasi.expressions as AstNode[]) this.expression(x, scope);
        return CLEAN;
      case 'Identifier':
        if (e.name === 'undefined') return CONST;
        return scope.lookup(e.name) ?? CLEAN;
      case 'ChainExpression':
      case 'ParenthesizedExpression':
        return this.expression(e.expression, scope);
      case 'AwaitExpression':
        return this.expression(e.argument, scope);
      case 'MemberExpression': {
        const obj = this.expression(e.object, scope);
        const key = propName(e.property, e.computed);
        if (e.computed && key === undefined) this.expression(e.property, scope);
        return this.read(obj, key, e);
      }
      case 'ObjectExpression':
        return this.object(e, scope);
      case 'ArrayExpression':
        return this.array(e, scope);
      case 'BinaryExpression': {
        const l = this.expression(e.left, scope);
        const r = this.expression(e.right, scope);
        return e.operator === '+' ? this.concat(l, r, e) : CLEAN;
      }
      case 'LogicalExpression':
        return join(this.expression(e.left, scope), this.expression(e.right, scope));
      case 'ConditionalExpression':
        this.expression(e.test, scope);
        return join(this.expression(e.consequent, scope), this.expression(e.alternate, scope));
      case 'UnaryExpression':
      case 'UpdateExpression':
        this.expression(e.argument, scope);
        return CLEAN;
      case 'SequenceExpression': {
        let last: AbstractValue = CLEAN;
        for (const x of e.expressions as AstNode[]) last = this.expression(x, scope);
        return last;
      }
      case 'AssignmentExpression':
        return this.assignment(e, scope);
      case 'ArrowFunctionExpression':
      case 'FunctionExpression': {
        const func = this.makeFunction(e, scope, e.type === 'ArrowFunctionExpression' && e.expression);
        this.analyseUncalled(func);
        return { func };
      }
      case 'CallExpression':
        return this.call(e, scope);
      case 'NewExpression':
        return this.construct(e, scope);
      case 'YieldExpression':
        if (e.argument) this.expression(e.argument, scope);
        return CLEAN;
      default:
        // ThisExpression and the rest: nothing known.
        return CLEAN;
    }
  }

  protected array(e: AstNode, scope: Scope): AbstractValue {
    const out: AbstractValue = { fields: new Map() };
    (e.elements as (AstNode | null)[]).forEach((el, i) => {
      if (!el) return;
      if (el.type === 'SpreadElement')
        out.otherFields = join(out.otherFields, elementOf(this.expression(el.argument, scope)));
      else out.fields!.set(String(i), this.expression(el, scope));
    });
    return out;
  }

  /** `a = b`, `a += b` (concatenation), `a ??= b` / `a ||= b` (either); other compound operators: numbers. */
  protected assignment(e: AstNode, scope: Scope): AbstractValue {
    const r = this.expression(e.right, scope);
    if (e.operator === '=') {
      this.assign(e.left, r, scope, false);
      return r;
    }
    const cur = this.expression(e.left, scope);
    const v =
      e.operator === '+='
        ? this.concat(cur, r, e)
        : e.operator === '??=' || e.operator === '||='
          ? join(cur, r)
          : CLEAN;
    this.assign(e.left, v, scope, false);
    return v;
  }

  protected template(e: AstNode, scope: Scope): AbstractValue {
    const exprs = e.expressions as AstNode[];
    if (exprs.length === 0) return { constant: true, text: e.quasis[0].value.cooked ?? '' };
    let secret: LeakSource | undefined;
    exprs.forEach((x, i) => {
      const v = this.expression(x, scope);
      const before = (e.quasis[i].value.cooked ?? '') as string;
      const scheme = SCHEME_BEFORE.exec(before);
      if (!secret && scheme && !v.constant) secret = this.source(e, `a "${scheme[1]} …" credential string`);
      secret ??= secretOf(v);
    });
    return tainted(secret);
  }

  protected concat(l: AbstractValue, r: AbstractValue, node: AstNode): AbstractValue {
    if (l.constant && r.constant)
      return l.text !== undefined && r.text !== undefined ? { constant: true, text: l.text + r.text } : CONST;
    // `'Bearer ' + x`: the constant is exactly a scheme and a space (not "Basic plan: " + n).
    if (l.text !== undefined && SCHEME_ONLY.test(l.text) && !r.constant && !r.func) {
      const scheme = SCHEME_ONLY.exec(l.text)![1]!;
      return { secret: secretOf(r) ?? this.source(node, `a "${scheme} …" credential string`) };
    }
    return tainted(secretOf(l) ?? secretOf(r));
  }

  protected object(e: AstNode, scope: Scope): AbstractValue {
    const out: AbstractValue = { fields: new Map() };
    for (const p of e.properties as AstNode[]) {
      if (p.type === 'SpreadElement') {
        const v = this.expression(p.argument, scope);
        for (const [k, x] of v.fields ?? []) out.fields!.set(k, x);
        if (v.otherFields) out.otherFields = join(out.otherFields, v.otherFields);
        if (v.headerBag) out.headerBag = v.headerBag;
        if (v.secret) out.otherFields = join(out.otherFields, { secret: v.secret });
        continue;
      }
      const key = propName(p.key, p.computed);
      if (p.computed && key === undefined) this.expression(p.key, scope);
      let v = this.expression(p.value, scope);
      if (key !== undefined && isSecretName(key) && !v.constant && !v.func)
        v = withSource(v, this.source(p, /^[A-Z]|-/.test(key) ? `the ${key} header` : `\`${key}\``));
      if (key === undefined) out.otherFields = join(out.otherFields, v);
      else out.fields!.set(key, v);
    }
    return out;
  }

  // ── calls ───────────────────────────────────────────────────────────────────────────────────────────────────
  protected call(e: AstNode, scope: Scope): AbstractValue {
    const callee = e.callee.type === 'ChainExpression' ? e.callee.expression : e.callee;
    let receiver: AbstractValue | undefined;
    let method: string | undefined;
    let calleeValue: AbstractValue | undefined;
    if (callee.type === 'MemberExpression') {
      receiver = this.expression(callee.object, scope);
      method = propName(callee.property, callee.computed);
      calleeValue = method !== undefined ? receiver.fields?.get(method) : undefined;
    } else calleeValue = this.expression(callee, scope);
    const rawArgs = e.arguments as AstNode[];
    const argNodes = rawArgs.map((a) => (a.type === 'SpreadElement' ? a.argument : a));
    const args = argNodes.map((a, i) =>
      rawArgs[i]!.type === 'SpreadElement' ? elementOf(this.expression(a, scope)) : this.expression(a, scope),
    );

    const sink = sinkName(callee);
    if (sink) {
      this.recordSink(sink, argNodes, args);
      return CLEAN;
    }
    if (calleeValue?.func) return this.callFunction(calleeValue.func, args);
    if (callee.type === 'Identifier') {
      const flow = GLOBAL_FUNCTIONS.get(callee.name);
      return flow ? flow({ node: e, receiver: CLEAN, args, argNodes, host: this }) : CLEAN;
    }
    const site: CallSite = { node: e, receiver: receiver ?? CLEAN, method, args, argNodes, host: this };
    const objName = callee.type === 'MemberExpression' && callee.object.type === 'Identifier' ? callee.object.name : '';
    const statics = objName ? STATIC_METHODS.get(objName) : undefined;
    const staticFlow = statics && ((method !== undefined ? statics.get(method) : undefined) ?? statics.get('*'));
    if (staticFlow) return staticFlow(site);
    if (!receiver || method === undefined) return CLEAN;
    return (METHODS.get(method) ?? DEFAULT_METHOD)(site);
  }

  protected recordSink(sink: string, argNodes: AstNode[], args: AbstractValue[]): void {
    argNodes.forEach((a, i) => {
      const source = secretOf(args[i]);
      if (!source) return;
      const presence = a.type === 'Identifier' || a.type === 'MemberExpression';
      this.findings.set(`${a.start}:${a.end}`, { start: a.start, end: a.end, sink, source, presence });
    });
  }

  /** `new C(…)`: a known constructor carries its first argument. */
  protected construct(e: AstNode, scope: Scope): AbstractValue {
    const args = (e.arguments as AstNode[]).map((a) =>
      this.expression(a.type === 'SpreadElement' ? a.argument : a, scope),
    );
    const name = e.callee.type === 'Identifier' ? (e.callee.name as string) : '';
    return CONSTRUCTORS.has(name) ? (args[0] ?? CLEAN) : CLEAN;
  }
}
