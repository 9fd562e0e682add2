// Numbers as a person copies them back into a command: float32 inputs in the fewest digits that
// read back to the same float32 value, so two different counterexamples never print alike.

/** The shortest decimal (at most 9 significant digits) whose float32 rounding is `v`. */
export function float32Text(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const target = Math.fround(v);
  for (let digits = 1; digits < 9; digits++) {
    const text = target.toPrecision(digits);
    if (Math.fround(Number(text)) === target) return shorten(text);
  }
  return shorten(target.toPrecision(9));
}

/** `1.50000` → `1.5`, `2.0e+5` → `2e+5`: the same number in fewer characters. */
function shorten(text: string): string {
  const [mantissa, exponent] = text.split('e');
  const trimmed = mantissa!.includes('.') ? mantissa!.replace(/\.?0+$/, '') : mantissa!;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}
