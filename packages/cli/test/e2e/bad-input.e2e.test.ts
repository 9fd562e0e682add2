// Bad input through the built command: each mistake gives one line on stderr that says what is
// wrong and what to do, a documented exit code, no stack trace, and no file written.

import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMlp, createSeededRng } from '@quantproof/nn';
import { writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import { type QMlpStatic, quantizeDynamic } from '@quantproof/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { FIXTURES, lines, requireBuiltCli, runCli, STACK_FRAME } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const torch = FIXTURES.torchGemmSoftmax;
const safe14 = FIXTURES.vnnlibUnsat;
const file = (name: string): string => join(dir, name);

/** The torch fixture with one operator renamed in place (same length: the protobuf stays valid). */
function renameOperator(from: string, to: string): Uint8Array {
  const text = readFileSync(torch).toString('latin1');
  expect(to.length).toBe(from.length);
  expect(text).toContain(from);
  return new Uint8Array(Buffer.from(text.replaceAll(from, to), 'latin1'));
}

/**
 * A CartPole-shaped int8 model (4 → 2, QOperator, float logits) whose int32 bias leaves no room:
 * bias + Σ (q_x − zp)(q_w) can pass 2^31 − 1, where onnxruntime's kernels no longer sum exactly.
 */
function accumulatorOverflowModel(): QMlpStatic {
  return {
    format: 'qoperator',
    executionPath: { kind: 'fused-integer' },
    input: { scale: 0.0078125, zeroPoint: 0, elementType: 'int8' },
    layers: [
      {
        inFeatures: 4,
        outFeatures: 2,
        weight: Int8Array.of(127, 127, 127, 127, -1, 1, -1, 1),
        weightQuant: {
          elementType: 'int8',
          granularity: 'per-tensor',
          scales: Float32Array.of(0.0078125),
          zeroPoints: Int32Array.of(0),
          bits: 8,
        },
        bias: Int32Array.of(2_147_000_000, 0),
        activation: 'identity',
        output: null,
      },
    ],
    logits: 'float',
  };
}

beforeAll(async () => {
  requireBuiltCli();
  writeFileSync(file('junk.onnx'), 'this is not a model\n');
  writeFileSync(file('truncated.onnx'), readFileSync(torch).subarray(0, 2000));
  writeFileSync(file('conv.onnx'), renameOperator('Gemm', 'Conv'));
  writeFileSync(file('sigmoid.onnx'), renameOperator('Softmax', 'Sigmoid'));
  // An FP32 network that is not a CartPole policy (8 inputs, 4 outputs), and an int8 one like it.
  const wide = createMlp({ sizes: [8, 16, 4], rng: createSeededRng(7) });
  writeFileSync(file('wide.onnx'), writeMlpOnnx(wide));
  writeFileSync(file('wide.int8.onnx'), writeQMlpOnnx(quantizeDynamic(wide).model));
  // A CartPole-shaped FP32 network with other hidden sizes than the quantised model verified with it.
  const narrow = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(8) });
  writeFileSync(file('narrow.onnx'), writeMlpOnnx(narrow));
  writeFileSync(file('overflow.int8.onnx'), writeQMlpOnnx(accumulatorOverflowModel()));
  // The FP32 network of the same shape (4 → 2, one layer) that the overflowing model stands for.
  writeFileSync(
    file('overflow.fp32.onnx'),
    writeMlpOnnx(createMlp({ sizes: [4, 2], rng: createSeededRng(9) })),
  );
  writeFileSync(file('box-null.json'), '{"lower": [0, 0, 0, 0], "upper": [1, 1, 1, null]}');
  writeFileSync(file('box-huge.json'), '{"lower": [0, 0, 0, -1e39], "upper": [1, 1, 1, 1]}');
  writeFileSync(file('box-text.json'), '{"lower": [0, 0, 0, 0], "upper": [1, 1, 1, "x"]}');
  writeFileSync(file('box-swapped.json'), '{"lower": [0, 1, 0, 0], "upper": [1, 0, 1, 1]}');
  writeFileSync(file('box-nan.json'), '{"lower": [NaN, 0, 0, 0], "upper": [1, 1, 1, 1]}');
  writeFileSync(file('box-short.json'), '{"lower": [0, 0, 0], "upper": [1, 1, 1, 1]}');
  writeFileSync(file('box-three.json'), '{"lower": [0, 0, 0], "upper": [1, 1, 1]}');
  writeFileSync(file('box-point.json'), '{"lower": [0, 0.1, 0, 0], "upper": [1, 0.1, 1, 1]}');
  mkdirSync(file('a-directory'));
  const quantized = await runCli(['quantize', '--fp32', torch, '--out', 'q.onnx'], { cwd: dir });
  expect(quantized.code, quantized.stderr).toBe(EXIT_CODES.ok);
});

type Case = readonly [what: string, argv: readonly string[], exitCode: number, message: RegExp];

const q = 'q.onnx';
const box = (b: string): string[] => ['verify', '--fp32', torch, '--int8', q, '--box', b];

// Errors quantproof itself reports: `quantproof: <what is wrong>; <what to do>`.
const inputCases: readonly Case[] = [
  [
    'a missing model',
    ['quantize', '--fp32', 'missing.onnx', '--out', 'out.onnx'],
    EXIT_CODES.input,
    /^quantproof: cannot read the --fp32 model missing\.onnx: no such file or directory$/,
  ],
  [
    'a directory as the model',
    ['eval', '--model', 'a-directory'],
    EXIT_CODES.input,
    /cannot read the --model model a-directory: it is a directory/,
  ],
  [
    'a file that is not ONNX',
    ['quantize', '--fp32', 'junk.onnx', '--out', 'out.onnx'],
    EXIT_CODES.input,
    /--fp32 junk\.onnx: not an ONNX model: .*Pass the bytes of a complete \.onnx file/,
  ],
  [
    'a truncated ONNX file',
    ['eval', '--model', 'truncated.onnx'],
    EXIT_CODES.input,
    /--model truncated\.onnx: not an ONNX model: .*check that it is not truncated/,
  ],
  [
    'a graph with Conv',
    ['quantize', '--fp32', 'conv.onnx', '--out', 'out.onnx'],
    EXIT_CODES.input,
    /--fp32 conv\.onnx: node '\/0\/Conv' \(Conv\) is not supported: .*re-export the network/,
  ],
  [
    'a graph with a Sigmoid head',
    ['eval', '--model', 'sigmoid.onnx'],
    EXIT_CODES.input,
    /--model sigmoid\.onnx: node '\/5\/Sigmoid' \(Sigmoid\) is not supported: .*re-export/,
  ],
  [
    'an int8 model where FP32 is needed',
    ['quantize', '--fp32', q, '--out', 'out.onnx'],
    EXIT_CODES.input,
    /--fp32 q\.onnx is an int8 model; pass the FP32 model here/,
  ],
  [
    'an FP32 model where int8 is needed',
    ['verify', '--fp32', torch, '--int8', torch],
    EXIT_CODES.input,
    /--int8 .* is an FP32 model; pass the quantised model here/,
  ],
  [
    'two FP32 models for eval --fp32',
    ['eval', '--model', torch, '--fp32', torch],
    EXIT_CODES.input,
    /--model .* is FP32 too; pass the int8 model as --model/,
  ],
  [
    'a network that is not a CartPole policy to quantize',
    ['quantize', '--fp32', 'wide.onnx', '--out', 'out.onnx'],
    EXIT_CODES.input,
    /--fp32 wide\.onnx maps 8 inputs to 4 outputs, but a CartPole-v1 policy maps the 4 observations to 2 action logits; pass a CartPole-v1 policy/,
  ],
  [
    'a network that is not a CartPole policy to eval',
    ['eval', '--model', 'wide.int8.onnx'],
    EXIT_CODES.input,
    /--model wide\.int8\.onnx maps 8 inputs to 4 outputs/,
  ],
  [
    'an eval reference with other input sizes',
    ['eval', '--model', q, '--fp32', 'wide.onnx'],
    EXIT_CODES.input,
    /--fp32 wide\.onnx maps 8 inputs to 4 outputs/,
  ],
  [
    'models whose input sizes differ',
    ['verify', '--fp32', torch, '--int8', 'wide.int8.onnx'],
    EXIT_CODES.input,
    /the models do not fit together: --fp32 maps 4 inputs to 2 outputs, --int8 8 to 4/,
  ],
  [
    'models whose hidden layer sizes differ',
    ['verify', '--fp32', 'narrow.onnx', '--int8', q, '--box', '0,1;0,1;0,1;0,1'],
    EXIT_CODES.input,
    /the models do not fit together: --fp32 has layer sizes \[4, 8, 2\], --int8 \[4, 32, 32, 2\]; verify compares an int8 model with the FP32 network it was quantised from, layer by layer, so pass that pair$/,
  ],
  [
    'an int8 model whose int32 accumulator could overflow (eval)',
    ['eval', '--model', 'overflow.int8.onnx'],
    EXIT_CODES.input,
    /--model overflow\.int8\.onnx cannot be evaluated or verified: .*use fewer inputs per neuron or smaller weights/,
  ],
  [
    'a box file with a bound beyond float32',
    ['verify', '--fp32', torch, '--int8', q, '--box-file', 'box-huge.json'],
    EXIT_CODES.input,
    /--box-file box-huge\.json: dimension 3 has the bound -1e\+39, beyond the float32 range; bounds must be finite float32 values/,
  ],
  [
    'a box file with lower > upper (exit code 3 like its bad JSON)',
    ['verify', '--fp32', torch, '--int8', q, '--box-file', 'box-swapped.json'],
    EXIT_CODES.input,
    /^quantproof: --box-file box-swapped\.json: dimension 1 has lower 1 > upper 0; swap them$/,
  ],
  [
    'a box file with NaN (not JSON)',
    ['verify', '--fp32', torch, '--int8', q, '--box-file', 'box-nan.json'],
    EXIT_CODES.input,
    /^quantproof: --box-file box-nan\.json is not JSON/,
  ],
  [
    'a box file whose sides differ in length',
    ['verify', '--fp32', torch, '--int8', q, '--box-file', 'box-short.json'],
    EXIT_CODES.input,
    /^quantproof: --box-file box-short\.json: "lower" has 3 bounds but "upper" has 4; give one lower and one upper bound per input$/,
  ],
  [
    'a box file of the wrong dimension',
    ['verify', '--fp32', torch, '--int8', q, '--box-file', 'box-three.json'],
    EXIT_CODES.input,
    /^quantproof: --box-file box-three\.json: the region has 3 dimensions; the models take 4 inputs, so give 4$/,
  ],
  [
    'a box file with a dimension that holds no float32 value',
    ['verify', '--fp32', torch, '--int8', q, '--box-file', 'box-point.json'],
    EXIT_CODES.input,
    /^quantproof: --box-file box-point\.json: dimension 1 is \[0\.1, 0\.1\], which holds no float32 value/,
  ],
  [
    'a missing box file',
    ['verify', '--fp32', torch, '--int8', q, '--box-file', 'missing.json'],
    EXIT_CODES.input,
    /cannot read --box-file missing\.json/,
  ],
  [
    'a VNN-LIB network with Conv',
    ['vnnlib', '--onnx', 'conv.onnx', '--vnnlib', safe14, '--out', 'result.txt'],
    EXIT_CODES.input,
    /\(Conv\) is not supported/,
  ],
  [
    'an int8 network for vnnlib',
    ['vnnlib', '--onnx', q, '--vnnlib', safe14, '--out', 'result.txt'],
    EXIT_CODES.input,
    /\(QuantizeLinear\) is not supported: .*re-export/,
  ],
  [
    'a property file that is not VNN-LIB',
    ['vnnlib', '--onnx', torch, '--vnnlib', 'junk.onnx', '--out', 'result.txt'],
    EXIT_CODES.input,
    /VNN-LIB line 1: .*Check the property file against the VNN-LIB format/,
  ],
  [
    'a property for another network',
    ['vnnlib', '--onnx', 'wide.onnx', '--vnnlib', safe14, '--out', 'result.txt'],
    EXIT_CODES.input,
    /the property has 4 inputs and 2 outputs; the network has 8 and 4\. Check that the property was written for this \.onnx file/,
  ],
];

const regionCases: readonly Case[] = [
  ['a box with NaN', box('NaN,1;0,1;0,1;0,1'), EXIT_CODES.usage, /dimension 0 has a NaN bound/],
  [
    'a box with lower > upper',
    box('0,1;1,0;0,1;0,1'),
    EXIT_CODES.usage,
    /dimension 1 has lower 1 > upper 0; swap them/,
  ],
  [
    'a box of the wrong dimension',
    box('0,1;0,1;0,1'),
    EXIT_CODES.usage,
    /^quantproof: --box the region has 3 dimensions; the models take 4 inputs, so give 4$/,
  ],
  [
    'a hexadecimal bound (not read as 16)',
    box('0,0x10;0,1;0,1;0,1'),
    EXIT_CODES.usage,
    /^quantproof: --box dimension 0: "0x10" is not a decimal number; write each dimension as lo,hi with numbers such as -0\.5,0\.5 or 1e-3,2\.5$/,
  ],
  ['an unbounded box', box('0,1;0,1;0,1;0,Infinity'), EXIT_CODES.usage, /bounds must be finite/],
  [
    'a bound that is a finite double but infinite as float32',
    box('-1e39,1;0,1;0,1;0,1'),
    EXIT_CODES.usage,
    /^quantproof: --box dimension 0 has the bound -1e\+39, beyond the float32 range; bounds must be finite float32 values \(\|bound\| ≤ 3\.4028234663852886e\+38\), since the models' inputs are float32$/,
  ],
  [
    'a dimension with no float32 inside (lo = hi = 0.1)',
    box('0,1;0.1,0.1;0,1;0,1'),
    EXIT_CODES.usage,
    /^quantproof: --box dimension 1 is \[0\.1, 0\.1\], which holds no float32 value \(0\.1 is not a float32 value; the nearest are 0\.09999999403953552 and 0\.10000000149011612\); widen it or give float32 values, e\.g\. 0\.10000000149011612 \(Math\.fround\(0\.1\)\)$/,
  ],
  [
    'an interval between two adjacent float32 values',
    box('0,1;0.1,0.10000000001;0,1;0,1'),
    EXIT_CODES.usage,
    /dimension 1 is \[0\.1, 0\.10000000001\], which holds no float32 value \(no float32 value lies between/,
  ],
  [
    'a malformed box',
    box('0,1;0;0,1;0,1'),
    EXIT_CODES.usage,
    /--box dimension 1 is "0"; write each dimension as lo,hi and separate them with ;/,
  ],
  [
    'two regions at once',
    [...box('0,1;0,1;0,1;0,1'), '--region', 'operating'],
    EXIT_CODES.usage,
    /give one of --box, --box-file, --around and --region/,
  ],
];

const outputCases: readonly Case[] = [
  [
    'an --out that would overwrite the FP32 model',
    ['quantize', '--fp32', q, '--out', q],
    EXIT_CODES.usage,
    /--out q\.onnx would overwrite the --fp32 model; write the int8 model to another file/,
  ],
  [
    'a directory as quantize --out',
    ['quantize', '--fp32', torch, '--out', 'a-directory'],
    EXIT_CODES.usage,
    /--out a-directory is a directory; pass the path of a file to write/,
  ],
  [
    'a directory as train --out (refused before training)',
    ['train', '--out', 'a-directory'],
    EXIT_CODES.usage,
    /--out a-directory is a directory/,
  ],
  [
    'a directory as vnnlib --out',
    ['vnnlib', '--onnx', torch, '--vnnlib', safe14, '--out', 'a-directory'],
    EXIT_CODES.usage,
    /--out a-directory is a directory/,
  ],
  [
    'an --out below a file',
    ['quantize', '--fp32', torch, '--out', 'junk.onnx/q.onnx'],
    EXIT_CODES.usage,
    /--out junk\.onnx\/q\.onnx: cannot write a file there \(a part of the path is a file, not a directory\); choose another path/,
  ],
  [
    'a train --out on a pseudo file system (refused before training)',
    ['train', '--out', '/sys/x.onnx'],
    EXIT_CODES.usage,
    /^quantproof: --out \/sys\/x\.onnx: cannot write a file there \(.*\); choose another path$/,
  ],
  [
    'a run --out under /proc (refused at once, no hang)',
    ['run', '--out', '/proc/x'],
    EXIT_CODES.usage,
    /^quantproof: --out \/proc\/x: cannot write files there \(.*\); choose another path$/,
  ],
  [
    'a verify --resume under /proc (refused at once, no hang)',
    ['verify', '--fp32', torch, '--int8', q, '--resume', '/proc/x'],
    EXIT_CODES.usage,
    /^quantproof: --resume \/proc\/x: cannot write files there \(.*\); choose another path$/,
  ],
];

// Bad flags that the argument parser (commander) reports.
const flagCases: readonly Case[] = [
  ['an unknown flag', ['quantize', '--fp32', torch, '--bogus'], EXIT_CODES.usage, /--bogus/],
  ['an unknown command', ['nonsense'], EXIT_CODES.usage, /nonsense/],
  ['a missing required flag', ['verify', '--fp32', torch], EXIT_CODES.usage, /--int8/],
  [
    'an out-of-range integer',
    ['quantize', '--fp32', torch, '--weight-bits', '9', '--out', 'out.onnx'],
    EXIT_CODES.usage,
    /--weight-bits must be an integer in 2\.\.8, got "9"/,
  ],
  [
    'an episode count beyond the allowed range',
    ['eval', '--model', torch, '--episodes', '99999999999'],
    EXIT_CODES.usage,
    /--episodes must be an integer in 1\.\.100000, got "99999999999"/,
  ],
  [
    'an unknown CPU semantics',
    ['verify', '--fp32', torch, '--int8', q, '--cpu-semantics', 'avx512'],
    EXIT_CODES.usage,
    /'avx512'.*auto, vnni-exact, avx2-u8s8-saturating/,
  ],
  [
    'a non-integer episode count',
    ['eval', '--model', torch, '--episodes', '2.5'],
    EXIT_CODES.usage,
    /--episodes must be an integer in 1\.\.100000, got "2\.5"/,
  ],
  [
    'an unknown choice',
    ['demo', '--controller', 'lqr'],
    EXIT_CODES.usage,
    /'lqr'.*feedback, periodic/,
  ],
];

async function expectOneLineError([what, argv, exitCode, message]: Case): Promise<string> {
  const before = readdirSync(dir).sort();
  const { code, stdout, stderr } = await runCli(argv, { cwd: dir });
  expect(code, `${what}: ${stderr}`).toBe(exitCode);
  expect(stderr, what).not.toMatch(STACK_FRAME);
  expect(lines(stderr), what).toHaveLength(1);
  expect(stderr.trimEnd(), what).toMatch(message);
  expect(stdout, what).toBe('');
  // Nothing written: no output file, no temporary file beside it.
  expect(readdirSync(dir).sort(), what).toEqual(before);
  return stderr;
}

describe('quantproof on bad input (built CLI, subprocess)', () => {
  it('answers unknown (exit 11) with the reason for an int8 model whose int32 accumulator could overflow', async () => {
    const r = await runCli(
      [
        'verify',
        '--fp32',
        'overflow.fp32.onnx',
        '--int8',
        'overflow.int8.onnx',
        '--box',
        '0,1;0,1;0,1;0,1',
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(11);
    expect(r.stdout).toMatch(/^unknown: /);
    expect(r.stdout).toMatch(
      /open: 100\.0 % accumulator-overflow: layer 0, output 0: the int32 accumulator could reach \d+ \(> 2\^31 - 1\).*wraps or saturates/,
    );
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it.each(inputCases)('rejects %s with exit code 3 and one line', async (...c) => {
    await expectOneLineError(c);
  });

  it.each(regionCases)('rejects %s with exit code 2 and one line', async (...c) => {
    await expectOneLineError(c);
  });

  it.each(outputCases)('rejects %s with exit code 2, writing nothing', async (...c) => {
    await expectOneLineError(c);
  });

  // A JSON box file cannot hold NaN: JSON.stringify writes NaN as null. A null bound must be
  // rejected as an invalid input file, not read as 0 (which verifies another box).
  it.each([
    ['a null bound', 'box-null.json'],
    ['a bound that is not a number', 'box-text.json'],
  ])('rejects a box file with %s as an invalid input file (exit code 3)', async (what, name) => {
    await expectOneLineError([
      what,
      ['verify', '--fp32', torch, '--int8', q, '--box-file', name],
      EXIT_CODES.input,
      new RegExp(`--box-file ${name.replace('.', '\\.')}`),
    ]);
  });

  it.each(flagCases)(
    'rejects %s with exit code 2 and one line that points to --help',
    async (...c) => {
      expect(await expectOneLineError(c)).toMatch(/--help/);
    },
  );

  it.skipIf(process.getuid?.() === 0)(
    'rejects a model it may not read (permission denied) with exit code 3',
    async () => {
      writeFileSync(file('secret.onnx'), readFileSync(torch));
      chmodSync(file('secret.onnx'), 0o000);
      try {
        await expectOneLineError([
          'an unreadable model',
          ['eval', '--model', 'secret.onnx'],
          EXIT_CODES.input,
          /cannot read the --model model secret\.onnx: permission denied/,
        ]);
      } finally {
        rmSync(file('secret.onnx'), { force: true });
      }
    },
  );
});
