const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (RFC 4648 §4, with `=` padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    chunk +=
      ALPHABET[(triple >> 18) & 63]! +
      ALPHABET[(triple >> 12) & 63]! +
      (i + 1 < bytes.length ? ALPHABET[(triple >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? ALPHABET[triple & 63]! : '=');
    if (chunk.length >= 4096) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/**
 * Decodes standard padded base64; returns undefined when `text` is not canonical base64 (wrong
 * length, a character outside the alphabet, misplaced padding, non-zero padding bits).
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  let padding = 0;
  if (text.endsWith('==')) padding = 2;
  else if (text.endsWith('=')) padding = 1;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let out = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let triple = 0;
    for (let c = 0; c < 4; c++) {
      const code = text.charCodeAt(i + c);
      let value: number;
      if (code === 61 /* '=' */ && last && c >= 4 - padding) value = 0;
      else value = code < 128 ? LOOKUP[code]! : -1;
      if (value < 0) return undefined;
      triple = (triple << 6) | value;
    }
    if (last && padding === 2 && (triple & 0xffff) !== 0) return undefined;
    if (last && padding === 1 && (triple & 0xff) !== 0) return undefined;
    bytes[out++] = (triple >> 16) & 255;
    if (out < bytes.length) bytes[out++] = (triple >> 8) & 255;
    if (out < bytes.length) bytes[out++] = triple & 255;
  }
  return bytes;
}
