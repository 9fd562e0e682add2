// When the int8 model's Softmax head keeps its decision equal to the first maximal logit.
import { type QMlp, SOFTMAX_ORDER_GAP } from '@quantproof/quant';

/**
 * True when the int8 model has a Softmax head whose logits can lie closer than
 * `SOFTMAX_ORDER_GAP` without being equal: then its decision is not the first maximal logit
 * everywhere and the exact encodings (which decide on logits) do not apply. Dequantised static
 * logits are multiples of the output scale s, rounded to float32: distinct ones differ by more
 * than s/2, so a scale above 2·SOFTMAX_ORDER_GAP keeps the order. Dynamic models and float logits
 * have no such grid.
 */
export function int8HeadUndetermined(model: QMlp): boolean {
  if ((model.head ?? 'logits') !== 'softmax') return false;
  if (model.format === 'dynamic' || model.logits !== 'dequantize') return true;
  const last = model.layers[model.layers.length - 1]!;
  return last.output === null || !(last.output.scale > 2 * SOFTMAX_ORDER_GAP);
}
