// Exact textual forms of floats, so that golden comparisons are bit for bit and failures readable.

const f64 = new Float64Array(1);
const f64Bytes = new DataView(f64.buffer);
const f32 = new Float32Array(1);
const f32Bytes = new DataView(f32.buffer);

/** Python's float.hex() of a double, e.g. '0x1.c0cbca647ced0p-7', '-0x0.0p+0'. */
export function f64Hex(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  f64[0] = value;
  const high = f64Bytes.getUint32(4, true);
  const low = f64Bytes.getUint32(0, true);
  const sign = high >>> 31 === 1 ? '-' : '';
  const exponentBits = (high >>> 20) & 0x7ff;
  const mantissa =
    (high & 0xfffff).toString(16).padStart(5, '0') + low.toString(16).padStart(8, '0');
  if (exponentBits === 0) {
    return mantissa === '0000000000000' ? `${sign}0x0.0p+0` : `${sign}0x0.${mantissa}p-1022`;
  }
  const exponent = exponentBits - 1023;
  return `${sign}0x1.${mantissa}p${exponent >= 0 ? '+' : ''}${exponent}`;
}

/** The 16 hex digits of a double's IEEE 754 encoding, e.g. '3fc020c49ba5e354'. */
export function f64Bits(value: number): string {
  f64[0] = value;
  return f64Bytes.getBigUint64(0, true).toString(16).padStart(16, '0');
}

/** The double whose IEEE 754 encoding has these 16 hex digits. */
export function f64FromBits(bits: string): number {
  f64Bytes.setBigUint64(0, BigInt(`0x${bits}`), true);
  return f64[0] as number;
}

/** numpy's float32 bits as the golden file writes them, e.g. '0x3c6065e5'. */
export function f32Bits(value: number): string {
  f32[0] = value;
  return `0x${f32Bytes.getUint32(0, true).toString(16).padStart(8, '0')}`;
}
