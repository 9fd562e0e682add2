// Input boxes as the verifier sees them: the float32 values x with lower ≤ x ≤ upper per dimension.
import type { Box, BoxArrays } from '@quantproof/interval';
import { invalidBoxError } from './errors.js';
import { fromNumber, toFloat32 } from './rational.js';

/** An axis-aligned box of inputs `lower[i] ≤ x_i ≤ upper[i]` (any finite numbers): interval's `BoxArrays`. */
export type InputBox = BoxArrays;

/** Rounds a box inward to float32 values; throws `InvalidBoxError` for a bad or empty box. */
export function float32Box(box: InputBox, size: number): Box {
  if (box.lower.length !== size || box.upper.length !== size) {
    throw invalidBoxError(
      `it has ${box.lower.length} lower and ${box.upper.length} upper bounds; the network has ${size} inputs`,
    );
  }
  const lower = new Float64Array(size);
  const upper = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const l = box.lower[i]!;
    const u = box.upper[i]!;
    if (!Number.isFinite(l) || !Number.isFinite(u)) {
      throw invalidBoxError(`dimension ${i} has bounds ${l} … ${u}`);
    }
    lower[i] = toFloat32(fromNumber(l), 'up');
    upper[i] = toFloat32(fromNumber(u), 'down');
    if (!(lower[i]! <= upper[i]!)) {
      throw invalidBoxError(`dimension ${i} (${l} … ${u}) holds no float32 value`);
    }
  }
  return { lower, upper };
}
