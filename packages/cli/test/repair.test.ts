// `quantproof repair` and `quantproof sensitivity` on a small network whose weakness is planted: a
// 2 → 4 → 4 → 2 ReLU network whose middle layer at 3 bits shifts output 1 up (δ* ≈ 0.4 over
// [−1, 1]²). Repair must prove δ* ≤ 0.1, and `verify` on the written file must prove it again.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelOnnx, writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import { createSeededRng } from '@quantproof/nn';
import { calibrateRanges, quantizeStatic, quantizeStaticWithRanges } from '@quantproof/quant';
import { PER_FEATURE_SCHEME } from '@quantproof/test-support/int8-formats';
import { planted, plantedGrid, plantedPair } from '@quantproof/test-support/planted';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPAIR_EXIT_CODES, type RepairReport } from '../src/commands/repair.js';
import { EXIT_CODES } from '../src/index.js';
import { quantproof } from './support/run-quantproof.js';
import { parseVerification } from './support/verification.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-repair-'));
const fp32Path = join(dir, 'net.onnx');
const int8Path = join(dir, 'net.int8.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const box = ['--box', '-1,1;-1,1'];
const budget = ['--max-boxes', '300', '--timeout', '120'];

beforeAll(() => {
  const ranges = calibrateRanges(planted, plantedGrid, { kind: 'minmax' });
  writeFileSync(fp32Path, writeMlpOnnx(planted));
  const int8 = quantizeStaticWithRanges(planted, ranges, { weightBits: [8, 3, 8] }).model;
  writeFileSync(int8Path, writeQMlpOnnx(int8));
});

describe('quantproof repair', () => {
  it('keeps layers in float32 with --keep-fp32: every round and the re-check verify the mixed model', async () => {
    const out = join(dir, 'net.repaired-keep.onnx');
    const text = await quantproof([
      'repair',
      '--fp32',
      fp32Path,
      '--int8',
      int8Path,
      '--target-delta',
      '0.1',
      '--keep-fp32',
      '0',
      '--rounds',
      '1',
      ...box,
      ...budget,
      '--out',
      out,
      '--json',
    ]);
    expect(text.err).toBe('');
    const report = JSON.parse(text.out) as { recheck: { flipMargin: { upper: number } | null } };
    const read = readModelOnnx(new Uint8Array(readFileSync(out)));
    if (read.kind !== 'int8' || read.model.format !== 'mixed') throw new Error('not a mixed model');
    expect(read.model.layers.map((l) => l.kind)).toEqual(['float', 'int8', 'int8']);
    // The written mixed file, verified again by verify: the same certified δ* as the re-check.
    const verify = await quantproof([
      'verify',
      '--fp32',
      fp32Path,
      '--int8',
      out,
      ...box,
      ...budget,
      '--json',
    ]);
    const result = parseVerification(JSON.parse(verify.out));
    expect(result.flipMargin?.upper ?? null).toEqual(report.recheck.flipMargin?.upper ?? null);
    // A mixed file as --int8 is refused with what to do instead.
    const again = await quantproof([
      'repair',
      '--fp32',
      fp32Path,
      '--int8',
      out,
      '--target-delta',
      '0.1',
      ...box,
      ...budget,
      '--out',
      join(dir, 'x.onnx'),
    ]);
    expect(again.code).toBe(EXIT_CODES.input);
    expect(again.err).toMatch(/give the all-int8 file and --keep-fp32 0/);
  }, 300_000);

  it('proves the target δ*, prints every round, and verify proves it again on the written file', async () => {
    const out = join(dir, 'net.repaired.onnx');
    const text = await quantproof([
      'repair',
      '--fp32',
      fp32Path,
      '--int8',
      int8Path,
      '--target-delta',
      '0.1',
      ...box,
      ...budget,
      '--out',
      out,
    ]);
    expect(text.err).toBe('');
    expect(text.code).toBe(REPAIR_EXIT_CODES.reached);
    expect(text.out).toMatch(
      /^round 0: δ\* ∈ \[0\.39\d*, 0\.4\d*\].*> 0\.1: fine-tuning on \d+ counterexamples/m,
    );
    expect(text.out).toMatch(/≤ 0\.1: target proven/);
    expect(text.out).toMatch(/the proof holds/);
    const verify = await quantproof([
      'verify',
      '--fp32',
      fp32Path,
      '--int8',
      out,
      ...box,
      ...budget,
      '--json',
    ]);
    const result = parseVerification(JSON.parse(verify.out));
    expect(result.flipMargin!.upper!).toBeLessThanOrEqual(0.1);
    // The same flags give the same rounds as JSON, and the rounds are recorded.
    const json = await quantproof([
      'repair',
      '--fp32',
      fp32Path,
      '--int8',
      int8Path,
      '--target-delta',
      '0.1',
      ...box,
      ...budget,
      '--out',
      join(dir, 'again.onnx'),
      '--json',
    ]);
    const report = JSON.parse(json.out) as RepairReport;
    expect(report.reached).toBe(true);
    // A 2-input network has no episodes: no visited states for a theorem to cover.
    expect(report.theorem).toBeNull();
    expect(report.repair.rounds[0]!.reached).toBe(false);
    expect(report.repair.rounds.at(-1)!.reached).toBe(true);
    expect(report.recheck.flipMargin).toEqual(result.flipMargin);
    // The floor of δ* the input quantisation sets holds for the repaired model (same input cells)
    // too: it is at most the δ* repair proved.
    if (report.inputFloor !== null) {
      expect(report.inputFloor.flipMargin).toBeLessThanOrEqual(0.1);
      expect(text.out).toMatch(
        /^input quantisation floor: every int8 model with these input cells/m,
      );
    }
  }, 300_000);

  it('says when the input quantisation puts the target out of reach of any fine-tuning', async () => {
    // FP32's margin is |x₀ + x₁ − 0.3|; the int8 model's input cells (calibrated on [−4, 4]) are a few
    // hundredths wide, so a cell astride the boundary holds margins of that size on both sides.
    const { fp32, int8 } = plantedPair([1, 1], 0.3);
    const fp32File = join(dir, 'pair.onnx');
    const int8File = join(dir, 'pair.int8.onnx');
    writeFileSync(fp32File, writeMlpOnnx(fp32));
    writeFileSync(int8File, writeQMlpOnnx(int8));
    const args = ['repair', '--fp32', fp32File, '--int8', int8File, '--target-delta', '0.001'];
    const common = [...args, '--box', '-2,2;-2,2', '--rounds', '0', ...budget];
    const text = await quantproof([...common, '--out', join(dir, 'pair.repaired.onnx')]);
    expect(text.code).toBe(REPAIR_EXIT_CODES.notReached);
    expect(text.out).toMatch(
      /δ\* ≤ 0\.001 cannot be proven by fine-tuning: quantise the input more finely/,
    );
    expect(text.out).toMatch(/and it cannot be with this input quantisation/);
    const json = await quantproof([...common, '--out', join(dir, 'pair.again.onnx'), '--json']);
    const report = JSON.parse(json.out) as RepairReport;
    expect(report.inputFloor!.flipMargin).toBeGreaterThan(0.001);
    // A lower bound of δ*: the verified model's certified upper end is above it.
    expect(report.recheck.flipMargin!.upper ?? Infinity).toBeGreaterThanOrEqual(
      report.inputFloor!.flipMargin,
    );
  }, 300_000);

  it('points a model with per-feature input scales to a smaller region, not to per-feature scales', async () => {
    // The same FP32 network, its int8 model with one input scale per feature over [−4, 4]²: the
    // cells are as fine as 8 bits allow there, so only a smaller region makes them finer.
    const { fp32 } = plantedPair([1, 1], 0.3);
    const rng = createSeededRng(1);
    const calibration = Float32Array.from({ length: 128 }, () => 4 * (2 * rng.nextFloat64() - 1));
    const int8 = quantizeStatic(fp32, calibration, PER_FEATURE_SCHEME).model;
    expect(int8.inputScales).toBeDefined();
    const fp32File = join(dir, 'pair-pf.onnx');
    const int8File = join(dir, 'pair-pf.int8.onnx');
    writeFileSync(fp32File, writeMlpOnnx(fp32));
    writeFileSync(int8File, writeQMlpOnnx(int8));
    const text = await quantproof([
      'repair',
      '--fp32',
      fp32File,
      '--int8',
      int8File,
      '--target-delta',
      '0.001',
      '--box',
      '-2,2;-2,2',
      '--rounds',
      '0',
      ...budget,
      '--out',
      join(dir, 'pair-pf.repaired.onnx'),
    ]);
    expect(text.code).toBe(REPAIR_EXIT_CODES.notReached);
    expect(text.out).toMatch(
      /δ\* ≤ 0\.001 cannot be proven by fine-tuning: quantise for a smaller region, whose input cells are finer/,
    );
    expect(text.out).not.toMatch(/--input-scale per-feature/);
  }, 300_000);

  it('says when the rounds run out, with exit code 12 and what to do', async () => {
    const { code, out } = await quantproof([
      'repair',
      '--fp32',
      fp32Path,
      '--int8',
      int8Path,
      '--target-delta',
      '0.1',
      '--rounds',
      '0',
      ...box,
      ...budget,
      '--out',
      join(dir, 'none.onnx'),
    ]);
    expect(code).toBe(REPAIR_EXIT_CODES.notReached);
    expect(out).toMatch(/not proven in 0 rounds.*raise --rounds/);
  }, 120_000);

  it('rejects bad flags and files with the exit code that names them', async () => {
    const bad = await quantproof([
      'repair',
      '--fp32',
      fp32Path,
      '--int8',
      int8Path,
      '--target-delta',
      '-1',
    ]);
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.err).toMatch(/--target-delta must be a number ≥ 0/);
    const swapped = await quantproof([
      'repair',
      '--fp32',
      int8Path,
      '--int8',
      fp32Path,
      '--target-delta',
      '1',
      ...box,
    ]);
    expect(swapped.code).toBe(EXIT_CODES.input);
    const noBox = await quantproof([
      'repair',
      '--fp32',
      fp32Path,
      '--int8',
      int8Path,
      '--target-delta',
      '1',
      '--out',
      join(dir, 'x.onnx'),
    ]);
    expect(noBox.code).toBe(EXIT_CODES.usage);
    expect(noBox.err).toMatch(/give the region with --box or --box-file/);
  });
});

describe('quantproof sensitivity', () => {
  it('names the planted layer as the one to keep at high precision, with proof', async () => {
    const { code, out, err } = await quantproof([
      'sensitivity',
      '--fp32',
      fp32Path,
      ...box,
      '--low-bits',
      '2',
      ...budget,
    ]);
    expect(err).toBe('');
    expect(code).toBe(EXIT_CODES.ok);
    expect(out).toMatch(/layer 1 is proven the most sensitive: keep it at 8 bits/);
    expect(out).toMatch(/ranking, most sensitive first .*: layer 1,/);
    // The literal views: every layer alone in int8 is certified; layer 1 alone in float32 sits
    // between two int8 layers, which onnxruntime quantises itself.
    expect(out).toMatch(/layer 1 +only it in float32, rest 8 bits +not deployable \(below\)/);
    expect(out).toMatch(
      /not deployable: layer 1 alone in float32 — .*onnxruntime.*quantises that Gemm's weights/,
    );
    expect(out).toMatch(/layer 0 +only it in float32, rest 8 bits +\[/);
    expect(out).toMatch(/with the other layers kept in float32, most costly in int8 first/);
  }, 300_000);

  it('finds the certified mixed precision: the planted layer keeps more bits than the exact ones', async () => {
    const { code, out } = await quantproof([
      'precision',
      '--fp32',
      fp32Path,
      ...box,
      '--target-delta',
      '0.1',
      '--max-boxes',
      '200',
      '--workers',
      '0',
      '--html',
      join(dir, 'front.html'),
      '--json',
    ]);
    expect(code).toBe(EXIT_CODES.ok);
    const html = readFileSync(join(dir, 'front.html'), 'utf8');
    expect(html).toMatch(/<svg[^>]*data-chart="precision-front"/);
    expect(html).toMatch(
      /<tr data-point="\d+" data-chosen="true"><td class="mono">\[2, \d, 2\]<\/td>/,
    );
    const result = JSON.parse(out) as { chosen: { bits: number[] }; front: { bits: number[] }[] };
    expect(result.chosen.bits[0]).toBe(2);
    expect(result.chosen.bits[2]).toBe(2);
    expect(result.chosen.bits[1]).toBeGreaterThan(2);
    expect(result.front.map((p) => p.bits)).toContainEqual(result.chosen.bits);
  }, 300_000);

  it('teaches with --help', async () => {
    const { out } = await quantproof(['sensitivity', '--help']);
    expect(out).toMatch(/--low-bits/);
    expect(out).toMatch(/--input-scale <granularity>/);
    expect(out).toMatch(/Examples:/);
  });

  it('refuses per-feature input scales outside the QOperator layout, with exit code 2', async () => {
    for (const command of ['sensitivity', 'precision']) {
      const { code, err } = await quantproof([
        command,
        '--fp32',
        fp32Path,
        ...box,
        ...(command === 'precision' ? ['--target-delta', '1'] : []),
        '--input-scale',
        'per-feature',
      ]);
      expect(code).toBe(EXIT_CODES.usage);
      expect(err).toMatch(/--input-scale per-feature needs --format qoperator/);
    }
  });
});

describe('quantproof quantize --certify-delta', () => {
  const policy = join(dir, 'policy.onnx');
  beforeAll(async () => {
    expect((await quantproof(['train', '--seed', '4', '--out', policy])).code).toBe(EXIT_CODES.ok);
  }, 120_000);

  it('proves a reachable δ* in round 0, verifies the written file again, and records the rounds', async () => {
    const out = join(dir, 'policy.certified.onnx');
    const flags = ['--calibrate-on', 'region', '--certify-max-boxes', '200', '--out', out];
    const { code, out: text } = await quantproof([
      'quantize',
      '--fp32',
      policy,
      '--certify-delta',
      '100',
      ...flags,
    ]);
    expect(code).toBe(EXIT_CODES.ok);
    expect(text).toMatch(/^round 0: δ\* ∈ \[.*≤ 100: target proven$/m);
    expect(text).toMatch(/certified: δ\* ≤ 100 proven over the operating box in round 0/);
    expect(text).toMatch(/the proof holds/);
    const json = await quantproof([
      'quantize',
      '--fp32',
      policy,
      '--certify-delta',
      '100',
      ...flags,
      '--json',
    ]);
    const report = JSON.parse(json.out) as {
      certify: { repair: RepairReport['repair']; recheck: RepairReport['recheck'] };
    };
    expect(report.certify.repair.kind).toBe('reached');
    expect(report.certify.recheck.flipMargin!.upper!).toBeLessThanOrEqual(100);
  }, 300_000);

  it('exits 12 when the rounds run out, and refuses a dynamic method', async () => {
    const missed = await quantproof([
      'quantize',
      '--fp32',
      policy,
      '--certify-delta',
      '0',
      '--certify-rounds',
      '0',
      '--certify-max-boxes',
      '100',
      '--out',
      join(dir, 'policy.missed.onnx'),
    ]);
    expect(missed.code).toBe(REPAIR_EXIT_CODES.notReached);
    expect(missed.out).toMatch(/not proven in 0 rounds/);
    const dynamic = await quantproof([
      'quantize',
      '--fp32',
      policy,
      '--method',
      'ptq-dynamic',
      '--certify-delta',
      '1',
      '--out',
      join(dir, 'policy.dyn.onnx'),
    ]);
    expect(dynamic.code).toBe(EXIT_CODES.usage);
    expect(dynamic.err).toMatch(/--certify-delta repairs static int8 models/);
    // Ranges from sound bounds over the operating box: no input saturates beyond a sliver at its
    // faces (the scale's rounding), so nothing asks for region calibration.
    const bounds = await quantproof([
      'quantize',
      '--fp32',
      policy,
      '--ranges-from',
      'bounds',
      '--out',
      join(dir, 'policy.bounds.onnx'),
      '--json',
    ]);
    expect(bounds.code, bounds.err).toBe(EXIT_CODES.ok);
    const { warnings } = JSON.parse(bounds.out) as { warnings: string[] };
    expect(warnings.filter((w) => !/only in a sliver at the faces/.test(w))).toEqual([]);
  }, 300_000);
});

describe('quantproof quantize for a region (--box, --around)', () => {
  const policy = join(dir, 'region-policy.onnx');
  beforeAll(async () => {
    expect((await quantproof(['train', '--seed', '4', '--out', policy])).code).toBe(EXIT_CODES.ok);
  }, 120_000);
  const perFeature = [
    '--format',
    'qoperator',
    '--activations',
    'uint8',
    '--per-channel',
    '--input-scale',
    'per-feature',
  ];

  it('takes its input ranges from the region: each input keeps its 255 levels over its side of the box', async () => {
    const out = join(dir, 'region.bounds.onnx');
    const lower = [-1, -0.5, -0.05, -1];
    const upper = [1, 0.5, 0.05, 1];
    const boxFlag = lower.map((l, i) => `${l},${upper[i]}`).join(';');
    const q = await quantproof([
      'quantize',
      '--fp32',
      policy,
      ...perFeature,
      '--ranges-from',
      'bounds',
      '--box',
      boxFlag,
      '--out',
      out,
      '--json',
    ]);
    expect(q.code, q.err).toBe(EXIT_CODES.ok);
    const report = JSON.parse(q.out) as {
      region: { lower: number[]; upper: number[] };
      warnings: string[];
    };
    expect(report.region).toEqual({ lower, upper });
    // Only the scale's rounding can leave a sliver of the region's faces outside the codes.
    expect(
      report.warnings.filter((w) => !/only in a sliver at the faces of the region/.test(w)),
    ).toEqual([]);
    const read = readModelOnnx(new Uint8Array(readFileSync(out)));
    if (read.kind !== 'int8' || (read.model.format !== 'qdq' && read.model.format !== 'qoperator'))
      throw new Error('not static int8');
    const scales = Array.from(read.model.inputScales!);
    // uint8 codes span [lo, hi] ∋ 0: 255 steps cover the side, and no more than a step or two
    // beyond it (the zero point is an integer).
    scales.forEach((s, i) => {
      const width = upper[i]! - lower[i]!;
      expect(s * 255).toBeGreaterThanOrEqual(width * (1 - 1e-6));
      expect(s * 255).toBeLessThan(width * 1.01);
    });
    // Over the operating box the same model's θ cells would be 0.42/255 wide, not 0.1/255.
    expect(scales[2]!).toBeLessThan(0.42 / 255 / 4);
  }, 120_000);

  it('certifies δ* over the region it names, and verify proves it again there', async () => {
    const out = join(dir, 'region.certified.onnx');
    const around = ['--around', '0,0,0,0', '--radius', '0.5,0.5,0.05,0.5'];
    const args = [
      'quantize',
      '--fp32',
      policy,
      ...perFeature,
      '--ranges-from',
      'bounds',
      ...around,
      '--certify-delta',
      '100',
      '--certify-rounds',
      '0',
      '--certify-max-boxes',
      '200',
      '--out',
      out,
    ];
    const q = await quantproof(args);
    expect(q.code, q.err).toBe(EXIT_CODES.ok);
    expect(q.out).toMatch(
      /^region: \[-0\.5000, 0\.5000\] × \[-0\.5000, 0\.5000\] × \[-0\.05000, 0\.05000\] × \[-0\.5000, 0\.5000\] \(activation ranges from sound bounds, certified δ\*\)$/m,
    );
    expect(q.out).toMatch(/certified: δ\* ≤ 100 proven over the region \[-0\.5000, 0\.5000\] × /);
    expect(q.out).toMatch(
      /^theorem: wherever the FP32 margin exceeds δ\* = [\d.]+ in the region \[-0\.5000, 0\.5000\] × .*, the int8 policy takes the FP32 action — \d+\.\d\d % of the \d+ states the FP32 policy visits$/m,
    );
    const json = await quantproof([...args, '--json']);
    const report = JSON.parse(json.out) as {
      calibrationStates: number;
      agreementOnVisitedStates: number;
      certify: {
        recheck: { region: { lower: number[]; upper: number[] } };
        theorem: { coverage: { share: number; states: number } };
      };
    };
    expect(report.certify.recheck.region).toEqual({
      lower: [-0.5, -0.5, -0.05, -0.5],
      upper: [0.5, 0.5, 0.05, 0.5],
    });
    // Every visited state the theorem covers is one where int8 takes FP32's action.
    const { coverage } = report.certify.theorem;
    expect(coverage.states).toBe(report.calibrationStates);
    expect(coverage.share).toBeGreaterThan(0);
    expect(coverage.share).toBeLessThanOrEqual(report.agreementOnVisitedStates);
    const verify = await quantproof([
      'verify',
      '--fp32',
      policy,
      '--int8',
      out,
      ...around,
      '--max-boxes',
      '200',
      '--timeout',
      '120',
      '--json',
    ]);
    expect(verify.code, verify.err).not.toBe(EXIT_CODES.usage);
    const result = parseVerification(JSON.parse(verify.out));
    expect(result.region.lower).toEqual([-0.5, -0.5, -0.05, -0.5]);
    expect(result.flipMargin!.upper!).toBeLessThanOrEqual(100);
  }, 300_000);

  it('repair states the theorem over the region it names, for a CartPole policy', async () => {
    const int8 = join(dir, 'region.start.onnx');
    const around = ['--around', '0,0,0,0', '--radius', '0.5,0.5,0.05,0.5'];
    const start = await quantproof([
      'quantize',
      '--fp32',
      policy,
      ...perFeature,
      '--ranges-from',
      'bounds',
      ...around,
      '--out',
      int8,
    ]);
    expect(start.code, start.err).toBe(EXIT_CODES.ok);
    const args = ['repair', '--fp32', policy, '--int8', int8, '--target-delta', '100'];
    const common = [...args, ...around, '--rounds', '0', '--max-boxes', '200', '--timeout', '120'];
    const text = await quantproof([...common, '--out', join(dir, 'region.repaired.onnx')]);
    expect(text.code, text.err).toBe(REPAIR_EXIT_CODES.reached);
    expect(text.out).toMatch(
      /^theorem: wherever the FP32 margin exceeds δ\* = [\d.]+ in the region \[-0\.5000, 0\.5000\] × .* % of the \d+ states the FP32 policy visits$/m,
    );
    const json = await quantproof([...common, '--out', join(dir, 'region.again.onnx'), '--json']);
    const report = JSON.parse(json.out) as RepairReport;
    expect(report.theorem!.coverage.share).toBeGreaterThan(0);
    expect(report.theorem!.coverage.share).toBeLessThan(1);
  }, 300_000);

  it('refuses a region that nothing would use, with exit code 2 and what would', async () => {
    const { code, err } = await quantproof([
      'quantize',
      '--fp32',
      policy,
      '--box',
      '-1,1;-1,1;-0.1,0.1;-1,1',
      '--out',
      join(dir, 'region.unused.onnx'),
    ]);
    expect(code).toBe(EXIT_CODES.usage);
    expect(err).toMatch(/--calibrate-on region, --ranges-from bounds and --certify-delta use/);
  });
});

describe('the certifying loop on a PyTorch-exported 4-128-2 policy with a Softmax head', () => {
  const torch = fileURLToPath(
    new URL('./fixtures/torch-policy-4-128-2-softmax.onnx', import.meta.url),
  );
  it('quantize --certify-delta proves δ*, verify proves it again, sensitivity ranks both layers', async () => {
    const out = join(dir, 'torch.certified.onnx');
    const budget = ['--certify-max-boxes', '300'];
    const q = await quantproof([
      'quantize',
      '--fp32',
      torch,
      '--calibrate-on',
      'region',
      '--certify-delta',
      '0.3',
      ...budget,
      '--out',
      out,
    ]);
    expect(q.code, q.err).toBe(EXIT_CODES.ok);
    expect(q.out).toMatch(/certified: δ\* ≤ 0\.3 proven over the operating box/);
    const verify = await quantproof([
      'verify',
      '--fp32',
      torch,
      '--int8',
      out,
      '--max-boxes',
      '300',
      '--timeout',
      '120',
      '--json',
    ]);
    const result = parseVerification(JSON.parse(verify.out));
    expect(result.flipMargin!.upper!).toBeLessThanOrEqual(0.3);
    const s = await quantproof([
      'sensitivity',
      '--fp32',
      torch,
      '--calibrate-on',
      'region',
      '--max-boxes',
      '100',
      '--json',
    ]);
    expect(s.code, s.err).toBe(EXIT_CODES.ok);
    const ranking = (JSON.parse(s.out) as { ranking: number[] }).ranking;
    expect([...ranking].sort()).toEqual([0, 1]);
  }, 300_000);
});
