// Writes the model files the cli scenarios verify, with the installed packages: fp32.onnx (a seeded
// 4-8-2 policy whose logits differ by about 6 on the box), int8.onnx (its static int8 QDQ model,
// which takes the same decision there) and int8-flipped.onnx (the int8 model of the same network
// with the output layer negated, which takes the other decision everywhere on the box).
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { createMlp, createSeededRng } from '@quantproof/nn';
import { quantizeStatic } from '@quantproof/quant';
import { writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';

/** @param {boolean} flipped */
function policy(flipped) {
  const mlp = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(7) });
  const output = mlp.layers[1];
  output.bias.set([3, -3]);
  if (flipped) {
    output.weight.set(output.weight.map((w) => -w));
    output.bias.set([-3, 3]);
  }
  return mlp;
}

const rng = createSeededRng(8);
const calibration = Float32Array.from({ length: 4 * 256 }, () => 0.2 * rng.nextFloat64() - 0.1);
writeFileSync('fp32.onnx', writeMlpOnnx(policy(false)));
writeFileSync('int8.onnx', writeQMlpOnnx(quantizeStatic(policy(false), calibration).model));
writeFileSync('int8-flipped.onnx', writeQMlpOnnx(quantizeStatic(policy(true), calibration).model));
process.stdout.write('wrote fp32.onnx, int8.onnx and int8-flipped.onnx\n');
