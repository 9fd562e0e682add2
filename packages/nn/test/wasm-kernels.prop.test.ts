import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float32KernelsJs } from '../src/float32-kernels.js';
import { createWasmHeap, wasmKernelAvailable } from '../src/wasm-kernels.js';

// The WebAssembly SIMD kernel against the plain JavaScript reference: bit for bit, on random
// shapes (covering the 2-row, 16/4/1-column blocks and their remainders), strides, modes and
// values (including subnormals, ±0 and large magnitudes).
describe('WebAssembly kernels', () => {
  it('is available on this runtime (Node ≥ 16.4 ships WebAssembly SIMD)', () => {
    expect(wasmKernelAvailable()).toBe(true);
  });

  it('gemm equals the JavaScript reference bit for bit', () => {
    const shapes = fc.record({
      rows: fc.integer({ min: 0, max: 7 }),
      cols: fc.integer({ min: 0, max: 37 }),
      depth: fc.integer({ min: 0, max: 9 }),
      transposed: fc.boolean(),
      mode: fc.constantFrom(0 as const, 1 as const, 2 as const),
    });
    const cases = shapes.chain((shape) => {
      const size =
        2 *
          (shape.rows * shape.depth +
            shape.depth * shape.cols +
            shape.rows * shape.cols +
            shape.cols) +
        8;
      return fc
        .float32Array({ minLength: size, maxLength: size, noNaN: true, noDefaultInfinity: true })
        .map((values) => ({ ...shape, values }));
    });
    fc.assert(
      fc.property(cases, ({ rows, cols, depth, transposed, mode, values }) => {
        const wasm = createWasmHeap(values.length);
        expect(wasm).not.toBeNull();
        if (wasm === null) return;
        const reference = new Float32Array(values);
        wasm.heap.set(values);
        // A at 1 (unaligned), B after it, C after B, bias after C.
        const a = 1;
        const b = a + rows * depth;
        const c = b + depth * cols;
        const bias = c + rows * cols;
        const [aRowStride, aColStride] = transposed ? [1, rows] : [depth, 1];
        wasm.kernels.gemm(a, aRowStride, aColStride, b, c, rows, cols, depth, mode, bias);
        float32KernelsJs(reference).gemm(
          a,
          aRowStride,
          aColStride,
          b,
          c,
          rows,
          cols,
          depth,
          mode,
          bias,
        );
        const got = new Uint32Array(wasm.heap.buffer, 0, values.length);
        const want = new Uint32Array(reference.buffer);
        expect(Array.from(got)).toEqual(Array.from(want));
      }),
    );
  });

  it('relu and reluBackward equal the JavaScript reference bit for bit', () => {
    const cases = fc.record({
      count: fc.integer({ min: 0, max: 23 }),
      offset: fc.integer({ min: 0, max: 3 }),
      values: fc.float32Array({ minLength: 60, maxLength: 60 }),
    });
    fc.assert(
      fc.property(cases, ({ count, offset, values }) => {
        const wasm = createWasmHeap(values.length);
        if (wasm === null) throw new Error('WebAssembly SIMD unavailable');
        const reference = new Float32Array(values);
        const js = float32KernelsJs(reference);
        wasm.heap.set(values);
        wasm.kernels.relu(offset, 30 + offset, count);
        js.relu(offset, 30 + offset, count);
        wasm.kernels.reluBackward(offset + 1, 31, count);
        js.reluBackward(offset + 1, 31, count);
        // NaN payloads may differ; compare NaN-ness, and bits otherwise.
        const canonical = (heap: Float32Array): number[] =>
          Array.from(new Uint32Array(heap.buffer, heap.byteOffset, heap.length), (bits, i) =>
            Number.isNaN(heap[i]) ? -1 : bits,
          );
        expect(canonical(wasm.heap)).toEqual(canonical(reference));
      }),
    );
  });
});
