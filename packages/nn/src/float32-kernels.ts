/**
 * The float32 kernels training is built from, over a heap of float32 values addressed by element
 * offsets. Their arithmetic is the specification; `float32KernelsJs` states it in plain
 * JavaScript, and the WebAssembly SIMD build (wasm-kernels.ts) is tested bit for bit against it.
 * Internal to the package.
 */
export interface Float32Kernels {
  /**
   * `C[r, c] = finish(acc)` with `acc = 0; for k = 0 … depth-1: acc = fround(acc + fround(A[r, k]
   * · B[k, c]))`, where `A[r, k] = heap[a + r·aRowStride + k·aColStride]`, `B[k, c] = heap[b +
   * k·cols + c]`, C is row-major rows×cols at `c`, and `finish` is, by `mode`: 0 `acc`;
   * 1 `fround(C + acc)`; 2 `fround(acc + heap[bias + c])`. This is forwardFp32's order
   * (sequential sum, bias last), so a forward pass built from it is bitwise equal to forwardFp32.
   */
  gemm(
    a: number,
    aRowStride: number,
    aColStride: number,
    b: number,
    c: number,
    rows: number,
    cols: number,
    depth: number,
    mode: GemmMode,
    bias: number,
  ): void;
  /** `heap[dst + k] = v < 0 ? 0 : v` with `v = heap[src + k]`, for k < count. */
  relu(src: number, dst: number, count: number): void;
  /** `heap[delta + k] = heap[pre + k] > 0 ? heap[delta + k] : 0`, for k < count (ReLU backward). */
  reluBackward(delta: number, pre: number, count: number): void;
}

/** How a product is finished: 0 overwrite C, 1 add to C, 2 add the bias row vector. */
export type GemmMode = 0 | 1 | 2;

/** The plain JavaScript kernels over `heap`: the reference, and the fallback backend. */
export function float32KernelsJs(heap: Float32Array): Float32Kernels {
  const fround = Math.fround;
  return {
    gemm(a, aRowStride, aColStride, b, c, rows, cols, depth, mode, bias) {
      for (let r = 0; r < rows; r++) {
        const aRow = a + r * aRowStride;
        const cRow = c + r * cols;
        for (let col = 0; col < cols; col++) {
          let acc = 0;
          for (let k = 0; k < depth; k++) {
            acc = fround(acc + fround(heap[aRow + k * aColStride]! * heap[b + k * cols + col]!));
          }
          if (mode === 1) acc = fround(heap[cRow + col]! + acc);
          else if (mode === 2) acc = fround(acc + heap[bias + col]!);
          heap[cRow + col] = acc;
        }
      }
    },
    relu(src, dst, count) {
      for (let k = 0; k < count; k++) {
        const value = heap[src + k]!;
        heap[dst + k] = value < 0 ? 0 : value;
      }
    },
    reluBackward(delta, pre, count) {
      for (let k = 0; k < count; k++) if (!(heap[pre + k]! > 0)) heap[delta + k] = 0;
    },
  };
}
