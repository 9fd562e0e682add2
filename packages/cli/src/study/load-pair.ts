// The FP32/int8 pair `verify` and `check` compare: both files read, the int8 one allowed to have
// accumulators that could overflow (the verifier answers `unknown` with the reason), and their
// layer sizes checked against each other (the difference bounds compare them layer by layer).

import { mlpSizes } from '@quantproof/nn';
import { InputError } from '../errors.js';
import { type LoadedFp32, type LoadedModel, loadFp32, loadModel } from './load-model.js';

/** The pair as read, each model with its file's bytes and session level. */
export interface LoadedPair {
  readonly fp32: LoadedFp32;
  readonly int8: Extract<LoadedModel, { readonly kind: 'int8' }>;
}

/** Reads `--fp32` and `--int8`; files that are not such a pair are an `InputError` naming them. */
export async function loadVerifyPair(fp32Path: string, int8Path: string): Promise<LoadedPair> {
  const fp32File = await loadFp32(fp32Path, '--fp32');
  const loaded = await loadModel(int8Path, '--int8', { accumulatorOverflow: 'allow' });
  if (loaded.kind !== 'int8')
    throw new InputError(`--int8 ${int8Path} is an FP32 model; pass the quantised model here`);
  const int8 = loaded.model;
  const fp32Sizes = mlpSizes(fp32File.mlp);
  const int8Sizes = [int8.layers[0]!.inFeatures, ...int8.layers.map((l) => l.outFeatures)];
  if (fp32Sizes.join() !== int8Sizes.join()) {
    const [fi, fo] = [fp32Sizes[0], fp32Sizes.at(-1)];
    const [qi, qo] = [int8Sizes[0], int8Sizes.at(-1)];
    throw new InputError(
      fi !== qi || fo !== qo
        ? `the models do not fit together: --fp32 maps ${fi} inputs to ${fo} outputs, --int8 ${qi} to ${qo}`
        : `the models do not fit together: --fp32 has layer sizes [${fp32Sizes.join(', ')}], --int8 [${int8Sizes.join(', ')}]; verify compares an int8 model with the FP32 network it was quantised from, layer by layer, so pass that pair`,
    );
  }
  return { fp32: fp32File, int8: loaded };
}
