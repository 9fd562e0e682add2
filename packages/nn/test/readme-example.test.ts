import { expect, it } from 'vitest';
import * as nn from '../src/index.js';

// The example of README.md, verbatim between the markers: change both together.
it('runs the README example', () => {
  // README example start
  const mlp = nn.createMlp({ sizes: [4, 64, 64, 2], rng: nn.createSeededRng(42) });
  const x = Float32Array.of(0.01, -0.2, 0.03, 0.4);
  const workspace = nn.createTrainingWorkspace(mlp, 1);
  const gradients = nn.createMlpGradients(mlp);
  const adam = nn.createAdam(mlp, { learningRate: 1e-3 });
  for (let step = 0; step < 100; step++) {
    nn.zeroGradients(gradients);
    const logits = nn.forwardTrain(workspace, x, 1); // bitwise equal to forwardFp32(mlp, x)
    const dLogits = new Float64Array(2);
    nn.softmaxCrossEntropy(logits, [1], 1, 2, { gradient: dLogits }); // teach: action 1
    nn.backwardTrain(workspace, dLogits, { gradients });
    nn.adamStep(mlp, adam, gradients);
  }
  const [left, right] = nn.forwardFp32(mlp, x); // right > left
  const saved = JSON.stringify(nn.mlpToJson(mlp, { note: 'demo' }));
  const restored = nn.mlpFromJson(JSON.parse(saved)).mlp; // same bits
  // README example end

  expect(right!).toBeGreaterThan(left!);
  expect(nn.forwardFp32(restored, x)).toEqual(nn.forwardFp32(mlp, x));
});
