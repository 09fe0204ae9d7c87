// The abstract interpreter of the log-leak analysis: walks a program once, in order, giving every expression an
// abstract value (./values) and recording each sink call (./knowledge) whose argument carries a secret. Branches
// join what they assign; loop bodies run twice; local functions are analysed as written and again at each call.
// Layers: ./bindings (state, assignment, reads) ← ./expressions ← this file (statements, functions).
import { isSecretName } from '../../../core/secrets/names';
import type { AstNode } from './ast';
import { BUDGET, type LeakFinding } from './bindings';
import { Expressions } from './expressions';
import { type AbstractValue, CLEAN, CONST, elementOf, type FunctionValue, join, Scope, withSource } from './values';

/** Local calls nested deeper than this are not followed (their result is clean). */
const MAX_CALL_DEPTH = 6;

export class Interpreter extends Expressions {
  run(program: AstNode): LeakFinding[] {
    this.block(program.body as AstNode[], new Scope());
    return [...this.findings.values()].sort((a, b) => a.start - b.start);
  }

  // ── statements ──────────────────────────────────────────────────────────────────────────────────────────────
  private block(body: AstNode[], scope: Scope): void {
    for (const s of body)
      if (s.type === 'FunctionDeclaration' && s.id)
        scope.bindings.set(s.id.name, { func: this.makeFunction(s, scope, false) });
    for (const s of body) this.statement(s, scope);
    for (const s of body)
      if (s.type === 'FunctionDeclaration') this.analyseUncalled(scope.bindings.get(s.id?.name)?.func);
  }

  private statement(s: AstNode, scope: Scope): void {
    if (++this.steps > BUDGET) return;
    switch (s.type) {
      case 'VariableDeclaration':
        this.declaration(s, scope);
        return;
      case 'ClassDeclaration':
        if (s.id) scope.bindings.set(s.id.name, CLEAN);
        return;
      case 'ExpressionStatement':
        this.expression(s.expression, scope);
        return;
      case 'ReturnStatement': {
        const v = s.argument ? this.expression(s.argument, scope) : CONST;
        this.returnStack[this.returnStack.length - 1]?.push(v);
        return;
      }
      case 'ThrowStatement':
        this.expression(s.argument, scope);
        return;
      case 'BlockStatement':
        this.block(s.body, new Scope(scope));
        return;
      case 'IfStatement':
        this.expression(s.test, scope);
        this.branch(() => {
          this.statement(s.consequent, scope);
          if (s.alternate) this.statement(s.alternate, scope);
        });
        return;
      case 'ForStatement':
        this.forStatement(s, scope);
        return;
      case 'ForOfStatement':
      case 'ForInStatement':
        this.forEachStatement(s, scope);
        return;
      case 'WhileStatement':
      case 'DoWhileStatement':
        this.branch(() => {
          for (let i = 0; i < 2; i++) {
            this.expression(s.test, scope);
            this.statement(s.body, scope);
          }
        });
        return;
      case 'TryStatement':
        this.tryStatement(s, scope);
        return;
      case 'SwitchStatement':
        this.switchStatement(s, scope);
        return;
      case 'LabeledStatement':
        this.statement(s.body, scope);
        return;
      default:
        // FunctionDeclaration: bound by `block`; anything else holds no data flow we follow.
        return;
    }
  }

  private declaration(s: AstNode, scope: Scope): void {
    for (const d of s.declarations as AstNode[]) {
      let v = d.init ? this.expression(d.init, scope) : CONST;
      if (d.id.type === 'Identifier' && d.init && isSecretName(d.id.name))
        v = withSource(v, this.source(d, `\`${d.id.name}\``));
      this.assign(d.id, v, scope, true);
    }
  }

  private forStatement(s: AstNode, scope: Scope): void {
    const inner = new Scope(scope);
    if (s.init) s.init.type === 'VariableDeclaration' ? this.statement(s.init, inner) : this.expression(s.init, inner);
    this.branch(() => {
      for (let i = 0; i < 2; i++) {
        if (s.test) this.expression(s.test, inner);
        this.statement(s.body, inner);
        if (s.update) this.expression(s.update, inner);
      }
    });
  }

  /** `for…of` (the target gets the elements) and `for…in` (the target gets clean keys). */
  private forEachStatement(s: AstNode, scope: Scope): void {
    const inner = new Scope(scope);
    const right = this.expression(s.right, scope);
    const item = s.type === 'ForOfStatement' ? elementOf(right) : CLEAN;
    const declared = s.left.type === 'VariableDeclaration';
    const target = declared ? s.left.declarations[0].id : s.left;
    this.branch(() => {
      for (let i = 0; i < 2; i++) {
        this.assign(target, item, inner, declared);
        this.statement(s.body, inner);
      }
    });
  }

  private tryStatement(s: AstNode, scope: Scope): void {
    this.statement(s.block, scope);
    this.branch(() => {
      if (s.handler) {
        const inner = new Scope(scope);
        if (s.handler.param) this.assign(s.handler.param, CLEAN, inner, true);
        this.statement(s.handler.body, inner);
      }
    });
    if (s.finalizer) this.statement(s.finalizer, scope);
  }

  private switchStatement(s: AstNode, scope: Scope): void {
    this.expression(s.discriminant, scope);
    this.branch(() => {
      const inner = new Scope(scope);
      for (const c of s.cases as AstNode[]) {
        if (c.test) this.expression(c.test, inner);
        for (const x of c.consequent as AstNode[]) this.statement(x, inner);
      }
    });
  }

  // ── functions ───────────────────────────────────────────────────────────────────────────────────────────────
  protected makeFunction(node: AstNode, scope: Scope, expression: boolean): FunctionValue {
    return { params: node.params as AstNode[], body: node.body as AstNode, expression, scope, node };
  }

  /** A function's body is checked once as written (parameters unknown), and again at each local call. */
  protected analyseUncalled(func: FunctionValue | undefined): void {
    if (func) this.callFunction(func, []);
  }

  callFunction(func: FunctionValue, args: AbstractValue[]): AbstractValue {
    if (this.callStack.includes(func.node) || this.callStack.length > MAX_CALL_DEPTH) return CLEAN;
    this.callStack.push(func.node);
    const savedDepth = this.conditionalDepth;
    this.conditionalDepth = 0;
    try {
      const scope = new Scope(func.scope);
      func.params.forEach((p, i) => {
        let v = args[i] ?? CLEAN;
        if (p.type === 'Identifier' && isSecretName(p.name)) v = withSource(v, this.source(p, `\`${p.name}\``));
        if (p.type === 'RestElement')
          this.assign(p.argument, { otherFields: args.slice(i).reduce((a, b) => join(a, b), CLEAN) }, scope, true);
        else this.assign(p, v, scope, true);
      });
      if (func.expression) return this.expression(func.body, scope);
      this.returnStack.push([]);
      this.block(func.body.body as AstNode[], scope);
      return (this.returnStack.pop() ?? []).reduce<AbstractValue>((a, b) => join(a, b), CLEAN);
    } finally {
      this.conditionalDepth = savedDepth;
      this.callStack.pop();
    }
  }
}
