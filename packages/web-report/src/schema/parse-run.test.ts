import { describe, expect, it } from 'vitest';
import { encodeActionRow } from '../maps/action-rows.js';
import { ReportSchemaError } from '../errors.js';
import { parseRun, type RunFiles } from './parse-run.js';

/** A leaf as the cli writes it. */
function leaf(
  lower: number[],
  upper: number[],
  status: string,
  volume: number,
): Record<string, unknown> {
  const share = { agree: [0, 0], disagree: [1, 1] }[status] ?? [0, 1];
  return {
    lower,
    upper,
    status,
    volume,
    by: 'bounds',
    counterexample: null,
    share: { lower: share[0], upper: share[1] },
    tieTolerance: 0,
  };
}

/** The smallest valid run: FP32 and one int8 variant, a 2×2 map. */
function minimalFiles(): {
  runJson: Record<string, unknown>;
  metricsJson: Record<string, unknown>;
  verifyJson: Record<string, unknown>;
  mapsJson: Record<string, unknown>;
} {
  const row = (name: string, kind: 'fp32' | 'int8'): Record<string, unknown> => ({
    name,
    kind,
    format: kind === 'fp32' ? 'fp32' : 'qdq',
    onnxBytes: 100,
    parameterBytes: 50,
    latencyBatch1: { p50: 10, p95: 12, extra: 1 },
    latencyBatch256: { p50: 20, p95: 30 },
    reward: { mean: 500, std: 0, episodes: 3 },
    agreementVisited: 1,
    agreementBox: 0.99,
    maxLogitDifference: 0.5,
    sqnrDb: kind === 'fp32' ? null : [40, null],
  });
  return {
    runJson: {
      schemaVersion: 2,
      seed: 7,
      training: {
        algorithm: 'ppo',
        seed: 7,
        steps: 512,
        episodes: 10,
        stopReason: 'target-reached',
        seconds: 1.5,
        evaluation: { mean: 500, std: 0, min: 500, max: 500, episodes: 10 },
        model: 'runs/x/models/fp32.onnx',
      },
      versions: { node: 'v20.19.0', onnxruntime: '1.30.0' },
      cpuSemantics: null,
      machine: { cpu: 'test', cores: 2, platform: 'linux', release: '6' },
      timings: { train: 1.5, total: 2 },
      trainingCurve: [
        {
          steps: 256,
          episodes: 5,
          updates: 1,
          meanReturn: null,
          evalMeanReturn: null,
          seconds: 0.1,
          stepsPerSecond: null,
        },
        {
          steps: 512,
          episodes: 10,
          updates: 2,
          meanReturn: 40,
          evalMeanReturn: 500,
          seconds: 0.2,
          stepsPerSecond: 2560,
        },
      ],
    },
    metricsJson: {
      schemaVersion: 2,
      seed: 7,
      variants: [row('fp32', 'fp32'), row('qat', 'int8')],
      warnings: { qat: [] },
    },
    verifyJson: {
      schemaVersion: 2,
      semantics: 'test semantics',
      variants: [
        {
          variant: 'qat',
          verdict: 'unknown',
          method: 'linear',
          region: { lower: [-1, -1], upper: [1, 1] },
          volume: { agree: 0.5, disagree: 0.25, mixed: 0, open: 0.25 },
          disagreement: {
            lower: 0.25,
            upper: 0.5,
            estimate: { value: 0.3, low: 0.28, high: 0.32, samples: 2048, confidence: 0.95 },
          },
          stopReason: 'time-budget',
          boxes: 3,
          seconds: 1,
          leaves: [
            leaf([-1, -1], [1, 0], 'agree', 0.5),
            leaf([-1, 0], [0, 1], 'disagree', 0.25),
            leaf([0, 0], [1, 1], 'open', 0.25),
          ],
          counterexamples: [],
          counterexamplesFound: 0,
        },
      ],
    },
    mapsJson: {
      schemaVersion: 2,
      box: { dimensions: ['a', 'b'], lower: [-1, -1], upper: [1, 1] },
      actions: ['left', 'right'],
      slices: [
        {
          id: 'a-b',
          x: 0,
          y: 1,
          fixed: [],
          resolution: 2,
          positions: [
            {
              values: [],
              fp32: [encodeActionRow([0, 1]), encodeActionRow([0, 1])],
              int8: { qat: [encodeActionRow([0, 0]), encodeActionRow([0, 1])] },
            },
          ],
        },
      ],
      histograms: [
        {
          variant: 'qat',
          layers: [
            { layer: 0, edges: [-1, 0, 1], fp32: [2, 2], int8: [1, 3], bits: 8, levelsUsed: 4 },
          ],
        },
      ],
    },
  };
}

function schemaError(files: RunFiles): ReportSchemaError {
  try {
    parseRun(files);
  } catch (error) {
    if (error instanceof ReportSchemaError) return error;
    throw error;
  }
  throw new Error('parseRun accepted the files');
}

describe('parseRun', () => {
  it('accepts a valid run, drops unknown keys and keeps the maps', () => {
    const run = parseRun(minimalFiles());
    expect(run.metrics.variants[0]!.latencyBatch1).toEqual({ p50: 10, p95: 12 });
    expect(run.metrics.variants[1]!.sqnrDb).toEqual([40, null]);
    expect(run.maps?.slices[0]!.positions[0]!.int8['qat']).toHaveLength(2);
    expect(run.verify.variants[0]!.flipMargin).toBeUndefined();
  });

  it('accepts a run without maps.json', () => {
    const { runJson, metricsJson, verifyJson } = minimalFiles();
    expect(parseRun({ runJson, metricsJson, verifyJson }).maps).toBeNull();
  });

  it('accepts δ* and ε* as brackets, null or absent', () => {
    const files = minimalFiles();
    const variant = (files.verifyJson['variants'] as Record<string, unknown>[])[0]!;
    variant['flipMargin'] = { lower: 0.01, upper: 0.02 };
    variant['errorBound'] = null;
    const run = parseRun(files);
    expect(run.verify.variants[0]!.flipMargin).toEqual({ lower: 0.01, upper: 0.02 });
    expect(run.verify.variants[0]!.errorBound).toBeNull();
    // An upper end without a finite bound: +∞, which JSON.stringify writes as null.
    variant['errorBound'] = JSON.parse(JSON.stringify({ lower: 30, upper: Infinity }));
    expect(parseRun(files).verify.variants[0]!.errorBound).toEqual({ lower: 30, upper: null });
    variant['flipMargin'] = { lower: 0.01 };
    expect(schemaError(files).message).toMatch(
      /^verify\.json: \$\.variants\[0\]\.flipMargin\.upper: /,
    );
  });

  it('names the file, the JSON path and the expectation of a wrong value', () => {
    const files = minimalFiles();
    const rows = files.metricsJson['variants'] as Record<string, unknown>[];
    rows[1]!['latencyBatch1'] = { p50: '10', p95: 12 };
    const error = schemaError(files);
    expect(error.file).toBe('metrics.json');
    expect(error.issues[0]!.path).toBe('$.variants[1].latencyBatch1.p50');
    expect(error.message).toMatch(
      /^metrics\.json: \$\.variants\[1\]\.latencyBatch1\.p50: .*expected number/,
    );
  });

  it('says which schema version it reads, and to re-run the study for an older one', () => {
    const files = minimalFiles();
    files.runJson['schemaVersion'] = 3;
    expect(schemaError(files).message).toBe(
      'run.json: $.schemaVersion: schemaVersion 3 is not supported: this report reads schema version 2 (re-run the study with this quantproof version)',
    );
    files.runJson['schemaVersion'] = 1;
    expect(schemaError(files).message).toBe(
      'run.json: $.schemaVersion: schemaVersion 1 is not supported: this report reads schema version 2 (an older quantproof wrote it, and its verification (consistent / inconsistent / unknown leaves) cannot be converted to agree / disagree / mixed / open leaves; re-run the study with this quantproof version)',
    );
  });

  it('refuses a version 1 verify.json with the re-run message first', () => {
    const files = minimalFiles();
    const variant = (files.verifyJson['variants'] as Record<string, unknown>[])[0]!;
    files.verifyJson['schemaVersion'] = 1;
    variant['volume'] = { consistent: 0.75, inconsistent: 0, unknown: 0.25 };
    delete variant['disagreement'];
    variant['leaves'] = [{ lower: [-1, -1], upper: [1, 1], verdict: 'consistent' }];
    for (const f of ['runJson', 'metricsJson', 'mapsJson'] as const) files[f]['schemaVersion'] = 1;
    const error = schemaError(files);
    expect(error.file).toBe('run.json');
    expect(error.message).toMatch(/schemaVersion 1 is not supported: .*re-run the study/);
    const verifyOnly = minimalFiles();
    verifyOnly.verifyJson = files.verifyJson;
    const verifyError = schemaError(verifyOnly);
    expect(verifyError.file).toBe('verify.json');
    expect(verifyError.issues[0]!.path).toBe('$.schemaVersion');
    expect(verifyError.message).toMatch(
      /re-run the study with this quantproof version\) \(and \d+ more\)$/,
    );
  });

  it('reads the disagreement bracket and its sampled estimate, or null', () => {
    const files = minimalFiles();
    const variant = (files.verifyJson['variants'] as Record<string, unknown>[])[0]!;
    expect(parseRun(files).verify.variants[0]!.disagreement).toEqual({
      lower: 0.25,
      upper: 0.5,
      estimate: { value: 0.3, low: 0.28, high: 0.32, samples: 2048, confidence: 0.95 },
    });
    variant['disagreement'] = { lower: 0.25, upper: 0.25, estimate: null };
    expect(parseRun(files).verify.variants[0]!.disagreement.estimate).toBeNull();
    variant['disagreement'] = { lower: 0.5, upper: 0.25, estimate: null };
    expect(schemaError(files).message).toBe(
      'verify.json: $.variants[0].disagreement.upper: expected lower ≤ upper',
    );
    variant['disagreement'] = {
      lower: 0.25,
      upper: 0.5,
      estimate: { value: 0.3, low: 0.32, high: 0.28, samples: 10, confidence: 0.95 },
    };
    expect(schemaError(files).message).toBe(
      'verify.json: $.variants[0].disagreement.estimate.high: expected low ≤ high',
    );
  });

  it("rejects a leaf's share bracket whose ends are out of order", () => {
    const files = minimalFiles();
    const variant = (files.verifyJson['variants'] as Record<string, unknown>[])[0]!;
    const leaves = variant['leaves'] as Record<string, unknown>[];
    leaves[2]!['share'] = { lower: 0.75, upper: 0.5 };
    expect(schemaError(files).message).toBe(
      'verify.json: $.variants[0].leaves[2].share.upper: expected lower ≤ upper',
    );
  });

  it('rejects a leaf without a status, or with one outside agree / disagree / mixed / open', () => {
    const files = minimalFiles();
    const variant = (files.verifyJson['variants'] as Record<string, unknown>[])[0]!;
    const leaves = variant['leaves'] as Record<string, unknown>[];
    leaves[1]!['status'] = 'consistent';
    expect(schemaError(files).issues[0]!.path).toBe('$.variants[0].leaves[1].status');
    delete leaves[1]!['status'];
    leaves[1]!['verdict'] = 'inconsistent';
    expect(schemaError(files).issues[0]!.path).toBe('$.variants[0].leaves[1].status');
  });

  it('reports a missing field and counts the other problems', () => {
    const files = minimalFiles();
    delete files.verifyJson['semantics'];
    files.verifyJson['variants'] = 'none';
    const error = schemaError(files);
    expect(error.message).toMatch(/^verify\.json: \$\.semantics: .*\(and 1 more\)$/);
    expect(error.issues.map((i) => i.path)).toEqual(['$.semantics', '$.variants']);
  });

  it('rejects a document that is not an object', () => {
    expect(schemaError({ ...minimalFiles(), runJson: [] }).message).toMatch(/^run\.json: \$: /);
    expect(schemaError({ ...minimalFiles(), metricsJson: null }).message).toBe(
      'metrics.json: $: expected a JSON object, got null',
    );
  });

  it('rejects a bad verdict and a leaf that is not a box', () => {
    const files = minimalFiles();
    const variant = (files.verifyJson['variants'] as Record<string, unknown>[])[0]!;
    variant['verdict'] = 'proven';
    expect(schemaError(files).issues[0]!.path).toBe('$.variants[0].verdict');
  });

  it('checks every map row decodes to the resolution', () => {
    const files = minimalFiles();
    const slice = (files.mapsJson['slices'] as Record<string, unknown>[])[0]!;
    const position = (slice['positions'] as Record<string, unknown>[])[0]!;
    position['int8'] = { qat: ['0:2', '0:3'] };
    const error = schemaError(files);
    expect(error.file).toBe('maps.json');
    expect(error.issues[0]!.path).toBe('$.slices[0].positions[0].int8.qat[1]');
    position['int8'] = { qat: ['0:2'] };
    expect(schemaError(files).message).toMatch(/expected 2 rows \(the resolution\), got 1/);
  });

  it('rejects files of different runs', () => {
    const files = minimalFiles();
    files.metricsJson['seed'] = 8;
    expect(schemaError(files).message).toMatch(
      /^metrics\.json: \$\.seed: seed 8 differs from run\.json's 7/,
    );
    const other = minimalFiles();
    (other.verifyJson['variants'] as Record<string, unknown>[])[0]!['variant'] = 'ptq';
    expect(schemaError(other).message).toMatch(
      /^verify\.json: \$\.variants\[0\]\.variant: variant "ptq" is not in metrics\.json \(fp32, qat\)/,
    );
  });
});
