// VNN-LIB (the VNN-COMP property format, an SMT-LIB 2 subset) for networks with one input vector
// X_0 … X_{n-1} and one output vector Y_0 … Y_{m-1}. Numbers are kept as exact rationals: a
// property's box is the decimal text's exact value, not its nearest double. The property types are
// nn's (smt-verify decides the same values).
import type {
  VnnlibBound,
  VnnlibLinearConstraint,
  VnnlibProperty,
  VnnlibRational,
} from '@quantproof/nn';
import { OnnxError } from './errors.js';

/** The text is not well-formed VNN-LIB (unbalanced parentheses, a bad number, an unknown name). */
export class VnnlibParseError extends OnnxError {
  override readonly name: string = 'VnnlibParseError';
  /** 1-based line of the offending token. */
  readonly line: number;

  constructor(line: number, detail: string) {
    super(`VNN-LIB line ${line}: ${detail}. Check the property file against the VNN-LIB format.`);
    this.line = line;
  }
}

/** Well-formed VNN-LIB outside the subset quantproof verifies (see the README's VNN-LIB section). */
export class UnsupportedVnnlibError extends OnnxError {
  override readonly name: string = 'UnsupportedVnnlibError';
  /** 1-based line of the construct. */
  readonly line: number;

  constructor(line: number, construct: string, hint: string) {
    super(`VNN-LIB line ${line}: ${construct} is not supported. ${hint}`);
    this.line = line;
  }
}

type SExpr =
  | { readonly kind: 'atom'; readonly text: string; readonly line: number }
  | { readonly kind: 'list'; readonly items: readonly SExpr[]; readonly line: number };

function tokenize(text: string): { token: string; line: number }[] {
  const tokens: { token: string; line: number }[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ token: c, line });
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s();]/.test(text[j]!)) j++;
      tokens.push({ token: text.slice(i, j), line });
      i = j;
    }
  }
  return tokens;
}

function parseSExprs(text: string): SExpr[] {
  const tokens = tokenize(text);
  const stack: { items: SExpr[]; line: number }[] = [{ items: [], line: 1 }];
  for (const { token, line } of tokens) {
    if (token === '(') {
      stack.push({ items: [], line });
    } else if (token === ')') {
      const done = stack.pop();
      const parent = stack[stack.length - 1];
      if (done === undefined || parent === undefined) {
        throw new VnnlibParseError(line, "a ')' without a matching '('");
      }
      parent.items.push({ kind: 'list', items: done.items, line: done.line });
    } else {
      stack[stack.length - 1]!.items.push({ kind: 'atom', text: token, line });
    }
  }
  if (stack.length !== 1) {
    throw new VnnlibParseError(stack[stack.length - 1]!.line, "a '(' that is never closed");
  }
  return stack[0]!.items;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function rational(numerator: bigint, denominator: bigint): VnnlibRational {
  if (denominator < 0n) [numerator, denominator] = [-numerator, -denominator];
  const g = gcd(numerator, denominator);
  return g > 1n
    ? { numerator: numerator / g, denominator: denominator / g }
    : { numerator, denominator };
}

const NUMBER = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The exact value of a decimal literal (`-0.25`, `3`, `1.5e-3`), or null when it is not one. */
export function parseVnnlibDecimal(text: string): VnnlibRational | null {
  const m = NUMBER.exec(text);
  if (m === null) return null;
  const fraction = m[3] ?? '';
  let numerator = BigInt(m[2]! + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  const exponent = Number(m[4] ?? '0');
  if (exponent > 0) numerator *= 10n ** BigInt(exponent);
  if (exponent < 0) denominator *= 10n ** BigInt(-exponent);
  if (m[1] === '-') numerator = -numerator;
  return rational(numerator, denominator);
}

function doubleToRational(d: number): VnnlibRational {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let shift = exponent - 1075;
  if (exponent === 0) shift = -1074;
  else mantissa |= 1n << 52n;
  const signed = negative ? -mantissa : mantissa;
  return shift >= 0
    ? rational(signed << BigInt(shift), 1n)
    : rational(signed, 1n << BigInt(-shift));
}

function nextDouble(d: number, up: boolean): number {
  if (d === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, bits + (d > 0 === up ? 1n : -1n));
  return view.getFloat64(0);
}

/** The float64 nearest to an exact rational (ties to even), for finite values. */
export function vnnlibRationalToNumber(r: VnnlibRational): number {
  const negative = r.numerator < 0n;
  const n = negative ? -r.numerator : r.numerator;
  // A first guess within a few ulps: 80 significant bits of the quotient.
  const shift = BigInt(Math.max(0, 80 - (n.toString(2).length - r.denominator.toString(2).length)));
  const q = (n << shift) / r.denominator;
  const half = Math.floor(Number(shift) / 2);
  let best = (negative ? -1 : 1) * Number(q) * 2 ** -half * 2 ** -(Number(shift) - half);
  if (!Number.isFinite(best)) return best;
  for (let step = 0; step < 4; step++) {
    let moved = false;
    for (const up of [false, true]) {
      const other = nextDouble(best, up);
      const a = distance(doubleToRational(best), r);
      const b = distance(doubleToRational(other), r);
      const c = compare(b, a);
      const evenOther = isEvenDouble(other);
      if (c < 0 || (c === 0 && evenOther && other !== best)) {
        best = other;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return best;
}

function isEvenDouble(d: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  return (view.getUint8(7) & 1) === 0;
}

function distance(a: VnnlibRational, b: VnnlibRational): VnnlibRational {
  const d = add(a, mul(b, MINUS_ONE));
  return d.numerator < 0n ? mul(d, MINUS_ONE) : d;
}

/** A linear expression over Y: coefficients by index, plus a constant. */
interface LinearExpr {
  readonly coefficients: Map<number, VnnlibRational>;
  readonly constant: VnnlibRational;
}

function add(a: VnnlibRational, b: VnnlibRational): VnnlibRational {
  return rational(
    a.numerator * b.denominator + b.numerator * a.denominator,
    a.denominator * b.denominator,
  );
}

function mul(a: VnnlibRational, b: VnnlibRational): VnnlibRational {
  return rational(a.numerator * b.numerator, a.denominator * b.denominator);
}

const ZERO: VnnlibRational = { numerator: 0n, denominator: 1n };
const MINUS_ONE: VnnlibRational = { numerator: -1n, denominator: 1n };

function scaleExpr(e: LinearExpr, k: VnnlibRational): LinearExpr {
  const coefficients = new Map<number, VnnlibRational>();
  for (const [i, c] of e.coefficients) coefficients.set(i, mul(c, k));
  return { coefficients, constant: mul(e.constant, k) };
}

function addExpr(a: LinearExpr, b: LinearExpr): LinearExpr {
  const coefficients = new Map(a.coefficients);
  for (const [i, c] of b.coefficients) coefficients.set(i, add(coefficients.get(i) ?? ZERO, c));
  return { coefficients, constant: add(a.constant, b.constant) };
}

class Parser {
  readonly inputs = new Map<string, number>();
  readonly outputs = new Map<string, number>();
  readonly lower: (VnnlibBound | undefined)[] = [];
  readonly upper: (VnnlibBound | undefined)[] = [];
  /** Conjunction of asserted output conditions, each a DNF. */
  readonly outputAsserts: (readonly (readonly VnnlibLinearConstraint[])[])[] = [];

  declare(e: SExpr & { kind: 'list' }): void {
    const [, name, sort] = e.items;
    if (e.items.length !== 3 || name?.kind !== 'atom' || sort?.kind !== 'atom') {
      throw new VnnlibParseError(e.line, 'declare-const takes a name and a sort');
    }
    if (sort.text !== 'Real') {
      throw new UnsupportedVnnlibError(
        e.line,
        `a constant of sort ${sort.text}`,
        'Declare inputs X_i and outputs Y_i as Real.',
      );
    }
    const m = /^([XY])_(\d+)$/.exec(name.text);
    if (m === null) {
      throw new UnsupportedVnnlibError(
        e.line,
        `the constant '${name.text}'`,
        'Name inputs X_0, X_1, … and outputs Y_0, Y_1, … (one input and one output tensor).',
      );
    }
    const target = m[1] === 'X' ? this.inputs : this.outputs;
    if (target.has(name.text)) {
      throw new VnnlibParseError(e.line, `'${name.text}' is declared twice`);
    }
    target.set(name.text, Number(m[2]));
  }

  number(e: SExpr): VnnlibRational | null {
    if (e.kind === 'atom') return parseVnnlibDecimal(e.text);
    const [head, arg] = e.items;
    if (e.items.length === 2 && head?.kind === 'atom' && head.text === '-' && arg !== undefined) {
      const v = this.number(arg);
      return v === null ? null : mul(v, MINUS_ONE);
    }
    if (e.items.length === 3 && head?.kind === 'atom' && head.text === '/') {
      const a = this.number(e.items[1]!);
      const b = this.number(e.items[2]!);
      if (a !== null && b !== null && b.numerator !== 0n) {
        return rational(a.numerator * b.denominator, a.denominator * b.numerator);
      }
    }
    return null;
  }

  /** A linear expression over Y (inputs appear only in box bounds). */
  linear(e: SExpr): LinearExpr {
    const constant = this.number(e);
    if (constant !== null) return { coefficients: new Map(), constant };
    if (e.kind === 'atom') {
      const index = this.outputs.get(e.text);
      if (index !== undefined) {
        return {
          coefficients: new Map([[index, { numerator: 1n, denominator: 1n }]]),
          constant: ZERO,
        };
      }
      if (this.inputs.has(e.text)) {
        throw new UnsupportedVnnlibError(
          e.line,
          `the input '${e.text}' inside a linear term`,
          'Only bounds of single inputs (`(<= X_i c)`, `(>= X_i c)`) constrain the inputs.',
        );
      }
      throw new VnnlibParseError(e.line, `'${e.text}' is neither a number nor a declared constant`);
    }
    const [head, ...args] = e.items;
    if (head?.kind !== 'atom' || args.length === 0) {
      throw new VnnlibParseError(e.line, 'expected an arithmetic term');
    }
    if (head.text === '+') {
      return args.map((a) => this.linear(a)).reduce(addExpr);
    }
    if (head.text === '-') {
      const parts = args.map((a) => this.linear(a));
      if (parts.length === 1) return scaleExpr(parts[0]!, MINUS_ONE);
      return parts.slice(1).reduce((acc, p) => addExpr(acc, scaleExpr(p, MINUS_ONE)), parts[0]!);
    }
    if (head.text === '*') {
      const parts = args.map((a) => this.linear(a));
      let result = parts[0]!;
      for (const p of parts.slice(1)) {
        if (p.coefficients.size === 0) result = scaleExpr(result, p.constant);
        else if (result.coefficients.size === 0) result = scaleExpr(p, result.constant);
        else {
          throw new UnsupportedVnnlibError(
            e.line,
            'a product of two outputs',
            'Output constraints must be linear in Y.',
          );
        }
      }
      return result;
    }
    throw new UnsupportedVnnlibError(
      e.line,
      `the operator '${head.text}'`,
      'Arithmetic terms may use +, -, * by a constant and numbers.',
    );
  }

  /** A comparison as a DNF of output constraints, or null when it was an input bound. */
  comparison(e: SExpr & { kind: 'list' }, allowInputs: boolean): VnnlibLinearConstraint[] | null {
    const [head, left, right] = e.items;
    if (
      head?.kind !== 'atom' ||
      left === undefined ||
      right === undefined ||
      e.items.length !== 3
    ) {
      throw new VnnlibParseError(e.line, 'a comparison takes two operands');
    }
    const op = head.text;
    const strict = op === '<' || op === '>';
    const lessThan = op === '<=' || op === '<';
    const inputOf = (x: SExpr): number | undefined =>
      x.kind === 'atom' ? this.inputs.get(x.text) : undefined;
    const li = inputOf(left);
    const ri = inputOf(right);
    if (li !== undefined || ri !== undefined) {
      if (!allowInputs) {
        throw new UnsupportedVnnlibError(
          e.line,
          'an input bound inside `or`/`and`',
          'Give the input box as top-level asserts; split a property with several boxes into one file per box.',
        );
      }
      const index = (li ?? ri)!;
      const value = this.number(li !== undefined ? right : left);
      if (value === null) {
        throw new UnsupportedVnnlibError(
          e.line,
          'an input constraint that is not a bound by a number',
          'Bound each input by a number: `(<= X_i c)` and `(>= X_i c)`.',
        );
      }
      // `X op c` with X on the left, or `c op X` (mirrored).
      const isUpper = li !== undefined ? lessThan : !lessThan;
      const bound: VnnlibBound = { exact: value, value: vnnlibRationalToNumber(value), strict };
      const side = isUpper ? this.upper : this.lower;
      const previous = side[index];
      const tighter =
        previous === undefined ||
        (isUpper ? compare(value, previous.exact) < 0 : compare(value, previous.exact) > 0);
      if (tighter) side[index] = bound;
      return null;
    }
    const difference = addExpr(this.linear(left), scaleExpr(this.linear(right), MINUS_ONE));
    // left - right ≤ 0  (for <=, <)  or  right - left ≤ 0  (for >=, >).
    const expr = lessThan ? difference : scaleExpr(difference, MINUS_ONE);
    if (!['<=', '<', '>=', '>'].includes(op)) {
      throw new UnsupportedVnnlibError(
        e.line,
        `the relation '${op}'`,
        'Output constraints use <=, <, >= or >.',
      );
    }
    const terms = [...expr.coefficients]
      .filter(([, c]) => c.numerator !== 0n)
      .sort(([a], [b]) => a - b)
      .map(([index, coefficient]) => ({ index, coefficient }));
    return [{ terms, bound: mul(expr.constant, MINUS_ONE), strict }];
  }

  /** A boolean formula over outputs as a DNF. */
  formula(e: SExpr, topLevel: boolean): VnnlibLinearConstraint[][] | null {
    if (e.kind !== 'list' || e.items[0]?.kind !== 'atom') {
      throw new VnnlibParseError(e.line, 'expected a formula');
    }
    const head = e.items[0].text;
    const args = e.items.slice(1);
    if (head === 'and') {
      let dnf: VnnlibLinearConstraint[][] = [[]];
      for (const a of args) {
        const sub = this.formula(a, topLevel);
        if (sub === null) continue;
        dnf = dnf.flatMap((left) => sub.map((right) => [...left, ...right]));
      }
      return dnf;
    }
    if (head === 'or') {
      return args.flatMap((a) => this.formula(a, false) ?? [[]]);
    }
    if (['<=', '<', '>=', '>'].includes(head)) {
      const c = this.comparison(e as SExpr & { kind: 'list' }, topLevel);
      return c === null ? null : [c];
    }
    throw new UnsupportedVnnlibError(
      e.line,
      `the connective '${head}'`,
      'Properties may use and, or, <=, <, >=, >.',
    );
  }

  command(e: SExpr): void {
    if (e.kind !== 'list' || e.items[0]?.kind !== 'atom') {
      throw new VnnlibParseError(
        e.line,
        'expected a command such as (declare-const …) or (assert …)',
      );
    }
    const head = e.items[0].text;
    if (head === 'declare-const') return this.declare(e);
    if (head === 'assert') {
      const body = e.items[1];
      if (e.items.length !== 2 || body === undefined) {
        throw new VnnlibParseError(e.line, 'assert takes one formula');
      }
      const dnf = this.formula(body, true);
      if (dnf !== null) this.outputAsserts.push(dnf);
      return;
    }
    if (head === 'set-logic' || head === 'check-sat' || head === 'exit' || head === 'set-info') {
      return;
    }
    throw new UnsupportedVnnlibError(
      e.line,
      `the command '${head}'`,
      'A VNN-LIB property declares constants and asserts bounds and output conditions.',
    );
  }
}

function compare(a: VnnlibRational, b: VnnlibRational): number {
  const d = a.numerator * b.denominator - b.numerator * a.denominator;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function contiguous(names: Map<string, number>, what: string): number {
  const indices = [...names.values()].sort((a, b) => a - b);
  indices.forEach((v, k) => {
    if (v !== k) {
      throw new UnsupportedVnnlibError(
        1,
        `${what} indices with a gap (missing ${what}_${k})`,
        `Declare ${what}_0 … ${what}_{n-1} without gaps.`,
      );
    }
  });
  return indices.length;
}

/**
 * Parses a VNN-LIB property of the VNN-COMP subset: `declare-const X_i`/`Y_i Real`, a box given by
 * top-level `(assert (<= X_i c))` / `(>= X_i c)` (every input bounded on both sides), and output
 * conditions — linear (in)equalities over Y, combined with `and`/`or`, several asserts conjoined.
 * Throws `VnnlibParseError` for malformed text and `UnsupportedVnnlibError` outside the subset.
 */
export function parseVnnlib(text: string): VnnlibProperty {
  const parser = new Parser();
  for (const e of parseSExprs(text)) parser.command(e);
  const inputSize = contiguous(parser.inputs, 'X');
  const outputSize = contiguous(parser.outputs, 'Y');
  if (inputSize === 0) {
    throw new UnsupportedVnnlibError(1, 'a property without inputs', 'Declare X_0 … as Real.');
  }
  const lower: VnnlibBound[] = [];
  const upper: VnnlibBound[] = [];
  for (let i = 0; i < inputSize; i++) {
    const lo = parser.lower[i];
    const hi = parser.upper[i];
    if (lo === undefined || hi === undefined) {
      throw new UnsupportedVnnlibError(
        1,
        `an unbounded input X_${i}`,
        'Bound every input on both sides: (assert (>= X_i lo)) and (assert (<= X_i hi)).',
      );
    }
    lower.push(lo);
    upper.push(hi);
  }
  let output: VnnlibLinearConstraint[][] = [[]];
  for (const dnf of parser.outputAsserts) {
    output = output.flatMap((left) => dnf.map((right) => [...left, ...right]));
  }
  return { inputSize, outputSize, lower, upper, output };
}
