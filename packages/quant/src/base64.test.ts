import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.js';

// RFC 4648 §10 test vectors.
const vectors: [string, string][] = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
];

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('base64', () => {
  it.each(vectors)('%j ↔ %j', (plain, encoded) => {
    expect(encodeBase64(ascii(plain))).toBe(encoded);
    expect(decodeBase64(encoded)).toEqual(ascii(plain));
  });

  it('round-trips every byte value and long inputs', () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7919) & 255);
    expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('+/+/');
  });

  it.each(['Zg=', 'Zm9v!A==', '=Zm9', 'Zh==', 'Zm9=', 'Zg==Zg==', 'Zé=='])('rejects %j', (bad) => {
    expect(decodeBase64(bad)).toBeUndefined();
  });
});
