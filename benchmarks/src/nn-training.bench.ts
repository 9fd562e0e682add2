// Micro benchmarks of the training hot path: `pnpm --filter @quantproof/benchmarks bench:nn`.
import { bench, describe } from 'vitest';
import {
  adamStep,
  backwardTrain,
  createAdam,
  createForwardFp32Workspace,
  createMlp,
  createMlpGradients,
  createSeededRng,
  createTrainingWorkspace,
  forwardBatchFp32,
  forwardFp32Into,
  forwardTrain,
  zeroGradients,
} from '@quantproof/nn';

const rng = createSeededRng(1);
const batch = 256;

for (const sizes of [
  [4, 64, 64, 2],
  [4, 64, 64, 1],
]) {
  const mlp = createMlp({ sizes, rng });
  const outputs = sizes[sizes.length - 1]!;
  const inputs = Float32Array.from({ length: batch * 4 }, () => 2 * rng.nextFloat64() - 1);
  const dOutput = Float64Array.from({ length: batch * outputs }, () => rng.nextFloat64() - 0.5);
  const gradients = createMlpGradients(mlp);
  const adam = createAdam(mlp, { learningRate: 1e-12 });

  describe(`${sizes.join('-')}, batch ${batch}`, () => {
    for (const backend of ['wasm', 'js'] as const) {
      const workspace = createTrainingWorkspace(mlp, batch, { backend });
      bench(`forwardTrain (${backend})`, () => {
        forwardTrain(workspace, inputs, batch);
      });
      bench(`forwardTrain + backwardTrain (${backend})`, () => {
        zeroGradients(gradients);
        forwardTrain(workspace, inputs, batch);
        backwardTrain(workspace, dOutput, { gradients });
      });
    }
    bench('adamStep', () => {
      adamStep(mlp, adam, gradients);
    });
    const forwardWorkspace = createForwardFp32Workspace(mlp);
    const out = new Float32Array(batch * outputs);
    bench('forwardBatchFp32', () => {
      forwardBatchFp32(mlp, inputs, batch, { workspace: forwardWorkspace, out });
    });
    bench('forwardFp32Into, one row', () => {
      forwardFp32Into(mlp, inputs.subarray(0, 4), out, forwardWorkspace);
    });
  });
}
