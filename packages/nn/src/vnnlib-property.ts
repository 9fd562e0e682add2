// The VNN-LIB property of a network with one input vector X_0 … X_{n-1} and one output vector
// Y_0 … Y_{m-1}, as data: onnx's `parseVnnlib` produces it and smt-verify's `verifyVnnlibProperty`
// decides it; both import it from here (the leaf they share), so there is one declaration. Numbers
// are exact rationals: a property's box is the decimal text's exact value, not its nearest double.

/** An exact rational `numerator / denominator` (denominator > 0, lowest terms). */
export interface VnnlibRational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** One bound of an input: the exact value, its nearest float64, and whether it is strict. */
export interface VnnlibBound {
  readonly exact: VnnlibRational;
  readonly value: number;
  readonly strict: boolean;
}

/** `Σ terms[k].coefficient · Y_terms[k].index  ≤  bound` (`<` when strict). */
export interface VnnlibLinearConstraint {
  readonly terms: readonly { readonly index: number; readonly coefficient: VnnlibRational }[];
  readonly bound: VnnlibRational;
  readonly strict: boolean;
}

/**
 * A parsed property: the input box (every X_i bounded on both sides) and the output condition as
 * a disjunction of conjunctions of linear constraints over Y. In VNN-COMP the property describes
 * the *unsafe* outputs: `sat` (a counterexample) means some input in the box reaches them.
 */
export interface VnnlibProperty {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly lower: readonly VnnlibBound[];
  readonly upper: readonly VnnlibBound[];
  /** Disjuncts; each is a conjunction. One empty conjunction means "any output". */
  readonly output: readonly (readonly VnnlibLinearConstraint[])[];
}
