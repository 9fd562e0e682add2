// A tiny SMT-LIB 2 printer. Queries are built as text so that what z3 solves is exactly what
// `toSmtlib` exports: anyone can re-check a verdict with another solver.
import { fromNumber, type Rational } from './rational.js';

/** A real literal, exact: `3.0`, `(/ 3.0 4.0)`, `(- (/ 3.0 4.0))`. */
export function realLiteral(r: Rational): string {
  const negative = r.numerator < 0n;
  const n = negative ? -r.numerator : r.numerator;
  const body = r.denominator === 1n ? `${n}.0` : `(/ ${n}.0 ${r.denominator}.0)`;
  return negative ? `(- ${body})` : body;
}

/** The exact real literal of a float64/float32 value. */
export function realOf(x: number): string {
  return realLiteral(fromNumber(x));
}

/** An integer literal: `7`, `(- 7)`. */
export function intLiteral(n: bigint | number): string {
  const v = BigInt(n);
  return v < 0n ? `(- ${-v})` : `${v}`;
}

/** `(+ a b …)`, or the single term, or `zero` for an empty sum. */
export function sum(terms: readonly string[], zero: string): string {
  if (terms.length === 0) return zero;
  if (terms.length === 1) return terms[0]!;
  return `(+ ${terms.join(' ')})`;
}

/** `(and …)` / `(or …)` with the identities for 0 and 1 operands. */
export function and(terms: readonly string[]): string {
  if (terms.length === 0) return 'true';
  return terms.length === 1 ? terms[0]! : `(and ${terms.join(' ')})`;
}

/** `(or …)` with the identities for 0 and 1 operands. */
export function or(terms: readonly string[]): string {
  if (terms.length === 0) return 'false';
  return terms.length === 1 ? terms[0]! : `(or ${terms.join(' ')})`;
}

/** A query under construction: declarations and assertions in order. */
export class SmtScript {
  private readonly lines: string[] = [];
  /** Real-sorted constants whose model values the caller reads back. */
  readonly reals: string[] = [];
  /** Int-sorted constants whose model values the caller reads back. */
  readonly ints: string[] = [];

  /** Declares a Real constant. */
  real(name: string, observe = false): string {
    this.lines.push(`(declare-const ${name} Real)`);
    if (observe) this.reals.push(name);
    return name;
  }

  /** Declares an Int constant. */
  int(name: string, observe = false): string {
    this.lines.push(`(declare-const ${name} Int)`);
    if (observe) this.ints.push(name);
    return name;
  }

  /** Adds `(assert formula)`. */
  assert(formula: string): void {
    this.lines.push(`(assert ${formula})`);
  }

  /** Adds a comment line. */
  comment(text: string): void {
    this.lines.push(`; ${text.replace(/\n/g, ' ')}`);
  }

  /** The body: declarations and assertions, no logic, no check-sat. */
  body(): string {
    return this.lines.join('\n');
  }

  /** A complete, standalone SMT-LIB 2 script with `(check-sat)` and `(get-value …)`. */
  toSmtlib(logic: string, header: readonly string[] = []): string {
    const observed = [...this.reals, ...this.ints];
    return [
      ...header.map((h) => `; ${h}`),
      `(set-logic ${logic})`,
      this.body(),
      '(check-sat)',
      ...(observed.length > 0 ? [`(get-value (${observed.join(' ')}))`] : []),
      '',
    ].join('\n');
  }
}
