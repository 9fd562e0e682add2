// The static int8 network ('fused-integer' path) in exact integer arithmetic: QuantizeLinear through
// exact float32 cell faces, int32 accumulators as Int terms, requantisation as exact half-up
// rounding plus enumerated exceptions, saturation as a clamp. The decision compares the centred
// logits `q − zp` (dequantisation is strictly increasing; checked), first maximal index winning.
// The big-M constants are interval's `ibpInt8` ranges over the box: exact integers on this path.
import type { Int8IntervalBounds, Int8LayerBounds } from '@quantproof/interval';
import {
  dequantizeLinear,
  layerMultipliers,
  type QMlpStatic,
  weightQuantFor,
} from '@quantproof/quant';
import { SmtVerifyOptionsError } from '../errors.js';
import type { InputCells } from '../input-cells.js';
import { requantForm } from './requant-exceptions.js';
import { intLiteral, realOf, type SmtScript, sum } from '../smtlib.js';
import { nextFloat32 } from '../rational.js';

/** What the encoding produced: Int terms of the centred input q's and of the decision values. */
export interface Int8Encoding {
  /** Centred quantised inputs `q − zp` (Int constants). */
  readonly inputs: readonly string[];
  /** Int terms whose order decides the int8 action (centred logits, or accumulators). */
  readonly decision: readonly string[];
  /** For dequantised logits: the Int constants of the centred logits. */
  readonly centredLogits: readonly string[] | null;
}

/** Why a model cannot be encoded exactly (the query then answers `unknown` with this reason). */
export type Int8EncodingGap = 'float-logits' | 'degenerate-logit-scale';

/** Whether dequantisation `fl((c)·s)` is strictly increasing over the centred range. */
function strictlyIncreasing(scale: number, lower: number, upper: number): boolean {
  let previous = -Infinity;
  for (let c = lower; c <= upper; c++) {
    const v = dequantizeLinear(c, scale, 0);
    if (!(v > previous)) return false;
    previous = v;
  }
  return true;
}

/** Layer `l` of `ranges`, which must be a fused-integer layer (the only path encoded). */
function integerLayer(
  ranges: Int8IntervalBounds,
  l: number,
): Extract<Int8LayerBounds, { kind: 'integer' }> {
  const layer = ranges.layers[l];
  if (layer?.kind !== 'integer') {
    const found = layer === undefined ? 'missing' : `'${layer.kind}'`;
    throw new SmtVerifyOptionsError(
      `ranges.layers[${l}] is ${found}, not 'integer'; pass interval's ibpInt8 of a ` +
        "fused-integer model (prepareBox answers 'float-path' for the others)",
    );
  }
  return layer;
}

/**
 * A reason the decision of `model` cannot be encoded exactly, or null when it can. `ranges`:
 * interval's `ibpInt8` of the fused-integer `model` over the box.
 */
export function int8EncodingGap(
  model: QMlpStatic,
  ranges: Int8IntervalBounds,
): Int8EncodingGap | null {
  const lastIndex = model.layers.length - 1;
  const last = model.layers[lastIndex]!;
  const bounds = integerLayer(ranges, lastIndex);
  if (last.output === null || bounds.output === null) {
    const m = layerMultipliers(model, lastIndex);
    const acc = bounds.accumulator;
    const same = m.every((v) => v === m[0]);
    const small = acc.lower.every((v, j) => Math.max(-v, acc.upper[j]!) <= 2 ** 23);
    return same && small ? null : 'float-logits';
  }
  const zp = last.output.zeroPoint;
  const lo = Math.min(...bounds.output.lower) - zp;
  const hi = Math.max(...bounds.output.upper) - zp;
  return strictlyIncreasing(last.output.scale, lo, hi) ? null : 'degenerate-logit-scale';
}

/**
 * Adds the int8 network to `script`. `inputs` are the Real constants of the float32 input (already
 * declared and bounded); `cells` give each dimension's q-range and exact cell faces; `ranges` is
 * interval's `ibpInt8` over the box: exact integer ranges of every accumulator and requantised
 * output (big-M constants, constant outputs, exception enumeration).
 */
export function encodeInt8(
  script: SmtScript,
  model: QMlpStatic,
  inputs: readonly string[],
  cells: readonly InputCells[],
  ranges: Int8IntervalBounds,
  prefix = 'q',
): Int8Encoding {
  const zpIn = model.input.zeroPoint;
  const centredInputs: string[] = [];
  let current: (string | number)[] = cells.map((cell, i) => {
    const x = inputs[i]!;
    const name = script.int(`${prefix}x${i}`, true);
    centredInputs.push(name);
    script.assert(`(<= ${intLiteral(cell.qLow - zpIn)} ${name})`);
    script.assert(`(<= ${name} ${intLiteral(cell.qHigh - zpIn)})`);
    cell.firstAt.forEach((t, k) => {
      const level = intLiteral(cell.qLow + 1 + k - zpIn);
      // q ≥ level exactly when x ≥ t (the first float32 that quantises to level or above).
      script.assert(`(=> (>= ${name} ${level}) (>= ${x} ${realOf(t)}))`);
      script.assert(`(=> (< ${name} ${level}) (<= ${x} ${realOf(nextFloat32(t, false))}))`);
    });
    return cell.qLow === cell.qHigh ? cell.qLow - zpIn : name;
  });
  const lastIndex = model.layers.length - 1;
  let decision: string[] = [];
  let centredLogits: string[] | null = null;
  model.layers.forEach((layer, l) => {
    const { inFeatures: k, outFeatures: n } = layer;
    const multipliers = layerMultipliers(model, l);
    const { accumulator: accRange, output: outRange } = integerLayer(ranges, l);
    const next: (string | number)[] = [];
    for (let j = 0; j < n; j++) {
      const zpw = weightQuantFor(layer.weightQuant, j).zeroPoint;
      let constant = BigInt(layer.bias[j]!);
      const terms: string[] = [];
      for (let i = 0; i < k; i++) {
        const w = layer.weight[j * k + i]! - zpw;
        const v = current[i]!;
        if (w === 0) continue;
        if (typeof v === 'number') constant += BigInt(w) * BigInt(v);
        else terms.push(w === 1 ? v : `(* ${intLiteral(w)} ${v})`);
      }
      if (constant !== 0n || terms.length === 0) terms.push(intLiteral(constant));
      const al = accRange.lower[j]!;
      const au = accRange.upper[j]!;
      const out = layer.output;
      if (out === null || outRange === null) {
        const a = script.int(`${prefix}a${l}_${j}`);
        script.assert(`(= ${a} ${sum(terms, '0')})`);
        next.push(a);
        continue;
      }
      // Centred, like the Int terms below: q − zp_out.
      const ol = outRange.lower[j]! - out.zeroPoint;
      const ou = outRange.upper[j]! - out.zeroPoint;
      if (ol === ou && !(l === lastIndex)) {
        next.push(ol); // the requantised value is the same over the whole range
        continue;
      }
      const a = script.int(`${prefix}a${l}_${j}`);
      script.assert(`(= ${a} ${sum(terms, '0')})`);
      script.assert(`(<= ${intLiteral(al)} ${a})`);
      script.assert(`(<= ${a} ${intLiteral(au)})`);
      const form = requantForm(multipliers[j]!, out.zeroPoint, out.elementType, al, au);
      const num = form.multiplier.numerator;
      const den = form.multiplier.denominator;
      // r0 = floor(a·M + 1/2):  2·den·r0 ≤ 2·num·a + den < 2·den·r0 + 2·den.
      const r0 = script.int(`${prefix}r${l}_${j}`);
      const scaled = `(+ (* ${intLiteral(2n * num)} ${a}) ${intLiteral(den)})`;
      script.assert(`(<= (* ${intLiteral(2n * den)} ${r0}) ${scaled})`);
      script.assert(`(< ${scaled} (+ (* ${intLiteral(2n * den)} ${r0}) ${intLiteral(2n * den)}))`);
      let r = r0;
      if (form.exceptions.length > 0) {
        const fixes = form.exceptions.map(
          (e) => `(ite (= ${a} ${intLiteral(e.accumulator)}) ${intLiteral(e.delta)} 0)`,
        );
        r = `(+ ${r0} ${fixes.join(' ')})`;
      }
      const o = script.int(`${prefix}o${l}_${j}`, l === lastIndex);
      let clamped = r;
      if (ou >= form.upper)
        clamped = `(ite (> ${r} ${intLiteral(form.upper)}) ${intLiteral(form.upper)} ${clamped})`;
      if (ol <= form.lower)
        clamped = `(ite (< ${r} ${intLiteral(form.lower)}) ${intLiteral(form.lower)} ${clamped})`;
      script.assert(`(= ${o} ${clamped})`);
      script.assert(`(<= ${intLiteral(ol)} ${o})`);
      script.assert(`(<= ${o} ${intLiteral(ou)})`);
      next.push(o);
    }
    if (l === lastIndex) {
      decision = next.map((v) => (typeof v === 'number' ? intLiteral(v) : v));
      if (layer.output !== null) centredLogits = decision;
    }
    current = next;
  });
  return { inputs: centredInputs, decision, centredLogits };
}

/** `(and …)`: the int8 network decides `c` (first maximal index). */
export function int8Decides(decision: readonly string[], c: number): string {
  const parts: string[] = [];
  decision.forEach((v, j) => {
    if (j === c) return;
    parts.push(j < c ? `(> ${decision[c]} ${v})` : `(>= ${decision[c]} ${v})`);
  });
  return parts.length === 0 ? 'true' : `(and ${parts.join(' ')})`;
}
