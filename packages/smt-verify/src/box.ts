// Input boxes as the verifier sees them: the float32 values x with lower ≤ x ≤ upper per dimension.
import { InvalidBoxError } from './errors.js';
import { fromNumber, toFloat32 } from './rational.js';

/** An axis-aligned box of inputs: `lower[i] ≤ x_i ≤ upper[i]` (any finite numbers). */
export interface InputBox {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}

/** The float32 values of a box: per dimension the smallest and largest float32 inside. */
export interface Float32Box {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** Rounds a box inward to float32 values; throws `InvalidBoxError` for a bad or empty box. */
export function float32Box(box: InputBox, size: number): Float32Box {
  if (box.lower.length !== size || box.upper.length !== size) {
    throw new InvalidBoxError(
      `it has ${box.lower.length} lower and ${box.upper.length} upper bounds; the network has ${size} inputs`,
    );
  }
  const lower = new Float64Array(size);
  const upper = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const l = box.lower[i]!;
    const u = box.upper[i]!;
    if (!Number.isFinite(l) || !Number.isFinite(u)) {
      throw new InvalidBoxError(`dimension ${i} has bounds ${l} … ${u}`);
    }
    lower[i] = toFloat32(fromNumber(l), 'up');
    upper[i] = toFloat32(fromNumber(u), 'down');
    if (!(lower[i]! <= upper[i]!)) {
      throw new InvalidBoxError(`dimension ${i} (${l} … ${u}) holds no float32 value`);
    }
  }
  return { lower, upper };
}
