// A minimal WebAssembly binary encoder: just what wasm-kernels.ts needs. Opcodes are from the
// WebAssembly 2.0 specification (core and fixed-width SIMD). Internal to the package.

/** WebAssembly binary code, byte by byte. */
export type Bytes = number[];

/** Unsigned LEB128. */
export function uleb(value: number): Bytes {
  const out: Bytes = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): Bytes {
  const out: Bytes = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A length-prefixed vector of encoded items. */
export function vector(items: readonly Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}

/** A name: a vector of its (ASCII) bytes. */
export function name(text: string): Bytes {
  return vector([...text].map((ch) => [ch.charCodeAt(0)]));
}

/** A module section: id, byte length, body. */
export function section(id: number, body: Bytes): Bytes {
  return [id, ...uleb(body.length), ...body];
}

/** Value type i32. */
export const I32 = 0x7f;
/** Value type f32. */
export const F32 = 0x7d;
/** Value type v128. */
export const V128 = 0x7b;
const EMPTY = 0x40;

type FixedOp =
  | 'block'
  | 'loop'
  | 'if'
  | 'else'
  | 'end'
  | 'i32Eqz'
  | 'i32Eq'
  | 'i32LtS'
  | 'i32GeU'
  | 'i32Add'
  | 'i32Sub'
  | 'i32Mul'
  | 'i32Shl'
  | 'i32And'
  | 'f32Zero'
  | 'f32Add'
  | 'f32Mul'
  | 'f32Lt'
  | 'f32Gt'
  | 'select'
  | 'v128Zero'
  | 'f32x4Splat'
  | 'f32x4Add'
  | 'f32x4Mul'
  | 'f32x4Gt'
  | 'f32x4Pmax'
  | 'v128And';
type ImmediateOp =
  'br' | 'brIf' | 'get' | 'set' | 'i32' | 'f32Load' | 'f32Store' | 'v128Load' | 'v128Store';

/** Encoders of the instructions the kernels use: fixed byte sequences, or functions of an immediate. */
export type Ops = { readonly [K in FixedOp]: Bytes } & {
  readonly [K in ImmediateOp]: (immediate: number) => Bytes;
};

const simd = (opcode: number, ...immediates: number[]): Bytes => [
  0xfd,
  ...uleb(opcode),
  ...immediates,
];

/** The instructions (core, and SIMD behind the 0xfd prefix), encoded. */
export const op: Ops = {
  block: [0x02, EMPTY],
  loop: [0x03, EMPTY],
  if: [0x04, EMPTY],
  else: [0x05],
  end: [0x0b],
  br: (depth) => [0x0c, ...uleb(depth)],
  brIf: (depth) => [0x0d, ...uleb(depth)],
  get: (index) => [0x20, ...uleb(index)],
  set: (index) => [0x21, ...uleb(index)],
  i32: (value) => [0x41, ...sleb(value)],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32LtS: [0x48],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  // Loads and stores take (log2 alignment, offset); the alignment is only a hint.
  f32Load: (offset) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset) => [0x38, 2, ...uleb(offset)],
  f32Zero: [0x43, 0, 0, 0, 0],
  f32Lt: [0x5d],
  f32Gt: [0x5e],
  f32Add: [0x92],
  f32Mul: [0x94],
  select: [0x1b],
  v128Load: (offset) => simd(0x00, 4, ...uleb(offset)),
  v128Store: (offset) => simd(0x0b, 4, ...uleb(offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f32x4Splat: simd(0x13),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  f32x4Pmax: simd(0xeb),
};
