import { describe, expect, it } from 'vitest';
import { entropyRange, percentileRange } from './histogram-calibration.js';

describe('percentileRange', () => {
  const values = Float32Array.from({ length: 10000 }, (_, i) => (i - 5000) / 1000);

  it('symmetric (the onnxruntime default) cuts the top of |x| and clips to the data', () => {
    const full = percentileRange(values, 100, 2048, true);
    expect(full).toEqual({ min: -5, max: Math.fround(4.999) });
    const cut = percentileRange(values, 90, 2048, true);
    expect(cut.max).toBeCloseTo(4.5, 2);
    expect(cut.min).toBe(-cut.max);
  });

  it('asymmetric cuts (100 - p) / 200 from each side', () => {
    const cut = percentileRange(values, 90, 2048, false);
    expect(cut.min).toBeCloseTo(-4.5, 2);
    expect(cut.max).toBeCloseTo(4.5, 2);
  });
});

describe('entropyRange', () => {
  it('with equal numBins and numQuantizedBins (onnxruntime’s defaults) keeps the data range', () => {
    const values = Float32Array.from([-0.5, 0.1, 0.2, 3]);
    expect(entropyRange(values, 128, 128)).toEqual({ min: -0.5, max: 3 });
  });

  it('with more bins trims a sparse tail', () => {
    const values = new Float32Array(5001);
    for (let i = 0; i < 5000; i++) values[i] = ((i % 100) - 50) / 50;
    values[5000] = 100;
    const range = entropyRange(values, 2048, 128);
    expect(range.max).toBeLessThan(100);
    expect(range.max).toBeGreaterThan(0.9);
  });
});
