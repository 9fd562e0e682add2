import { mlpHead, OUTPUT_HEADS } from '@quantproof/nn';
import type { Mlp } from '@quantproof/nn';
import { InvalidMlpError, InvalidWriteOptionsError } from './errors.js';
import { matrixValueInfo } from './graph-builder.js';
import { AttributeType, encodeModelProto } from './proto/onnx-schema.js';
import type { ModelProtoObject, NodeProtoObject, TensorProtoObject } from './proto/onnx-schema.js';
import { floatTensorProto } from './tensor-data.js';

/** ModelProto.producer_name of every file this package writes. */
export const PRODUCER_NAME = 'quantproof';

/** ModelProto.producer_version written by default: this package's version (a test keeps them equal). */
export const PRODUCER_VERSION = '0.0.0';

/** Opset of the default ONNX domain that written files import. */
export const WRITER_OPSET = 17;

/** ModelProto.ir_version written with `WRITER_OPSET` (IR 8 is the IR of opset 15 to 18). */
export const WRITER_IR_VERSION = 8;

/** Options of `writeMlpOnnx`. Every field is optional and has the default stated on it. */
export interface WriteMlpOptions {
  /** Name of the graph input, shape [N, inFeatures]. Default `'obs'`. */
  readonly inputName?: string;
  /** Name of the graph output, shape [N, outFeatures]. Default `'logits'`. */
  readonly outputName?: string;
  /** Symbolic name of the batch dimension. Default `'N'`. */
  readonly batchDimName?: string;
  /** ModelProto.metadata_props, written in the object's key order (values are often JSON). Default none. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** ModelProto.producer_version. Default `PRODUCER_VERSION`. */
  readonly producerVersion?: string;
}

/**
 * Writes an FP32 `Mlp` as .onnx bytes: per layer `Gemm(alpha=1, beta=1, transB=1)` on initializers
 * `layers.<i>.weight` [out, in] and `layers.<i>.bias` [out], then `Relu` where the layer has one,
 * and a final `Softmax(axis = -1)` producing the output when the model's head is `softmax`.
 */
export function writeMlpOnnx(mlp: Mlp, options: WriteMlpOptions = {}): Uint8Array {
  return encodeModelProto(mlpModelProto(mlp, options));
}

function mlpModelProto(mlp: Mlp, options: WriteMlpOptions): ModelProtoObject {
  const inputName = options.inputName ?? 'obs';
  const outputName = options.outputName ?? 'logits';
  const batchDimName = options.batchDimName ?? 'N';
  checkMlp(mlp);
  checkNames(mlp, inputName, outputName, batchDimName);

  const nodes: NodeProtoObject[] = [];
  const initializers: TensorProtoObject[] = [];
  const softmax = mlpHead(mlp) === 'softmax';
  let current = inputName;
  mlp.layers.forEach((layer, index) => {
    // With a Softmax head the last layer's logits are an internal tensor.
    const last = index === mlp.layers.length - 1 && !softmax;
    const prefix = `layers.${index}`;
    const weightName = `${prefix}.weight`;
    const biasName = `${prefix}.bias`;
    initializers.push(
      floatTensorProto(weightName, [layer.outFeatures, layer.inFeatures], layer.weight),
      floatTensorProto(biasName, [layer.outFeatures], layer.bias),
    );
    const relu = layer.activation === 'relu';
    const gemmOutput = last && !relu ? outputName : `/${prefix}/Gemm_output_0`;
    nodes.push({
      name: `/${prefix}/Gemm`,
      op_type: 'Gemm',
      input: [current, weightName, biasName],
      output: [gemmOutput],
      attribute: [
        { name: 'alpha', type: AttributeType.FLOAT, f: 1 },
        { name: 'beta', type: AttributeType.FLOAT, f: 1 },
        { name: 'transB', type: AttributeType.INT, i: 1 },
      ],
    });
    current = gemmOutput;
    if (relu) {
      const reluOutput = last ? outputName : `/${prefix}/Relu_output_0`;
      nodes.push({
        name: `/${prefix}/Relu`,
        op_type: 'Relu',
        input: [current],
        output: [reluOutput],
      });
      current = reluOutput;
    }
  });
  if (softmax) {
    nodes.push({
      name: '/Softmax',
      op_type: 'Softmax',
      input: [current],
      output: [outputName],
      attribute: [{ name: 'axis', type: AttributeType.INT, i: -1 }],
    });
  }

  const inFeatures = mlp.layers[0]?.inFeatures ?? 0;
  const outFeatures = mlp.layers[mlp.layers.length - 1]?.outFeatures ?? 0;
  return {
    ir_version: WRITER_IR_VERSION,
    opset_import: [{ domain: '', version: WRITER_OPSET }],
    producer_name: PRODUCER_NAME,
    producer_version: options.producerVersion ?? PRODUCER_VERSION,
    graph: {
      name: 'quantproof_mlp',
      node: nodes,
      initializer: initializers,
      input: [matrixValueInfo(inputName, batchDimName, inFeatures)],
      output: [matrixValueInfo(outputName, batchDimName, outFeatures)],
    },
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}

function checkMlp(mlp: Mlp): void {
  if (mlp.layers.length === 0) throw new InvalidMlpError('it has no layers');
  if (mlp.head !== undefined && !OUTPUT_HEADS.includes(mlp.head)) {
    throw new InvalidMlpError(
      `its head is ${JSON.stringify(mlp.head)}, not one of ${OUTPUT_HEADS.join(', ')}`,
    );
  }
  let previousOut: number | null = null;
  mlp.layers.forEach((layer, index) => {
    const { inFeatures, outFeatures } = layer;
    if (!Number.isSafeInteger(inFeatures) || inFeatures < 1) {
      throw new InvalidMlpError(`layer ${index} has inFeatures = ${inFeatures}`);
    }
    if (!Number.isSafeInteger(outFeatures) || outFeatures < 1) {
      throw new InvalidMlpError(`layer ${index} has outFeatures = ${outFeatures}`);
    }
    if (layer.weight.length !== inFeatures * outFeatures) {
      throw new InvalidMlpError(
        `layer ${index} is ${inFeatures} -> ${outFeatures} but its weight has ${layer.weight.length} values`,
      );
    }
    if (layer.bias.length !== outFeatures) {
      throw new InvalidMlpError(
        `layer ${index} has ${outFeatures} outputs but its bias has ${layer.bias.length} values`,
      );
    }
    if (previousOut !== null && inFeatures !== previousOut) {
      throw new InvalidMlpError(
        `layer ${index} takes ${inFeatures} inputs but layer ${index - 1} produces ${previousOut}`,
      );
    }
    previousOut = outFeatures;
  });
}

function checkNames(mlp: Mlp, inputName: string, outputName: string, batchDimName: string): void {
  if (inputName === '' || outputName === '' || batchDimName === '') {
    throw new InvalidWriteOptionsError('inputName, outputName and batchDimName must not be empty');
  }
  if (inputName === outputName) {
    throw new InvalidWriteOptionsError(`inputName and outputName are both '${inputName}'`);
  }
  const internal = /^(\/)?layers\.\d+(\.weight|\.bias|\/(Gemm|Relu)_output_0)$/;
  for (const name of [inputName, outputName]) {
    if (internal.test(name)) {
      throw new InvalidWriteOptionsError(
        `'${name}' clashes with the names of the ${mlp.layers.length} layers' tensors`,
      );
    }
  }
}
