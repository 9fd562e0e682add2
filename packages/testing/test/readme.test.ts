// The README's examples are the files in examples/, verbatim: those run as tests (vitest.config.ts
// includes them), so every example the README shows runs.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README', () => {
  it('shows every example file verbatim, and every ts block is one', () => {
    const examples = readdirSync(new URL('examples/', root)).filter((f) => f.endsWith('.test.ts'));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(blocks).toHaveLength(examples.length);
    for (const name of examples) {
      const text = readFileSync(new URL(`examples/${name}`, root), 'utf8');
      expect(text.startsWith(`// examples/${name} `)).toBe(true);
      expect(blocks).toContain(text);
    }
  });
});
