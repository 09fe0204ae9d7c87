// What the log-leak analysis knows about the JavaScript library, as tables: for each global function, static
// method, method and constructor, how a secret flows from its arguments / receiver to its result (and into the
// receiver, for mutators). Plus the sinks (the calls that write logs), the properties that never hold a secret and
// the auth-scheme strings that make a value a credential. A call the tables do not name: a global function's result
// is clean; a method's result keeps the receiver's secret (string-ish transformations: slice, trim, join, …).
import { isSecretName } from '../../../core/secrets/names';
import { type AstNode, propName } from './ast';
import {
  type AbstractValue,
  CLEAN,
  elementOf,
  type FunctionValue,
  join,
  type LeakSource,
  secretOf,
  tainted,
  withSource,
} from './values';

/** What the interpreter lends a flow: calling a local function, reading a field, naming a source. */
export interface FlowHost {
  callFunction(fn: FunctionValue, args: AbstractValue[]): AbstractValue;
  read(obj: AbstractValue, key: string | undefined, node: AstNode): AbstractValue;
  source(node: AstNode, label: string): LeakSource;
}

/** One call, its arguments evaluated. `receiver` is CLEAN for a global function. */
export interface CallSite {
  node: AstNode;
  receiver: AbstractValue;
  method?: string;
  args: AbstractValue[];
  argNodes: AstNode[];
  host: FlowHost;
}

/** How a secret flows through one call: the call's abstract result (and any effect on the receiver). */
export type Flow = (site: CallSite) => AbstractValue;

// ── flows ─────────────────────────────────────────────────────────────────────────────────────────────────────
/** The result is never secret (a boolean, a number, an index, keys). */
const clean: Flow = () => CLEAN;
/** The result is a string (or bytes) made from the first argument: secret if anything in it is. */
const secretOfFirstArgument: Flow = ({ args }) => tainted(secretOf(args[0]));
/** The result is the first argument itself (or its parsed / awaited form). */
const firstArgument: Flow = ({ args }) => args[0] ?? CLEAN;
/** The result is derived from the receiver (a string-ish transformation). */
const secretOfReceiver: Flow = ({ receiver }) => tainted(secretOf(receiver));
/** `a.concat(b, …)`: derived from the receiver and every argument. */
const secretOfReceiverOrArguments: Flow = ({ receiver, args }) =>
  tainted(secretOf(receiver) ?? args.map((a) => secretOf(a)).find(Boolean));

/** An array callback: called with (element, index, array), or (accumulator, element) for `reduce`. */
function callback(site: CallSite): { item: AbstractValue; ret: AbstractValue } {
  const item = elementOf(site.receiver);
  const cb = site.args[0]?.func;
  let ret: AbstractValue = CLEAN;
  if (cb)
    ret =
      site.method === 'reduce'
        ? site.host.callFunction(cb, [join(site.args[1], CLEAN), item])
        : site.host.callFunction(cb, [item, CLEAN, site.receiver]);
  return { item, ret };
}
/** `forEach`, `some`, `every`: the callback sees each element; the result is clean. */
const visitElements: Flow = (site) => {
  callback(site);
  return CLEAN;
};
/** `map`, `flatMap`: an array of what the callback returns. */
const mapElements: Flow = (site) => ({ otherFields: callback(site).ret });
/** `filter`: (a part of) the receiver. */
const filterElements: Flow = (site) => {
  callback(site);
  return site.receiver;
};
/** `find`, `findLast`: one element. */
const findElement: Flow = (site) => callback(site).item;
/** `reduce`: what the callback returns, or the initial value. */
const reduceElements: Flow = (site) => join(callback(site).ret, site.args[1]);

/** `push`, `unshift`, `add`: the arguments become elements of the receiver. */
const addElements: Flow = ({ receiver, args }) => {
  if (Object.isFrozen(receiver)) return CLEAN;
  for (const a of args) receiver.otherFields = join(receiver.otherFields, a);
  return CLEAN;
};
/** `set(key, value)`, `append(key, value)`: the value becomes field `key` (a credential-named key is a source). */
const setField: Flow = ({ receiver, args, argNodes, node, host }) => {
  if (Object.isFrozen(receiver)) return CLEAN;
  const key = argNodes[0] ? propName(argNodes[0], true) : undefined;
  let v = args[1] ?? CLEAN;
  if (key !== undefined && isSecretName(key) && !v.constant) v = withSource(v, host.source(node, `the ${key} header`));
  if (key !== undefined) {
    receiver.fields ??= new Map();
    receiver.fields.set(key, v);
  } else receiver.otherFields = join(receiver.otherFields, v);
  return CLEAN;
};
/** `get(key)` with a literal key: field `key` (`headers.get('authorization')` is a source); else string-ish. */
const getField: Flow = (site) => {
  const key = site.argNodes[0] ? propName(site.argNodes[0], true) : undefined;
  return key !== undefined ? site.host.read(site.receiver, key, site.node) : secretOfReceiver(site);
};
/** `then(cb)`, `catch(cb)`, `finally(cb)`: the callback gets the receiver; the result is what it returns. */
const promiseCallback: Flow = ({ receiver, args, host }) => {
  const cb = args[0]?.func;
  return cb ? host.callFunction(cb, [receiver]) : receiver;
};

/** `Object.assign(target, …sources)`: the sources' fields are copied into the target, which is the result. */
const assignFields: Flow = ({ args }) => {
  const target = args[0];
  if (!target || Object.isFrozen(target)) return args.reduce((a, b) => join(a, b), CLEAN);
  for (const src of args.slice(1)) {
    if (src.fields) {
      target.fields ??= new Map();
      for (const [k, x] of src.fields) target.fields.set(k, x);
    }
    if (src.otherFields || src.secret)
      target.otherFields = join(target.otherFields, join(src.otherFields, tainted(src.secret)));
    if (src.headerBag) target.headerBag = src.headerBag;
  }
  return target;
};

// ── tables ────────────────────────────────────────────────────────────────────────────────────────────────────
/** `f(x)` for a global `f` (not a local function). Unlisted: clean. */
export const GLOBAL_FUNCTIONS: ReadonlyMap<string, Flow> = new Map([
  ['String', secretOfFirstArgument],
  ['encodeURIComponent', secretOfFirstArgument],
  ['encodeURI', secretOfFirstArgument],
  ['btoa', secretOfFirstArgument],
  ['atob', secretOfFirstArgument],
  ['escape', secretOfFirstArgument],
  ['unescape', secretOfFirstArgument],
  ['Boolean', clean],
  ['Number', clean],
  ['parseInt', clean],
  ['parseFloat', clean],
  ['isNaN', clean],
  ['isFinite', clean],
]);

/**
 * `O.m(x)` on a global object `O`, by method; `*` is the row for the object's other methods. A method of an object
 * with no row for it (and no `*`) is looked up in METHODS like any receiver.
 */
export const STATIC_METHODS: ReadonlyMap<string, ReadonlyMap<string, Flow>> = new Map([
  [
    'JSON',
    new Map([
      ['stringify', secretOfFirstArgument],
      ['*', firstArgument],
    ]),
  ],
  ['Buffer', new Map([['from', secretOfFirstArgument]])],
  ['Promise', new Map([['resolve', firstArgument]])],
  [
    'Object',
    new Map<string, Flow>([
      ['keys', clean],
      ['values', ({ args }) => ({ otherFields: elementOf(args[0] ?? CLEAN) })],
      ['entries', ({ args }) => ({ otherFields: { fields: new Map([['1', elementOf(args[0] ?? CLEAN)]]) } })],
      ['fromEntries', ({ args }) => ({ otherFields: elementOf(elementOf(args[0] ?? CLEAN)) })],
      ['assign', assignFields],
      ['*', clean],
    ]),
  ],
]);

/** `x.m(…)` on any other receiver. Unlisted: DEFAULT_METHOD. */
export const METHODS: ReadonlyMap<string, Flow> = new Map([
  ['get', getField],
  ...[
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
  ].map((m): [string, Flow] => [m, clean]),
  ['forEach', visitElements],
  ['some', visitElements],
  ['every', visitElements],
  ['map', mapElements],
  ['flatMap', mapElements],
  ['filter', filterElements],
  ['find', findElement],
  ['findLast', findElement],
  ['reduce', reduceElements],
  ['push', addElements],
  ['unshift', addElements],
  ['add', addElements],
  ['set', setField],
  ['append', setField],
  ['then', promiseCallback],
  ['catch', promiseCallback],
  ['finally', promiseCallback],
  ['concat', secretOfReceiverOrArguments],
]);

/** A method no row names: string-ish transformations (slice, trim, join, split, replace, toString, …). */
export const DEFAULT_METHOD: Flow = secretOfReceiver;

/** `new C(x)`: the constructed value carries the first argument. Unlisted: clean. */
export const CONSTRUCTORS: ReadonlySet<string> = new Set(['Headers', 'Map', 'URLSearchParams', 'Object', 'String']);

// ── properties and strings ────────────────────────────────────────────────────────────────────────────────────
/** Properties whose value is never a secret, whatever the object (lengths, counts, status). */
export const NON_SECRET_PROPERTIES: ReadonlySet<string> = new Set([
  'length',
  'size',
  'status',
  'statusCode',
  'statusText',
  'ok',
  'count',
  'byteLength',
]);

/** Properties that hold a header object: read from an object of unknown content, logging it whole is a leak. */
export const HEADER_BAG_PROPERTIES: ReadonlySet<string> = new Set(['headers', 'header']);

/** A string constant that is exactly an auth scheme and a space: `'Bearer ' + x` is a credential. */
export const SCHEME_ONLY = /^(bearer|basic|token|digest)\s+$/i;
/** The text before a template expression ends with an auth scheme: `` `Bearer ${x}` `` is a credential. */
export const SCHEME_BEFORE = /(bearer|basic|token|digest)\s+$/i;

// ── sinks ─────────────────────────────────────────────────────────────────────────────────────────────────────
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']);

/** `console.log`, `log(…)`, `logger.info(…)`, `this.logger.warn(…)`: the calls that write logs (their name). */
export function sinkName(callee: AstNode): string | undefined {
  if (callee.type === 'Identifier') return callee.name === 'log' ? 'log' : undefined;
  if (callee.type !== 'MemberExpression') return undefined;
  const method = propName(callee.property, callee.computed);
  const obj = callee.object as AstNode;
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
