// The theorem a `consistent` region verdict states, in words — printed by the cli and recorded in
// verify.json, so that a reader knows exactly what was proven and under which semantics.
import type { CpuSemantics } from '@quantproof/quant';

/** The CPU semantics in words: which onnxruntime int8 kernels the int8 model's arithmetic follows. */
export function cpuSemanticsInWords(cpu: CpuSemantics): string {
  return cpu === 'vnni-exact'
    ? 'vnni-exact (int8 products summed exactly in int32: AVX-512 VNNI / AVX-VNNI / AMX / SSE kernels)'
    : 'avx2-u8s8-saturating (adjacent uint8·int8 product pairs saturated to int16 before int32 accumulation: AVX2 and AVX-512 Core kernels without VNNI)';
}

/**
 * One paragraph: what `consistent` means — for the models as onnxruntime-node runs them on the
 * stated CPU semantics, the tie rule and the largest tolerance that applied.
 */
export function regionTheorem(cpu: CpuSemantics, tieTolerance: number): string {
  return (
    "consistent means: for every float32 input x of the region, the int8 model's decision at x " +
    '(the first maximal index of its float32 outputs as onnxruntime-node computes them on the ' +
    `CPU semantics ${cpuSemanticsInWords(cpu)}, final Softmax included) is the FP32 model's ` +
    "decision at x, or ties with it: no FP32 output exceeds the int8 action's FP32 output, in " +
    "exact real arithmetic over the FP32 file's float32 weights, by more than the tie tolerance " +
    'τ — a bound on how far any float32 execution of the FP32 model (any summation order, with or ' +
    'without fused multiply-add) can move that difference, computed on the leaf that contains x ' +
    `(largest τ that applied: ${tieTolerance.toPrecision(3)}; 0 where bounds proved a leaf without ties). ` +
    'Where float32 could overflow, or a Softmax head could round near-equal outputs to equal ' +
    'probabilities, nothing is proven: those leaves stay unknown.'
  );
}
