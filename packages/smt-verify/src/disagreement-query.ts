// The shared core of the agreement, flip-margin and error-bound queries: one box, both networks
// encoded over the same Real inputs, and the search for a replayed counterexample.
import { mlpHead, type Mlp } from '@quantproof/nn';
import type { QMlp, QMlpStatic } from '@quantproof/quant';
import type { Box } from '@quantproof/interval';
import { float32Box, type InputBox } from './box.js';
import { modelMismatchError } from './errors.js';
import { encodeFp32, type Fp32Encoding } from './fp32-encoding.js';
import { cellInterval, type InputCells, inputCells } from './input-cells.js';
import {
  encodeInt8,
  type Int8Encoding,
  int8Decides,
  int8EncodingGap,
} from './internal/int8-encoding.js';
import {
  addUp,
  createBox,
  fp32ExecutionError,
  type Fp32IntervalBounds,
  ibpFp32,
  ibpInt8,
  type Int8IntervalBounds,
  maxPairTolerance,
} from '@quantproof/interval';
import {
  AccumulatorOverflowError,
  type CpuSemantics,
  createInt8Executor,
  inputFeatureQuant,
  pairSaturationFree,
  SOFTMAX_ORDER_GAP,
} from '@quantproof/quant';
import { toFloat32 } from './rational.js';
import { type Counterexample, judgePoint, replayCandidate, type RuntimeReplay } from './replay.js';
import { realOf, SmtScript } from './smtlib.js';
import { int8HeadUndetermined } from './internal/int8-head.js';
import { type CheckResult, checkSmt } from './z3-session.js';

/** Why a query could not decide. */
export type UnknownReason =
  | 'timeout'
  | 'dynamic-scale'
  | 'float-path'
  | 'float-logits'
  | 'degenerate-logit-scale'
  | 'replay-failed'
  | 'float32-overflow'
  | 'softmax-collapse'
  | 'int8-softmax-collapse'
  | 'avx2-saturation'
  | 'accumulator-overflow'
  | 'int8-non-finite'
  | 'non-finite-input'
  | 'solver';

/** Options shared by the queries. */
export interface QueryOptions {
  /**
   * Widens the tie band: FP32 margins at or below this are ties too. The tolerance that applies is
   * the larger of this and the float32 execution error bound computed on the box being decided
   * (interval's `fp32ExecutionError`); a smaller value never narrows it. Default: 0.
   */
  readonly tieTolerance?: number;
  /** int8 CPU semantics of the executor (default quant's `vnni-exact`). */
  readonly cpu?: CpuSemantics;
  /** Time limit of each z3 check in seconds. Default 30. */
  readonly timeoutSeconds?: number;
  /**
   * Replays counterexamples in an inference runtime too (the cli injects onnxruntime-node).
   * Default: none, and counterexamples are replayed in the executors only
   * (`Counterexample.runtimeReplay` is `'none'`).
   */
  readonly replay?: RuntimeReplay;
  /** Receives the standalone SMT-LIB 2 text of every z3 query and its answer. Default: none. */
  readonly onQuery?: (smtlib: string, result: CheckResult['kind']) => void;
}

/** Everything prepared once per box. */
export interface PreparedBox {
  readonly mlp: Mlp;
  readonly model: QMlpStatic;
  readonly box: Box;
  /** interval's `ibpFp32` over the box: fixes ReLU phases in the FP32 encoding. */
  readonly bounds: Fp32IntervalBounds;
  readonly tolerance: number;
  readonly cells: readonly InputCells[];
  /**
   * interval's `ibpInt8` over the box: exact integer ranges of every layer's accumulators and
   * requantised outputs (with zero point), the int8 encoding's big-M constants.
   */
  readonly ranges: Int8IntervalBounds;
  /** int8 CPU semantics the executor runs with (absent: quant's default). */
  readonly cpu?: CpuSemantics;
}

/** Checks shapes and formats; returns the prepared box or an unknown reason. */
export function prepareBox(
  mlp: Mlp,
  model: QMlp,
  box: InputBox,
  options: QueryOptions,
): PreparedBox | { readonly unknown: UnknownReason } {
  const inputs = mlp.layers[0]!.inFeatures;
  const outputs = mlp.layers[mlp.layers.length - 1]!.outFeatures;
  const qIn = model.layers[0]!.inFeatures;
  const qOut = model.layers[model.layers.length - 1]!.outFeatures;
  if (inputs !== qIn || outputs !== qOut) {
    throw modelMismatchError(`FP32 ${inputs}→${outputs}, int8 ${qIn}→${qOut}`);
  }
  const b = float32Box(box, inputs);
  if (accumulatorOverflow(model) !== null) return { unknown: 'accumulator-overflow' };
  if (model.format === 'dynamic') return { unknown: 'dynamic-scale' };
  // The encoding models integer layers only; a layer kept in float32 runs a float32 Gemm.
  if (model.format === 'mixed') return { unknown: 'float-path' };
  if (model.executionPath.kind !== 'fused-integer') return { unknown: 'float-path' };
  if (int8HeadUndetermined(model)) return { unknown: 'int8-softmax-collapse' };
  if (!int8ExactlyEncoded(model, options.cpu)) return { unknown: 'avx2-saturation' };
  const tolerance = boxTolerance(mlp, b.lower, b.upper, options.tieTolerance);
  if (tolerance === null) return { unknown: 'float32-overflow' };
  const region = createBox(b.lower, b.upper);
  const bounds = ibpFp32(mlp, region);
  // Each feature's own cells (per-feature input scales share the zero point the encoding uses).
  const cells = Array.from(b.lower, (lo, i) =>
    inputCells(lo, b.upper[i]!, inputFeatureQuant(model, i)),
  );
  // The box holds float32 values only, so ibpInt8 quantises exactly the cells' [qLow, qHigh].
  const ranges = ibpInt8(model, region);
  const gap = int8EncodingGap(model, ranges);
  if (gap !== null) return { unknown: gap };
  return {
    mlp,
    model,
    box: b,
    bounds,
    tolerance,
    cells,
    ranges,
    ...(options.cpu === undefined ? {} : { cpu: options.cpu }),
  };
}

/** A script with both networks over the box's Real inputs. */
export function encodeBoth(p: PreparedBox): {
  script: SmtScript;
  inputs: string[];
  fp32: Fp32Encoding;
  int8: Int8Encoding;
} {
  const script = new SmtScript();
  const inputs = Array.from(p.box.lower, (lo, i) => {
    const x = script.real(`x${i}`, true);
    script.assert(`(<= ${realOf(lo)} ${x})`);
    script.assert(`(<= ${x} ${realOf(p.box.upper[i]!)})`);
    return x;
  });
  const fp32 = encodeFp32(script, p.mlp, p.bounds, inputs);
  const int8 = encodeInt8(script, p.model, inputs, p.cells, p.ranges);
  return { script, inputs, fp32, int8 };
}

/**
 * Why `model`'s int32 accumulators could leave int32 (quant's executor refuses such a model:
 * onnxruntime's result then depends on whether its CPU kernel wraps or saturates), or null.
 */
export function accumulatorOverflow(model: QMlp): string | null {
  try {
    createInt8Executor(model);
    return null;
  } catch (error) {
    if (error instanceof AccumulatorOverflowError) return error.message;
    throw error;
  }
}

/**
 * Whether the int8 bounds and encodings (exact int32 sums) describe `model` on `cpu`: always for
 * `vnni-exact`; for `avx2-u8s8-saturating` only when no pair sum can saturate
 * (quant's `pairSaturationFree`), since then both semantics compute the same outputs.
 */
export function int8ExactlyEncoded(model: QMlp, cpu: CpuSemantics | undefined): boolean {
  return cpu !== 'avx2-u8s8-saturating' || pairSaturationFree(model);
}

/**
 * The tie tolerance valid on the box [lower, upper]: the largest pair tolerance of the float32
 * execution error bound computed on that box (never on a larger one), or `floor` if larger; null
 * when float32 could overflow there (no tolerance is valid).
 */
export function boxTolerance(
  mlp: Mlp,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  floor = 0,
): number | null {
  const errors = fp32ExecutionError(mlp, createBox(lower, upper));
  const tolerance = maxPairTolerance(errors);
  return Number.isFinite(tolerance) ? Math.max(tolerance, floor) : null;
}

/** `(and …)`: the FP32 network decides `c` with margin above `threshold` over every other logit. */
export function fp32DecidesAbove(logits: readonly string[], c: number, threshold: number): string {
  const parts = logits.flatMap((y, j) =>
    j === c ? [] : [`(> (- ${logits[c]} ${y}) ${realOf(threshold)})`],
  );
  return parts.length === 0 ? 'true' : `(and ${parts.join(' ')})`;
}

/**
 * `(or …)`: at this input the FP32 model may overrule the int8 action `c` beyond a tie — some FP32
 * logit beats logit `c` by more than `tolerance` (the tie rule compares FP32's action with the int8
 * action, not with FP32's runner-up), or, with a Softmax head (`gap` = `SOFTMAX_ORDER_GAP`), an
 * earlier logit lies below logit `c` by more than the tolerance but within `tolerance + gap`, where
 * float32 probabilities may collapse and the earlier index win. Its negation is the theorem on a box.
 */
export function fp32MayOverrule(
  logits: readonly string[],
  c: number,
  tolerance: number,
  gap = 0,
): string {
  const parts = logits.flatMap((y, j) => {
    if (j === c) return [];
    const over = `(- ${y} ${logits[c]})`;
    const beats = `(> ${over} ${realOf(tolerance)})`;
    if (gap === 0 || j > c) return [beats];
    const band = `(and (>= ${over} ${realOf(-addUp(tolerance, gap))}) (< ${over} ${realOf(-tolerance)}))`;
    return [beats, band];
  });
  return parts.length === 0 ? 'false' : parts.length === 1 ? parts[0]! : `(or ${parts.join(' ')})`;
}

/** The Softmax gap of the FP32 model's head (0 for logits). */
export function fp32HeadGap(mlp: Mlp): number {
  return mlpHead(mlp) === 'softmax' ? SOFTMAX_ORDER_GAP : 0;
}

/** Result of one search for a replayed point. */
export type SearchResult =
  | { readonly kind: 'found'; readonly counterexample: Counterexample }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason };

/** Runs a z3 check and reports it. */
export async function runQuery(
  script: SmtScript,
  options: QueryOptions,
  logic: string,
): Promise<CheckResult> {
  const result = await checkSmt(
    { body: script.body(), reals: script.reals, ints: script.ints },
    (options.timeoutSeconds ?? 30) * 1000,
  );
  options.onQuery?.(script.toSmtlib(logic), result.kind);
  return result;
}

/** The float32 point inside the cell z3 chose that is nearest to z3's real witness. */
export function pointInCell(
  p: PreparedBox,
  result: CheckResult & { kind: 'sat' },
  inputs: readonly string[],
  int8: Int8Encoding,
): Float32Array {
  const zp = p.model.input.zeroPoint;
  return Float32Array.from(inputs, (x, i) => {
    const q = Number(result.ints.get(int8.inputs[i]!)!) + zp;
    const { lo, hi } = cellInterval(p.cells[i]!, q);
    const v = toFloat32(result.reals.get(x)!, 'nearest');
    return v < lo ? lo : v > hi ? hi : v;
  });
}

/**
 * Searches the box for a certain disagreement: an input where some FP32 logit beats the int8 action
 * by more than the box's tie tolerance, replayed (`replayCandidate`). With `flipAbove` (δ*'s
 * bisection) the FP32 action must also lead its runner-up by more than `flipAbove`.
 */
export async function searchDisagreement(
  p: PreparedBox,
  options: QueryOptions,
  flipAbove?: number,
): Promise<SearchResult> {
  const outputs = p.mlp.layers[p.mlp.layers.length - 1]!.outFeatures;
  let undetermined: UnknownReason | null = null;
  // z3's witness is real; its float32 neighbour may lose a sliver of margin. Retry once with a
  // margin raised by a Lipschitz bound times the float32 spacing before giving up.
  for (const extra of [0, lipschitzSlack(p)]) {
    const { script, inputs, fp32, int8 } = encodeBoth(p);
    const cases: string[] = [];
    for (let c = 0; c < outputs; c++) {
      if (flipAbove === undefined) {
        cases.push(
          `(and ${int8Decides(int8.decision, c)} ${fp32MayOverrule(fp32.logits, c, p.tolerance + extra, fp32HeadGap(p.mlp))})`,
        );
      } else {
        const threshold = Math.max(flipAbove, p.tolerance) + extra;
        cases.push(
          `(and ${fp32DecidesAbove(fp32.logits, c, threshold)} (not ${int8Decides(int8.decision, c)}))`,
        );
      }
    }
    script.assert(cases.length === 1 ? cases[0]! : `(or ${cases.join(' ')})`);
    const result = await runQuery(script, options, 'QF_LIRA');
    // Only the query at the tolerance itself proves anything: `unsat` with a raised margin leaves
    // the points between the two margins open.
    if (result.kind === 'unsat') {
      if (extra === 0) return { kind: 'none' };
      break;
    }
    if (result.kind === 'unknown') {
      return { kind: 'unknown', reason: result.reason === 'timeout' ? 'timeout' : 'solver' };
    }
    const x = pointInCell(p, result, inputs, int8);
    const cex = await replayCandidate(p.mlp, p.model, x, options.replay, pointOptions(options));
    if (cex !== null && (flipAbove === undefined || cex.fp32Margin > flipAbove)) {
      return { kind: 'found', counterexample: cex };
    }
    const judged = judgePoint(p.mlp, p.model, x, pointOptions(options));
    if (judged.kind === 'undetermined') undetermined = judged.reason;
  }
  return { kind: 'unknown', reason: undetermined ?? 'replay-failed' };
}

/** The point-judgement options a query's options imply. */
export function pointOptions(options: QueryOptions): { cpu?: CpuSemantics } {
  return options.cpu === undefined ? {} : { cpu: options.cpu };
}

/** A bound on how much the FP32 margin moves when each input moves by its float32 spacing. */
function lipschitzSlack(p: PreparedBox): number {
  let norm = 2;
  for (const layer of p.mlp.layers) {
    let worst = 0;
    for (let j = 0; j < layer.outFeatures; j++) {
      let row = 0;
      for (let i = 0; i < layer.inFeatures; i++)
        row += Math.abs(layer.weight[j * layer.inFeatures + i]!);
      worst = Math.max(worst, row);
    }
    norm *= worst;
  }
  let spacing = 0;
  for (let i = 0; i < p.box.lower.length; i++) {
    spacing = Math.max(
      spacing,
      Math.max(Math.abs(p.box.lower[i]!), Math.abs(p.box.upper[i]!)) * 2 ** -23,
    );
  }
  return norm * spacing * 2 + p.tolerance;
}
