// JSON as people and editors read large result files: indented like JSON.stringify(v, null, 2),
// except that a value whose compact form is short (a box, a leaf, a counterexample) stays on one
// line. verify.json's tens of thousands of leaves become one line each: about half the bytes of
// fully indented JSON, and a diff or grep shows one leaf per line.

/** Compact values up to this many characters are written on one line. */
const INLINE_WIDTH = 400;

/**
 * `value` as JSON text that `JSON.parse` reads back to exactly what `JSON.stringify(value)` gives
 * (the same `toJSON`, omitted `undefined`s, `null` for non-finite numbers), laid out for reading.
 */
export function readableJson(value: unknown, inlineWidth: number = INLINE_WIDTH): string {
  const compact = JSON.stringify(value);
  if (compact === undefined) throw new TypeError('readableJson: the value has no JSON form');
  if (compact.length <= inlineWidth) return compact;
  const parts: string[] = [];
  write(JSON.parse(compact) as unknown, '', inlineWidth, parts);
  return parts.join('');
}

function write(value: unknown, indent: string, width: number, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value));
    return;
  }
  const compact = JSON.stringify(value);
  if (compact.length <= width) {
    out.push(compact);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[\n');
    value.forEach((item, i) => {
      out.push(inner);
      write(item, inner, width, out);
      out.push(i + 1 < value.length ? ',\n' : '\n');
    });
    out.push(`${indent}]`);
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{\n');
  entries.forEach(([key, item], i) => {
    out.push(`${inner}${JSON.stringify(key)}: `);
    write(item, inner, width, out);
    out.push(i + 1 < entries.length ? ',\n' : '\n');
  });
  out.push(`${indent}}`);
}
