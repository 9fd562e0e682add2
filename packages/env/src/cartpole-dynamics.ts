// CartPole-v1's physics, the single owner of the dynamics: Gymnasium 1.4.0's
// gymnasium/envs/classic_control/cartpole.py `step`, operation for operation in float64.

import { libmCos, libmSin } from './internal/libm-trig.js';

/** How the state is integrated: Gymnasium's 'euler' (the default) or 'semi-implicit-euler'. */
export type CartPoleIntegrator = 'euler' | 'semi-implicit-euler';

/** CartPole-v1's physical constants and limits, as Gymnasium defines them. */
export interface CartPoleConstants {
  /** Gravitational acceleration (m/s^2). */
  readonly gravity: number;
  /** Mass of the cart (kg). */
  readonly massCart: number;
  /** Mass of the pole (kg). */
  readonly massPole: number;
  /** massPole + massCart, computed in float64. */
  readonly totalMass: number;
  /** Half the pole's length (m); Gymnasium's `length`. */
  readonly length: number;
  /** massPole * length, computed in float64. */
  readonly poleMassLength: number;
  /** Magnitude of the force an action applies (N). */
  readonly forceMag: number;
  /** Seconds between state updates. */
  readonly tau: number;
  /** |theta| beyond which the episode terminates: 12 * 2 * pi / 360 rad. */
  readonly thetaThresholdRadians: number;
  /** |x| beyond which the episode terminates (m). */
  readonly xThreshold: number;
  /** TimeLimit of CartPole-v1: an episode is truncated after this many steps. */
  readonly maxEpisodeSteps: number;
}

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
const FOUR_THIRDS = 4.0 / 3.0;
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;

/** CartPole-v1's constants (Gymnasium 1.4.0). */
export const CARTPOLE_CONSTANTS: CartPoleConstants = Object.freeze({
  gravity: GRAVITY,
  massCart: MASS_CART,
  massPole: MASS_POLE,
  totalMass: TOTAL_MASS,
  length: LENGTH,
  poleMassLength: POLE_MASS_LENGTH,
  forceMag: FORCE_MAG,
  tau: TAU,
  thetaThresholdRadians: THETA_THRESHOLD,
  xThreshold: X_THRESHOLD,
  maxEpisodeSteps: 500,
});

/** Gymnasium's termination test on a float64 state: a strict threshold crossing of x or theta. */
export function isTerminalState(x: number, theta: number): boolean {
  return x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
}

/**
 * Advances the float64 state [x, x_dot, theta, theta_dot] at state[offset..offset+3] by one step
 * under action 0 (push left) or 1 (push right), in place; returns whether the new state is
 * terminal. The action is not validated here.
 */
export function stepCartPoleState(
  state: Float64Array,
  offset: number,
  action: number,
  semiImplicit: boolean,
): boolean {
  let x = state[offset] as number;
  let xDot = state[offset + 1] as number;
  let theta = state[offset + 2] as number;
  let thetaDot = state[offset + 3] as number;
  const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
  const cosTheta = libmCos(theta);
  const sinTheta = libmSin(theta);
  const temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
  const thetaAcc =
    (GRAVITY * sinTheta - cosTheta * temp) /
    (LENGTH * (FOUR_THIRDS - (MASS_POLE * (cosTheta * cosTheta)) / TOTAL_MASS));
  const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
  if (semiImplicit) {
    xDot = xDot + TAU * xAcc;
    x = x + TAU * xDot;
    thetaDot = thetaDot + TAU * thetaAcc;
    theta = theta + TAU * thetaDot;
  } else {
    x = x + TAU * xDot;
    xDot = xDot + TAU * xAcc;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaAcc;
  }
  state[offset] = x;
  state[offset + 1] = xDot;
  state[offset + 2] = theta;
  state[offset + 3] = thetaDot;
  return isTerminalState(x, theta);
}
