// The committed torch-style fixtures are exactly what make-torch-style.ts generates. They change
// only on purpose: UPDATE_FIXTURES=1 rewrites them (see fixtures/README.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TORCH_FIXTURES,
  makeTorchGemmSoftmax,
  makeTorchMatMulAdd,
  makeTorchPolicy128Softmax,
} from './fixtures/make-torch-style.js';

const update = process.env['UPDATE_FIXTURES'] === '1';

describe.each([
  [TORCH_FIXTURES.gemmSoftmax, makeTorchGemmSoftmax],
  [TORCH_FIXTURES.matMulAdd, makeTorchMatMulAdd],
  [TORCH_FIXTURES.policy128Softmax, makeTorchPolicy128Softmax],
])('fixture %s', (name, make) => {
  it('matches its generator byte for byte', () => {
    const url = new URL(`./fixtures/${name}`, import.meta.url);
    const generated = make();
    if (update) writeFileSync(url, generated);
    expect(new Uint8Array(readFileSync(url))).toEqual(generated);
  });
});
