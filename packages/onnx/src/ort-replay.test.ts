import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ORT_VERSION } from './ort-replay.js';

describe('ORT_VERSION', () => {
  it('is the onnxruntime-node version installed with this package', () => {
    const require = createRequire(import.meta.url);
    const pkg = require('onnxruntime-node/package.json') as { version: string };
    expect(ORT_VERSION).toBe(pkg.version);
  });
});
