// @quantproof/quant + @quantproof/onnx, with the installed onnxruntime-node: the onnx README's FP32
// example, then a small seeded MLP quantised, written as int8 ONNX, run in onnxruntime-node and
// compared with quant's executor bit for bit.
import { existsSync, readFileSync } from 'node:fs';
import { createMlp, createSeededRng } from '@quantproof/nn';
import { cpuSemanticsFromFlags, quantizeStatic } from '@quantproof/quant';
import {
  compareInt8WithOrt,
  createOrtSession,
  differentialInputs,
  readMlpOnnx,
  readModelOnnx,
  writeMlpOnnx,
  writeQMlpOnnx,
} from '@quantproof/onnx';
import process from 'node:process';
import { check } from './check.mjs';

// The onnx README's example: write, read back bit for bit, run in onnxruntime-node.
const tiny = {
  layers: [
    {
      inFeatures: 4,
      outFeatures: 2,
      weight: Float32Array.of(1, 0, 0, 0, 0, 0, 1, 0),
      bias: Float32Array.of(0, 0.5),
      activation: 'identity',
    },
  ],
};
const tinyBytes = writeMlpOnnx(tiny, { metadata: { seed: JSON.stringify(42) } });
const { mlp: again, metadata } = readMlpOnnx(tinyBytes);
const bitsOf = (/** @type {Float32Array} */ a) => Array.from(new Uint32Array(a.slice().buffer));
check(
  JSON.stringify(bitsOf(again.layers[0].weight)) ===
    JSON.stringify(bitsOf(tiny.layers[0].weight)) &&
    JSON.stringify(bitsOf(again.layers[0].bias)) === JSON.stringify(bitsOf(tiny.layers[0].bias)) &&
    metadata['seed'] === '42',
  'readMlpOnnx(writeMlpOnnx(mlp)) differs from mlp',
);
const tinySession = await createOrtSession(tinyBytes, { graphOptimizationLevel: 'all' });
const tinyLogits = await tinySession.run(Float32Array.of(0.1, 0, 0.02, 0, 1, 2, 3, 4), 2);
await tinySession.release();
check(
  [0.1, 0.52, 1, 3.5].every((v, i) => Math.abs((tinyLogits[i] ?? NaN) - v) < 1e-6),
  `the README's FP32 model gives ${Array.from(tinyLogits)} in onnxruntime-node, not ≈ [0.1, 0.52, 1, 3.5]`,
);

const rng = createSeededRng(1);
const mlp = createMlp({ sizes: [4, 16, 16, 2], rng });
const calibration = Float32Array.from({ length: 4 * 200 }, () => 2 * rng.nextFloat64() - 1);
const { model } = quantizeStatic(mlp, calibration, { activationType: 'uint8' });
const bytes = writeQMlpOnnx(model, { metadata: { seed: '1' } });
const read = readModelOnnx(bytes);
check(read.kind === 'int8', `readModelOnnx read the int8 file back as ${read.kind}`);

const session = await createOrtSession(bytes, { graphOptimizationLevel: 'all' });
const logits = await session.run(Float32Array.of(0.1, -0.2, 0.03, 0.4), 1);
await session.release();
check(logits.length === 2 && logits.every(Number.isFinite), `ORT logits ${Array.from(logits)}`);

// The executor models the u8s8 kernel onnxruntime picks on this CPU (the cli does the same).
const flags = existsSync('/proc/cpuinfo')
  ? (/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/)
  : [];
const { semantics, kernel } = cpuSemanticsFromFlags(flags);
const inputs = differentialInputs(model, 'ties', 2000, { seed: 2 });
const result = await compareInt8WithOrt(model, inputs, { cpu: semantics });
check(
  result.differingOutputs === 0,
  `${result.differingOutputs} of ${result.outputs} logits differ between the executor (${semantics}) and onnxruntime-node: ${JSON.stringify(result.differences.slice(0, 3))}`,
);
process.stdout.write(
  `int8 QDQ model (${bytes.length} bytes) runs in onnxruntime-node; ${result.outputs} logits equal the executor's bit for bit (${kernel})\n`,
);
