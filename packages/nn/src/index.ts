export type { Activation, DenseLayer, Mlp } from './mlp.js';
export { mlpInputSize, mlpOutputSize } from './mlp.js';
