// Regressions of the differential soundness suite: the smallest pairs it found for each class of
// wrong answer (issue 13's classes and the ones found since), each checked the same way as the
// random pairs — both files through onnxruntime-node, every claim against the ground truth.
import { releaseZ3 } from '@quantproof/smt-verify';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPair } from './check-pair.js';
import { MAX_FLOAT32 } from './exact.js';
import type { RequestedBox } from './boxes.js';
import {
  buildPair,
  type GeneratorOptions,
  type PairSpec,
  type SoundnessPair,
} from './generators.js';
import { buildInt8, buildMlp, type NetSpec, type QuantSpec } from './networks.js';
import { formatFailure } from './failures.js';
import { SLICE_CHECK, SLICE_GENERATOR } from './slice.js';
import { SOAK_GENERATOR } from './soak.js';

afterAll(releaseZ3);

const NET: NetSpec = {
  inputs: 1,
  hidden: 0,
  classes: 2,
  weights: [1],
  biases: [0],
  outputScale: 1,
  ties: [],
  head: 'logits',
};

const QUANT: QuantSpec = {
  format: 'qoperator',
  activationType: 'uint8',
  weightType: 'int8',
  perChannel: false,
  reduceRange: false,
  weightBits: 8,
  logits: 'dequantize',
  calibration: { centre: 0, radius: 1, count: 12, seed: 0 },
  head: 'same',
  edit: { kind: 'none' },
};

/** A hand-written pair: the FP32 network, its int8 twin by quant's PTQ (and edit), and boxes. */
function pairOf(
  net: Partial<NetSpec>,
  quant: Partial<QuantSpec>,
  boxes: readonly (readonly [number[], number[]])[],
): SoundnessPair {
  const netSpec = { ...NET, ...net };
  const fp32 = buildMlp(netSpec);
  const int8 = buildInt8(fp32, { ...QUANT, ...quant }, netSpec);
  if (int8 === null) throw new Error('quant refused the regression pair');
  const requested: RequestedBox[] = boxes.map(([lower, upper]) => ({
    kind: 'calibrated',
    lower,
    upper,
  }));
  return { label: 'regression', fp32, int8, shapesDiffer: false, boxes: requested };
}

/** A pair the generators produced, box `box` of it alone (every box with `'all'`). */
function generated(
  spec: PairSpec,
  box: number | 'all',
  generator: GeneratorOptions = SLICE_GENERATOR,
): SoundnessPair {
  const pair = buildPair(spec, generator);
  if (pair === null) throw new Error('quant refused the regression pair');
  return box === 'all' ? pair : { ...pair, boxes: [pair.boxes[box]!] };
}

async function expectSound(pair: SoundnessPair): Promise<void> {
  const report = await checkPair(pair, SLICE_CHECK);
  expect(report.refused).toBeNull();
  if (report.failures.length > 0) throw new Error(report.failures.map(formatFailure).join('\n\n'));
}

describe("issue 13's classes", () => {
  it('1: float32 logits overflow to +Inf on part of the box (FP32 (Inf, Inf) decides 0, int8 1, exact margin 5e37·x)', async () => {
    await expectSound(
      pairOf(
        { weights: [1e38, 1.5e38], biases: [0, 0] },
        { logits: 'float', calibration: { centre: 0.5, radius: 0.5, count: 12, seed: 0 } },
        [[[1], [4]]],
      ),
    );
  });

  it('2: logits 2^-26 apart collapse to equal Softmax probabilities (FP32 decides 0, int8 1)', async () => {
    await expectSound(
      pairOf(
        { weights: [0, 0], biases: [0, 2 ** -26], head: 'softmax' },
        { edit: { kind: 'bias', output: 1, amount: 64 } },
        [[[-1], [1]]],
      ),
    );
  });

  it('3: a tie tolerance of ±1e7 must not hide a margin of 0.3 near 0 (int8 takes 1 everywhere)', async () => {
    await expectSound(
      pairOf(
        { weights: [1, 1], biases: [0.3, 0] },
        { edit: { kind: 'bias', output: 1, amount: 20_000 } },
        [[[-1e7], [1e7]]],
      ),
    );
  });

  it('4: FP32 logits 0 and 1 tie, class 2 lies 0.06 below and int8 takes it everywhere', async () => {
    await expectSound(
      pairOf(
        { classes: 3, weights: [1, 1, 1], biases: [0, 0, -0.06] },
        { edit: { kind: 'bias', output: 2, amount: 20_000 } },
        [[[-1], [1]]],
      ),
    );
  });

  it('5: δ* is not "no disagreement" while leaves are open (dynamic quantisation)', async () => {
    await expectSound(
      pairOf({ weights: [1, -1], biases: [0, 0] }, { format: 'dynamic' }, [[[-1], [1]]]),
    );
  });

  it('6: every leaf consistent gives consistent, not unknown (leaf volumes that do not sum to 1 in float64)', async () => {
    await expectSound(
      generated(
        {
          net: {
            inputs: 1,
            hidden: 0,
            classes: 6,
            weights: [
              -6.3272567066508184e-18, 0, -1.617735261985822e-29, 1.25, 0.5, 6.797901050958899e-7,
              -0.10798495262861252, 0.5,
            ],
            biases: [
              -0.5, -1.625, 2.942726775082116e-44, -1.9902859804687978e-8, -1.8180121238337095e-21,
            ],
            outputScale: 1e30,
            ties: [
              { row: 7, source: 7, delta: '-1ulp' },
              { row: 0, source: 5, delta: '0' },
            ],
            head: 'logits',
          },
          quant: {
            ...QUANT,
            format: 'qdq',
            reduceRange: true,
            weightType: 'uint8',
            logits: 'float',
            calibration: { centre: 0, radius: 0.1, count: 3, seed: 1945644685 },
            head: 'softmax',
          },
          boxes: [{ kind: 'saturating', seed: 1124154334 }],
        },
        0,
      ),
    );
  });

  it('7: a box bounded by ±max float32 is answered', async () => {
    await expectSound(
      pairOf({ hidden: 1, weights: [1, 1, -1], biases: [0, 0, 0] }, {}, [
        [[-MAX_FLOAT32], [MAX_FLOAT32]],
      ]),
    );
  });

  it('7: bounds beyond float32 (±1e39) and a box with no float32 inside are refused or answered, never a crash', async () => {
    await expectSound(
      pairOf({ weights: [1, -1] }, {}, [
        [[-1e39], [1e39]],
        [[0.1], [0.1]],
      ]),
    );
  });

  it('7: an int8 model whose int32 accumulator can overflow (PTQ saturated its bias) is answered', async () => {
    await expectSound(
      pairOf(
        { classes: 3, weights: [0, 0, -8.228460455756013e-38], biases: [-0.125, 0, 0] },
        {
          format: 'qdq',
          activationType: 'int8',
          weightBits: 4,
          calibration: { centre: 0, radius: 0.001, count: 1, seed: 0 },
        },
        [[[0.0007405095384456217], [0.0008660965249873698]]],
      ),
    );
  });
});

describe('found since', () => {
  it('a dynamic model whose hidden layer overflows float32 (DynamicQuantizeLinear of +Inf) is answered', async () => {
    await expectSound(
      pairOf(
        { hidden: 1, weights: [-1.0000001192092896, 0, 0], biases: [0, 0, 0] },
        { format: 'dynamic' },
        [[[-MAX_FLOAT32], [-MAX_FLOAT32]]],
      ),
    );
  });

  it('a ±1e30 box whose logits overflow is answered (no candidate with a NaN coordinate)', async () => {
    await expectSound(
      generated(
        {
          net: {
            inputs: 1,
            hidden: 2,
            classes: 3,
            weights: [-0.125, 0, 0, 0, 0.125, 0, 0.25, 0, 0, 0, 0],
            biases: [0, 0],
            outputScale: 1e30,
            ties: [],
            head: 'logits',
          },
          quant: {
            ...QUANT,
            format: 'qdq',
            activationType: 'int8',
            calibration: { centre: 0, radius: 0.001, count: 1, seed: 0 },
            edit: { kind: 'bias', output: 0, amount: -1 },
          },
          boxes: [{ kind: 'huge', seed: 0 }],
        },
        0,
      ),
    );
  });

  it('δ* covers a disagreement in the Softmax collapse band (logits 2^-17 apart that onnxruntime keeps apart)', async () => {
    await expectSound(
      pairOf(
        { weights: [0, 0], biases: [0, 2 ** -17], head: 'softmax' },
        { format: 'qdq', activationType: 'int8' },
        [[[0.5], [0.5]]],
      ),
    );
  });

  it("δ*'s lower end is attained at its witness (rounded down, not to nearest)", async () => {
    await expectSound(
      generated(
        {
          net: {
            inputs: 2,
            hidden: 0,
            classes: 4,
            weights: [0, 0, 0, 0, 0, 0.125],
            biases: [0, 0],
            outputScale: 1e30,
            ties: [{ row: 0, source: 3, delta: '0.06' }],
            head: 'logits',
          },
          quant: {
            ...QUANT,
            format: 'dynamic',
            activationType: 'int8',
            calibration: { centre: 0.5, radius: 1, count: 1, seed: 0 },
          },
          boxes: [{ kind: 'calibrated', seed: 6 }],
        },
        0,
      ),
    );
  });

  it("δ* covers a disagreement where a dynamic model's scale product overflows (int8 outputs NaN, Inf, NaN)", async () => {
    await expectSound(
      pairOf(
        {
          classes: 3,
          weights: [-2.382207389352189e-8, 5.563996800187626e22, 0],
          biases: [0, 0, 1.75],
        },
        { format: 'dynamic', weightBits: 4, edit: { kind: 'bias', output: 2, amount: -4088 } },
        [[[-MAX_FLOAT32], [MAX_FLOAT32]]],
      ),
    );
  });

  it('δ* covers a disagreement just inside the Softmax collapse band (logits 2^-17 − 2^-41 apart, kept apart by onnxruntime)', async () => {
    await expectSound(
      pairOf(
        { weights: [0, 0], biases: [0, 2 ** -17 - 2 ** -41], head: 'softmax' },
        { format: 'qdq', activationType: 'int8' },
        [[[0.5], [0.5]]],
      ),
    );
  });

  it('δ* covers a Softmax collapse-band disagreement behind a hidden layer (soak seed 1, network 485)', async () => {
    await expectSound(
      generated(
        {
          net: {
            inputs: 1,
            hidden: 5,
            classes: 3,
            weights: [
              -2.0061704696405562e-23, -1, -1.75, 0.875, -0.5, -1.875, -1.125,
              -3.082202431028945e-27, 1, -1.2772140000237465e-25, -1.0586380540124524e-37, 1e-30,
              -1.375, 0,
            ],
            biases: [2.1128613210870432e-26, 1.6695611651700848e-17],
            outputScale: 1,
            ties: [
              { row: 4, source: 3, delta: '1e-9' },
              { row: 4, source: 0, delta: '2^-17' },
            ],
            head: 'softmax',
          },
          quant: {
            ...QUANT,
            format: 'qdq',
            activationType: 'int8',
            weightType: 'uint8',
            perChannel: true,
            calibration: { centre: -1, radius: 1, count: 6, seed: 23 },
          },
          boxes: [
            { kind: 'degenerate', seed: 1564257659 },
            { kind: 'calibrated', seed: 1509788237 },
          ],
        },
        1,
        SOAK_GENERATOR,
      ),
    );
  });

  it('δ* covers a Softmax collapse-band disagreement at a point (soak seed 1, network 321)', async () => {
    await expectSound(
      generated(
        {
          net: {
            inputs: 1,
            hidden: 0,
            classes: 6,
            weights: [
              -2.3337352657609458e-30, 3.2855213264997054e-20, -0.014366892166435719, -0.875,
              -6.304819066826894e-7, 3.5899819295082125e-7, 0.5, -2.4811195997004486e-34,
              0.000013969881365483161, 1.75, -0.017523404210805893,
            ],
            biases: [-0.5, -2.7888141028162734e-19, 1.4488807949480108e-26],
            outputScale: 1,
            ties: [],
            head: 'softmax',
          },
          quant: {
            ...QUANT,
            format: 'qdq',
            activationType: 'int8',
            weightBits: 2,
            calibration: { centre: 0.5, radius: 10, count: 5, seed: 1701119134 },
          },
          boxes: [{ kind: 'degenerate', seed: 121626727 }],
        },
        0,
        SOAK_GENERATOR,
      ),
    );
  });

  it('δ* covers a disagreement where the int8 Softmax collapses to equal probabilities (soak seed 4, network 2342)', async () => {
    await expectSound(
      generated(
        {
          net: {
            inputs: 1,
            hidden: 5,
            classes: 6,
            weights: [
              -1.6973914678322655e-12, 0.125, 1.75, 4.0637655465419695e-44, -1.0273068309802267e-31,
              -6.800916041993122e-29, -1.875, 0.375,
            ],
            biases: [-1e-30, -1.8216880036222622e-44, 1.783798007203323e-30],
            outputScale: 1,
            ties: [{ row: 2, source: 2, delta: '2^-17' }],
            head: 'logits',
          },
          quant: {
            ...QUANT,
            format: 'dynamic',
            activationType: 'int8',
            perChannel: true,
            reduceRange: true,
            calibration: { centre: -1, radius: 1, count: 12, seed: 500491227 },
            head: 'softmax',
          },
          boxes: [
            { kind: 'degenerate', seed: 368064357 },
            { kind: 'saturating', seed: 312781219 },
            { kind: 'ulps', seed: 1622471793 },
          ],
        },
        2,
        SOAK_GENERATOR,
      ),
    );
  });

  it('δ* is not [0, 0] where FP32 logits 1e-22 apart decide against an int8 tie (soak seed 4, network 2149)', async () => {
    await expectSound(
      generated(
        {
          net: {
            inputs: 1,
            hidden: 0,
            classes: 4,
            weights: [
              0.375, -0.625, -1.375, -9.958132408949272e-12, 0.75, -0.00003790378104895353, 1.125,
              1e-30, -5.653186889439232e-20, 0, -1e-30, 4.568883049671513e-9, 0.005227944348007441,
            ],
            biases: [-3.7019833813017877e-13, 0, 1e-30, -0.25, -1.75],
            outputScale: 1,
            ties: [
              { row: 7, source: 0, delta: '-1e-9' },
              { row: 7, source: 6, delta: '0' },
            ],
            head: 'logits',
          },
          quant: {
            ...QUANT,
            perChannel: true,
            reduceRange: true,
            calibration: { centre: 0.5, radius: 1, count: 1, seed: 2147483643 },
          },
          boxes: [
            { kind: 'huge', seed: 1143072462 },
            { kind: 'huge', seed: 19 },
            { kind: 'huge', seed: 273455469 },
          ],
        },
        'all',
        SOAK_GENERATOR,
      ),
    );
  });

  // quantizeStatic writes a per-channel bias scale fl32(s_in·s_w) that underflows to 0, and
  // onnxruntime runs the file: the reader reads it (it refused it as corrupt), and the pair is sound.
  it("a QDQ model quant's PTQ wrote is read back (a bias scale s_in·s_w that underflows float32 to 0; soak seed 5, network 1861)", async () => {
    await expectSound(
      generated(
        {
          net: {
            inputs: 1,
            hidden: 3,
            classes: 6,
            weights: [1.401298464324817e-45, 5.605193857299268e-45, 3.5182674489805686e-33, 0.875],
            biases: [
              -0.5256444215774536, 5.605193857299268e-45, 1.401298464324817e-45,
              -3.709784036777025e-27,
            ],
            outputScale: 1,
            ties: [{ row: 6, source: 2, delta: '1e-7' }],
            head: 'softmax',
          },
          quant: {
            ...QUANT,
            format: 'qdq',
            weightType: 'uint8',
            perChannel: true,
            calibration: { centre: 0, radius: 10, count: 9, seed: 322628605 },
          },
          boxes: [{ kind: 'huge', seed: 2078416201 }],
        },
        0,
        SOAK_GENERATOR,
      ),
    );
  });
});
