// A CartPole-like teacher policy for quantisation-aware training and mixed-precision tests: a
// small MLP distilled from a hand-written linear controller, and "visited" states from a simple
// Euler simulation of the CartPole-v1 dynamics (Gymnasium's constants) under that controller with
// random action noise. Deterministic for a seed. Not the env package's bit-exact CartPole (quant
// may not depend on env); only a realistic state distribution.
import {
  adamStep,
  backwardTrain,
  createAdam,
  createMlp,
  createMlpGradients,
  createSeededRng,
  createTrainingWorkspace,
  forwardTrain,
  softmaxCrossEntropy,
  zeroGradients,
  type Mlp,
  type Rng,
} from '@quantproof/nn';

/** The hand-written controller: push right (1) when 0.1x + 0.5ẋ + 10θ + 2θ̇ > 0. */
export function controllerAction(x: number, xDot: number, theta: number, thetaDot: number): number {
  return 0.1 * x + 0.5 * xDot + 10 * theta + 2 * thetaDot > 0 ? 1 : 0;
}

/** CartPole-v1's termination box on x and θ, with a velocity range covering visited states. */
export const CARTPOLE_BOX = {
  lower: [-2.4, -3, -0.2095, -3.5],
  upper: [2.4, 3, 0.2095, 3.5],
} as const;

/**
 * `count` states visited by the controller (with probability `noise` a random action) under
 * Euler-integrated CartPole dynamics; episodes restart from U(-0.05, 0.05)^4 when |x| > 2.4 or
 * |θ| > 12° or after 500 steps.
 */
export function visitedStates(count: number, seed: number, noise = 0.25): Float32Array {
  const rng = createSeededRng(seed);
  const out = new Float32Array(count * 4);
  const reset = (): number[] => [0, 0, 0, 0].map(() => 0.1 * rng.nextFloat64() - 0.05);
  let s = reset();
  let steps = 0;
  for (let r = 0; r < count; r++) {
    out.set(s, r * 4);
    const [x, xDot, theta, thetaDot] = s as [number, number, number, number];
    const action =
      rng.nextFloat64() < noise
        ? rng.nextFloat64() < 0.5
          ? 0
          : 1
        : controllerAction(x, xDot, theta, thetaDot);
    const force = action === 1 ? 10 : -10;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + 0.05 * thetaDot * thetaDot * sin) / 1.1;
    const thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4 / 3 - (0.1 * cos * cos) / 1.1));
    const xAcc = temp - (0.05 * thetaAcc * cos) / 1.1;
    s = [x + 0.02 * xDot, xDot + 0.02 * xAcc, theta + 0.02 * thetaDot, thetaDot + 0.02 * thetaAcc];
    steps++;
    if (Math.abs(s[0]!) > 2.4 || Math.abs(s[2]!) > 0.2095 || steps >= 500) {
      s = reset();
      steps = 0;
    }
  }
  return out;
}

/** `count` states uniform in `CARTPOLE_BOX`. */
export function boxStates(count: number, rng: Rng): Float32Array {
  const out = new Float32Array(count * 4);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < 4; i++) {
      const lo = CARTPOLE_BOX.lower[i]!;
      out[r * 4 + i] = lo + (CARTPOLE_BOX.upper[i]! - lo) * rng.nextFloat64();
    }
  }
  return out;
}

/** A `sizes` policy trained by cross-entropy on the controller's actions over `inputs`. */
export function trainTeacher(
  sizes: readonly number[],
  inputs: Float32Array,
  seed: number,
  epochs = 30,
): Mlp {
  const rng = createSeededRng(seed);
  const mlp = createMlp({ sizes: [...sizes], rng });
  const rows = inputs.length / 4;
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    labels[r] = controllerAction(
      inputs[r * 4]!,
      inputs[r * 4 + 1]!,
      inputs[r * 4 + 2]!,
      inputs[r * 4 + 3]!,
    );
  }
  const batch = 128;
  const workspace = createTrainingWorkspace(mlp, batch);
  const gradients = createMlpGradients(mlp);
  const adam = createAdam(mlp, { learningRate: 3e-3 });
  const dLogits = new Float64Array(batch * 2);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start + batch <= rows; start += batch) {
      const logits = forwardTrain(
        workspace,
        inputs.subarray(start * 4, (start + batch) * 4),
        batch,
      );
      dLogits.fill(0);
      softmaxCrossEntropy(logits, labels.subarray(start, start + batch), batch, 2, {
        gradient: dLogits,
      });
      zeroGradients(gradients);
      backwardTrain(workspace, dLogits, { gradients });
      adamStep(mlp, adam, gradients);
    }
  }
  return mlp;
}
