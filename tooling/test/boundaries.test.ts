import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PACKAGES } from '../boundaries.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function messagesFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('package boundaries from ARCHITECTURE.md', () => {
  it('rejects an import the table does not allow', async () => {
    const messages = await messagesFor(
      'packages/env/src/bad.ts',
      "import { x } from '@quantproof/nn';\nexport const y: number = x;\n",
    );
    expect(messages.join('\n')).toMatch(/env may not import @quantproof\/nn/);
  });

  it('accepts an import the table allows', async () => {
    const messages = await messagesFor(
      'packages/rl/src/ok.ts',
      "import { x } from '@quantproof/env';\nexport const y: number = x;\n",
    );
    expect(messages).toEqual([]);
  });

  it('checks every declared package in both directions', async () => {
    for (const [name, spec] of Object.entries(PACKAGES)) {
      for (const other of ['env', 'nn', 'rl', 'quant', 'onnx', 'interval', 'smt-verify', 'cli']) {
        if (other === name) continue;
        const messages = await messagesFor(
          `${spec.dir}/src/probe.ts`,
          `import { x } from '@quantproof/${other}';\nexport const y: number = x;\n`,
        );
        const allowed = spec.imports.includes(other);
        expect(
          messages.some((m) => m.includes('no-restricted-imports')),
          `${name} → ${other}`,
        ).toBe(!allowed);
      }
    }
  });

  it('lets web-report import types, and only types, from the model packages', async () => {
    const file = 'packages/web-report/src/probe.ts';
    expect(
      await messagesFor(file, "import type { X } from '@quantproof/quant';\nexport type Y = X;\n"),
    ).toEqual([]);
    expect(
      (
        await messagesFor(file, "import { x } from '@quantproof/quant';\nexport const y = x;\n")
      ).join(),
    ).toMatch(/types only/);
  });

  it('keeps pure packages free of Node, Math.random and Date', async () => {
    const file = 'packages/interval/src/probe.ts';
    const node = await messagesFor(
      file,
      "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n",
    );
    expect(node.join()).toMatch(/may not import node:\* modules/);
    const rand = await messagesFor(file, 'export const r: number = Math.random();\n');
    expect(rand.join()).toMatch(/seeded generator/);
    const date = await messagesFor(file, 'export const t: number = Date.now();\n');
    expect(date.join()).toMatch(/injected clock/);
  });

  it('keeps onnxruntime-node inside onnx and z3-solver inside smt-verify', async () => {
    const ort = await messagesFor(
      'packages/quant/src/probe.ts',
      "import * as ort from 'onnxruntime-node';\nexport { ort };\n",
    );
    expect(ort.join()).toMatch(/Only onnx may import onnxruntime-node/);
    const z3 = await messagesFor(
      'packages/interval/src/probe.ts',
      "import { init } from 'z3-solver';\nexport { init };\n",
    );
    expect(z3.join()).toMatch(/Only smt-verify may import z3-solver/);
    expect(
      await messagesFor(
        'packages/onnx/src/probe.ts',
        "import * as ort from 'onnxruntime-node';\nexport { ort };\n",
      ),
    ).toEqual([]);
  });

  it('keeps bullmq inside smt-verify, whose queue entry point the cli may import', async () => {
    const bull = await messagesFor(
      'packages/cli/src/probe.ts',
      "import { Queue } from 'bullmq';\nexport { Queue };\n",
    );
    expect(bull.join()).toMatch(/Only smt-verify may import bullmq/);
    expect(
      await messagesFor(
        'packages/cli/src/probe.ts',
        "import { queueRunner } from '@quantproof/smt-verify/queue';\nexport { queueRunner };\n",
      ),
    ).toEqual([]);
    expect(
      (
        await messagesFor(
          'packages/interval/src/probe.ts',
          "import { queueRunner } from '@quantproof/smt-verify/queue';\nexport { queueRunner };\n",
        )
      ).join(),
    ).toMatch(/public entry point|may not import/);
  });

  it('rejects deep imports into another package', async () => {
    const messages = await messagesFor(
      'packages/rl/src/probe.ts',
      "import { x } from '@quantproof/env/src/cartpole.js';\nexport const y: number = x;\n",
    );
    expect(messages.join()).toMatch(/public entry point/);
  });
});
