import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMlpOnnx } from '@quantproof/onnx';
import { evaluate } from '@quantproof/rl';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/index.js';
import { quantproof } from './support/run-quantproof.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quantproof train', () => {
  it('trains, writes an ONNX policy with its training metadata, and reports as JSON', async () => {
    const out = join(dir, 'models', 'policy.onnx');
    const { code, out: stdout } = await quantproof([
      'train',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    expect(code).toBe(EXIT_CODES.ok);
    const report = JSON.parse(stdout) as {
      seed: number;
      stopReason: string;
      evaluation: { mean: number; episodes: number };
      history: unknown[];
    };
    expect(report.seed).toBe(3);
    expect(report.stopReason).toBe('target-reached');
    expect(report.evaluation.episodes).toBe(100);
    expect(report.evaluation.mean).toBeGreaterThanOrEqual(475);
    expect(report.history.length).toBeGreaterThan(0);
    const read = readMlpOnnx(new Uint8Array(readFileSync(out)));
    expect(read.metadata['quantproof.seed']).toBe('3');
    expect(JSON.parse(read.metadata['quantproof.training']!)).toMatchObject({
      seed: 3,
      nSteps: 32,
    });
    // The file holds the trained policy itself: it scores what the report says.
    expect(evaluate(read.mlp).mean).toBe(report.evaluation.mean);
    expect(readdirSync(join(dir, 'models'))).toEqual(['policy.onnx']);
  });

  it('rejects a bad budget with exit code 2 before doing any work', async () => {
    const { code, err } = await quantproof([
      'train',
      '--timesteps',
      '5',
      '--out',
      join(dir, 'x.onnx'),
    ]);
    expect(code).toBe(EXIT_CODES.usage);
    expect(err).toMatch(/--timesteps must be an integer ≥ 256/);
    expect(readdirSync(dir)).not.toContain('x.onnx');
  });
});
