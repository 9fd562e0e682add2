// Plain-text tables for terminals and logs: right-aligned numbers, a rule under the header.

/** A table of rows under a header; cells are strings already formatted. */
export interface TextTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The table as lines of text, columns padded to their widest cell. */
export function formatTable(table: TextTable): string {
  const widths = table.header.map((h, c) =>
    Math.max(h.length, ...table.rows.map((row) => (row[c] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(table.header), rule, ...table.rows.map(line)].join('\n');
}
