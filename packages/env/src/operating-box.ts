// The region of CartPole's observation space that later packages verify policies over, and the
// observation bounds Gymnasium declares.

import { CARTPOLE_CONSTANTS } from './cartpole-dynamics.js';

/** An axis-aligned box over the observation [x, x_dot, theta, theta_dot]. */
export interface ObservationBox {
  /** Names of the observation components, in order. */
  readonly dimensions: readonly string[];
  /** Lower bound of each component. */
  readonly lower: readonly number[];
  /** Upper bound of each component. */
  readonly upper: readonly number[];
}

const DIMENSIONS = Object.freeze(['x', 'x_dot', 'theta', 'theta_dot']);

/**
 * The operating box: x in [-2.4, 2.4] and theta in [-0.2095, 0.2095] (the termination thresholds,
 * theta rounded outward), x_dot and theta_dot in [-4, 4], which cover with margin every
 * non-terminal state of the controllers measured in the README (max |x_dot| 3.52, |theta_dot| 3.57).
 */
export const CARTPOLE_OPERATING_BOX: ObservationBox = Object.freeze({
  dimensions: DIMENSIONS,
  lower: Object.freeze([-2.4, -4, -0.2095, -4]),
  upper: Object.freeze([2.4, 4, 0.2095, 4]),
});

/**
 * Gymnasium 1.4.0's declared observation space (float32): high = [4.8, inf, 24 degrees in rad, inf]
 * and low = -high. (Gymnasium before 1.0 declared float32 max where 1.x declares infinity.)
 */
export const CARTPOLE_OBSERVATION_SPACE: ObservationBox = Object.freeze({
  dimensions: DIMENSIONS,
  lower: Object.freeze([
    Math.fround(-CARTPOLE_CONSTANTS.xThreshold * 2),
    Number.NEGATIVE_INFINITY,
    Math.fround(-CARTPOLE_CONSTANTS.thetaThresholdRadians * 2),
    Number.NEGATIVE_INFINITY,
  ]),
  upper: Object.freeze([
    Math.fround(CARTPOLE_CONSTANTS.xThreshold * 2),
    Number.POSITIVE_INFINITY,
    Math.fround(CARTPOLE_CONSTANTS.thetaThresholdRadians * 2),
    Number.POSITIVE_INFINITY,
  ]),
});
