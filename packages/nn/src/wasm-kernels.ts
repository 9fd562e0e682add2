import type { Float32Kernels } from './float32-kernels.js';
import { type Bytes, F32, I32, V128, name, op, section, uleb, vector } from './wasm-assembler.js';

// A WebAssembly SIMD build of `float32KernelsJs` (float32-kernels.ts states the arithmetic). In
// the product each f32x4 lane holds one output column's running sum and performs exactly the
// reference's float32 operations in the same order (wasm arithmetic is IEEE binary32, round to
// nearest even, subnormals kept, no fused multiply-add); ReLU is `f32x4.pmax(v, 0)` = `v < 0 ? 0
// : v`. So the results are bitwise equal. The module is assembled here from opcodes, so the
// package needs no build step and ships no binary file.

/** The body of `gemm(a, aRowStride, aColStride, b, c, rows, cols, depth, mode, bias)`. */
function gemmBody(): Bytes {
  // Parameters (element offsets and strides, converted to bytes on entry).
  const A = 0;
  const A_ROW = 1;
  const A_COL = 2;
  const B = 3;
  const C = 4;
  const ROWS = 5;
  const COLS = 6;
  const DEPTH = 7;
  const MODE = 8;
  const BIAS = 9;
  const locals: number[] = [];
  const local = (type: number): number => {
    locals.push(type);
    return 10 + locals.length - 1;
  };
  const r = local(I32);
  const col = local(I32);
  const k = local(I32);
  const rowBytes = local(I32);
  const bK = local(I32);
  const addr = local(I32);
  const aRow = [local(I32), local(I32)];
  const aK = [local(I32), local(I32)];
  const cRow = [local(I32), local(I32)];
  const acc = [0, 1].map(() => [local(V128), local(V128), local(V128), local(V128)]);
  const splat = [local(V128), local(V128)];
  const bVec = [local(V128), local(V128), local(V128), local(V128)];
  const scalarAcc = [local(F32), local(F32)];
  const scalarB = local(F32);

  const code: Bytes = [];
  const emit = (...parts: Bytes[]): void => {
    for (const part of parts) code.push(...part);
  };

  /** One block of `rows` rows × (4·vectors columns, or one column when vectors = 0). */
  const emitBlock = (rows: number, vectors: number): void => {
    const width = Math.max(vectors, 1);
    for (let i = 0; i < rows; i++) emit(op.get(aRow[i]!), op.set(aK[i]!));
    emit(op.get(B), op.get(col), op.i32(2), op.i32Shl, op.i32Add, op.set(bK));
    for (let i = 0; i < rows; i++) {
      if (vectors === 0) emit(op.f32Zero, op.set(scalarAcc[i]!));
      else for (let v = 0; v < width; v++) emit(op.v128Zero, op.set(acc[i]![v]!));
    }
    emit(op.get(DEPTH), op.set(k));
    emit(op.block, op.loop, op.get(k), op.i32Eqz, op.brIf(1));
    if (vectors === 0) {
      emit(op.get(bK), op.f32Load(0), op.set(scalarB));
      for (let i = 0; i < rows; i++) {
        const s = scalarAcc[i]!;
        emit(op.get(s), op.get(aK[i]!), op.f32Load(0), op.get(scalarB), op.f32Mul, op.f32Add);
        emit(op.set(s));
      }
    } else {
      for (let i = 0; i < rows; i++) {
        emit(op.get(aK[i]!), op.f32Load(0), op.f32x4Splat, op.set(splat[i]!));
      }
      for (let v = 0; v < width; v++) emit(op.get(bK), op.v128Load(16 * v), op.set(bVec[v]!));
      for (let i = 0; i < rows; i++) {
        for (let v = 0; v < width; v++) {
          const a = acc[i]![v]!;
          emit(op.get(a), op.get(splat[i]!), op.get(bVec[v]!), op.f32x4Mul, op.f32x4Add);
          emit(op.set(a));
        }
      }
    }
    for (let i = 0; i < rows; i++) {
      emit(op.get(aK[i]!), op.get(A_COL), op.i32Add, op.set(aK[i]!));
    }
    emit(op.get(bK), op.get(rowBytes), op.i32Add, op.set(bK));
    emit(op.get(k), op.i32(1), op.i32Sub, op.set(k), op.br(0), op.end, op.end);
    // Finish: mode 1 adds the old C (C + acc), mode 2 the bias (acc + bias), mode 0 neither.
    for (let i = 0; i < rows; i++) {
      emit(op.get(cRow[i]!), op.get(col), op.i32(2), op.i32Shl, op.i32Add, op.set(addr));
      for (let v = 0; v < width; v++) {
        const value = vectors === 0 ? scalarAcc[i]! : acc[i]![v]!;
        const load = vectors === 0 ? op.f32Load(0) : op.v128Load(16 * v);
        const add = vectors === 0 ? op.f32Add : op.f32x4Add;
        emit(op.get(MODE), op.i32(1), op.i32Eq, op.if);
        emit(op.get(addr), load, op.get(value), add, op.set(value));
        emit(op.else, op.get(MODE), op.i32(2), op.i32Eq, op.if);
        emit(op.get(value), op.get(BIAS), op.get(col), op.i32(2), op.i32Shl, op.i32Add, load);
        emit(add, op.set(value), op.end, op.end);
        emit(op.get(addr), op.get(value), vectors === 0 ? op.f32Store(0) : op.v128Store(16 * v));
      }
    }
  };

  const emitColumns = (rows: number): void => {
    emit(op.i32(0), op.set(col));
    for (const [vectors, step] of [
      [4, 16],
      [1, 4],
      [0, 1],
    ] as const) {
      emit(op.block, op.loop);
      emit(op.get(COLS), op.get(col), op.i32Sub, op.i32(step), op.i32LtS, op.brIf(1));
      emitBlock(rows, vectors);
      emit(op.get(col), op.i32(step), op.i32Add, op.set(col), op.br(0), op.end, op.end);
    }
  };

  for (const p of [A, A_ROW, A_COL, B, C, BIAS]) emit(op.get(p), op.i32(2), op.i32Shl, op.set(p));
  emit(op.get(COLS), op.i32(2), op.i32Shl, op.set(rowBytes));
  emit(op.i32(0), op.set(r));
  const startRows = (count: number): void => {
    emit(op.get(A), op.get(r), op.get(A_ROW), op.i32Mul, op.i32Add, op.set(aRow[0]!));
    emit(op.get(C), op.get(r), op.get(rowBytes), op.i32Mul, op.i32Add, op.set(cRow[0]!));
    if (count === 2) {
      emit(op.get(aRow[0]!), op.get(A_ROW), op.i32Add, op.set(aRow[1]!));
      emit(op.get(cRow[0]!), op.get(rowBytes), op.i32Add, op.set(cRow[1]!));
    }
  };
  emit(op.block, op.loop);
  emit(op.get(ROWS), op.get(r), op.i32Sub, op.i32(2), op.i32LtS, op.brIf(1));
  startRows(2);
  emitColumns(2);
  emit(op.get(r), op.i32(2), op.i32Add, op.set(r), op.br(0), op.end, op.end);
  emit(op.get(r), op.get(ROWS), op.i32LtS, op.if);
  startRows(1);
  emitColumns(1);
  emit(op.end);

  return [...vector(locals.map((type) => [1, type])), ...code, ...op.end];
}

/**
 * The body of an elementwise kernel `(x, y, count)` over element offsets: four lanes at a time
 * (`vectorStep`, with the two addresses and a zero vector on the stack's locals), then a scalar
 * tail (`scalarStep`).
 */
function elementwiseBody(
  vectorStep: (x: number, y: number, zero: number) => Bytes,
  scalarStep: (x: number, y: number) => Bytes,
): Bytes {
  const X = 0;
  const Y = 1;
  const COUNT = 2;
  const END = 3;
  const ZERO = 4;
  const code: Bytes = [];
  const emit = (...parts: Bytes[]): void => {
    for (const part of parts) code.push(...part);
  };
  emit(op.get(X), op.i32(2), op.i32Shl, op.set(X), op.get(Y), op.i32(2), op.i32Shl, op.set(Y));
  emit(op.v128Zero, op.set(ZERO));
  // END = X + 4·(count rounded down to a multiple of 4)
  emit(
    op.get(X),
    op.get(COUNT),
    op.i32(-4),
    op.i32And,
    op.i32(2),
    op.i32Shl,
    op.i32Add,
    op.set(END),
  );
  emit(op.block, op.loop, op.get(X), op.get(END), op.i32GeU, op.brIf(1));
  emit(vectorStep(X, Y, ZERO));
  emit(op.get(X), op.i32(16), op.i32Add, op.set(X), op.get(Y), op.i32(16), op.i32Add, op.set(Y));
  emit(op.br(0), op.end, op.end);
  // Tail: count mod 4 elements.
  emit(
    op.get(END),
    op.get(COUNT),
    op.i32(3),
    op.i32And,
    op.i32(2),
    op.i32Shl,
    op.i32Add,
    op.set(END),
  );
  emit(op.block, op.loop, op.get(X), op.get(END), op.i32GeU, op.brIf(1));
  emit(scalarStep(X, Y));
  emit(op.get(X), op.i32(4), op.i32Add, op.set(X), op.get(Y), op.i32(4), op.i32Add, op.set(Y));
  emit(op.br(0), op.end, op.end);
  return [
    ...vector([
      [1, I32],
      [1, V128],
    ]),
    ...code,
    ...op.end,
  ];
}

/** `relu(src, dst, count)`: x = src, y = dst; `y = pmax(x, 0)`, i.e. `x < 0 ? 0 : x`. */
function reluBody(): Bytes {
  return elementwiseBody(
    (x, y, zero) => [
      ...op.get(y),
      ...op.get(x),
      ...op.v128Load(0),
      ...op.get(zero),
      ...op.f32x4Pmax,
      ...op.v128Store(0),
    ],
    (x, y) => [
      ...op.get(y),
      ...op.f32Zero,
      ...op.get(x),
      ...op.f32Load(0),
      ...op.get(x),
      ...op.f32Load(0),
      ...op.f32Zero,
      ...op.f32Lt,
      ...op.select,
      ...op.f32Store(0),
    ],
  );
}

/** `reluBackward(delta, pre, count)`: x = delta, y = pre; `x = pre > 0 ? x : 0` (bitwise and). */
function reluBackwardBody(): Bytes {
  return elementwiseBody(
    (x, y, zero) => [
      ...op.get(x),
      ...op.get(x),
      ...op.v128Load(0),
      ...op.get(y),
      ...op.v128Load(0),
      ...op.get(zero),
      ...op.f32x4Gt,
      ...op.v128And,
      ...op.v128Store(0),
    ],
    (x, y) => [
      ...op.get(x),
      ...op.get(x),
      ...op.f32Load(0),
      ...op.f32Zero,
      ...op.get(y),
      ...op.f32Load(0),
      ...op.f32Zero,
      ...op.f32Gt,
      ...op.select,
      ...op.f32Store(0),
    ],
  );
}

/** The whole module: imports `env.memory`, exports `gemm`, `relu` and `reluBackward`. */
function assembleModule(): Uint8Array {
  const functions = [gemmBody(), reluBody(), reluBackwardBody()];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vector([
        [0x60, ...vector(new Array<Bytes>(10).fill([I32])), 0],
        [0x60, ...vector(new Array<Bytes>(3).fill([I32])), 0],
      ]),
    ),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0], [1], [1]])),
    ...section(
      7,
      vector([
        [...name('gemm'), 0x00, 0],
        [...name('relu'), 0x00, 1],
        [...name('reluBackward'), 0x00, 2],
      ]),
    ),
    ...section(10, vector(functions.map((body) => [...uleb(body.length), ...body]))),
  ]);
}

/** The parts of the WebAssembly JavaScript API this module uses (absent from the ES lib types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (
    module: object,
    imports: object,
  ) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (descriptor: { initial: number; maximum: number }) => {
    readonly buffer: ArrayBuffer;
  };
}

let compiled: { api: WebAssemblyApi; module: object } | null | undefined;

function kernelModule(): { api: WebAssemblyApi; module: object } | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return compiled;
  try {
    const bytes = assembleModule();
    if (api.validate(bytes)) compiled = { api, module: new api.Module(bytes) };
  } catch {
    // No SIMD support, or synchronous compilation refused: the JavaScript kernel takes over.
  }
  return compiled;
}

/** Whether this runtime can run the WebAssembly SIMD kernel. */
export function wasmKernelAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * A float32 heap of `size` values in its own WebAssembly memory, with the SIMD kernels bound to
 * it; null when WebAssembly SIMD is unavailable.
 */
export function createWasmHeap(
  size: number,
): { heap: Float32Array; kernels: Float32Kernels } | null {
  const kernel = kernelModule();
  if (kernel === null) return null;
  const pages = Math.max(1, Math.ceil((size * 4) / 65536));
  const memory = new kernel.api.Memory({ initial: pages, maximum: pages });
  const { exports } = new kernel.api.Instance(kernel.module, { env: { memory } });
  return {
    heap: new Float32Array(memory.buffer, 0, size),
    kernels: {
      gemm: exports['gemm'] as Float32Kernels['gemm'],
      relu: exports['relu'] as Float32Kernels['relu'],
      reluBackward: exports['reluBackward'] as Float32Kernels['reluBackward'],
    },
  };
}
