// What the region verifier knows about one leaf of its partition (the driver's state type).

/** The status of a leaf (ARCHITECTURE.md, "Verdicts"). */
export type LeafStatus = 'agree' | 'disagree' | 'mixed' | 'open';

/** The state of a leaf; `pending` only for a child not evaluated yet. */
export interface LeafState {
  readonly status: LeafStatus | 'pending';
  /** What decided it (`bounds`, `search`, `cells`, `smt`) or why it is open. */
  readonly by: string;
  /** Index of a replayed counterexample inside the leaf, if one is known. */
  readonly counterexample: number | null;
  /** The tie tolerance the proof used (agree leaves decided cell by cell or by z3), else 0. */
  readonly tieTolerance: number;
  /** Upper bound of the FP32 margin of a disagreement inside the leaf (−Infinity: none). */
  readonly flipUpper: number;
  /** Upper bound of max_j |int8_j − FP32_j| over the leaf. */
  readonly errorUpper: number;
  /** How much each dimension limits the proof (the split policy's guide), or null. */
  readonly influence: readonly number[] | null;
  /** The same for the bound behind `flipUpper` (where δ* splits). */
  readonly flipInfluence: readonly number[] | null;
  /**
   * The certified share of the leaf's volume where the decisions differ ([0, 0] agree, [1, 1]
   * disagree; for mixed and open leaves what their linear bounds prove, else [0, 1]).
   */
  readonly share: { readonly lower: number; readonly upper: number };
  /** The int8 action where bounds proved it constant on the leaf (children skip the int8 bounds). */
  readonly int8Action: number | null;
  /** Split off by the δ* or ε* objective: its evaluation computes the joint difference bounds. */
  readonly forMargins: boolean;
  /** Splitting cannot decide it (a reason that holds on every sub-box, e.g. one cell overflows). */
  readonly final: boolean;
}

/** The state the root inherits. */
export const ROOT_STATE: LeafState = {
  status: 'pending',
  by: 'budget',
  counterexample: null,
  tieTolerance: 0,
  flipUpper: Infinity,
  errorUpper: Infinity,
  influence: null,
  flipInfluence: null,
  share: { lower: 0, upper: 1 },
  int8Action: null,
  forMargins: true,
  final: false,
};
