import type { Mlp } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { heUniformMlp, uniformInputs } from '../test/helpers/mlp-fixtures.js';
import {
  encode,
  floatAttr,
  floatValue,
  intAttr,
  model,
  node,
  rawTensor,
  tensorAttr,
} from '../test/helpers/onnx-objects.js';
import { testRng } from '../test/helpers/prng.js';
import { referenceForwardFp32 } from '../test/helpers/reference-forward.js';
import {
  ExternalDataError,
  NotAnOnnxModelError,
  UnsupportedGraphError,
  UnsupportedNodeError,
} from './errors.js';
import { createOrtSession } from './ort-session.js';
import type { GraphProtoObject, NodeProtoObject, TensorProtoObject } from './proto/onnx-schema.js';
import { readMlpOnnx } from './read-mlp.js';
import { writeMlpOnnx } from './write-mlp.js';

const mlp = heUniformMlp([4, 8, 2], 3);
const [first, second] = [mlp.layers[0]!, mlp.layers[1]!];

/** A 4-8-2 graph like our writer's, with `edit` applied to its parts. */
function graphWith(
  edit: (parts: { nodes: NodeProtoObject[]; inits: TensorProtoObject[] }) => void = () => {},
): GraphProtoObject {
  const nodes = [
    node('Gemm', 'g0', ['obs', 'w0', 'b0'], ['h0'], [intAttr('transB', 1)]),
    node('Relu', 'r0', ['h0'], ['a0']),
    node('Gemm', 'g1', ['a0', 'w1', 'b1'], ['logits'], [intAttr('transB', 1)]),
  ];
  const inits = [
    rawTensor('w0', [8, 4], first.weight),
    rawTensor('b0', [8], first.bias),
    rawTensor('w1', [2, 8], second.weight),
    rawTensor('b1', [2], second.bias),
  ];
  edit({ nodes, inits });
  return {
    name: 'g',
    node: nodes,
    initializer: inits,
    input: [floatValue('obs', ['N', 4])],
    output: [floatValue('logits', ['N', 2])],
  };
}

function bytesOf(graph: GraphProtoObject, opset = 17): Uint8Array {
  return encode(model(graph, { opset }));
}

/** Reads `bytes` and checks that ORT computes what the reference forward of our Mlp computes. */
async function readAndCheckWithOrt(bytes: Uint8Array): Promise<Mlp> {
  const read = readMlpOnnx(bytes);
  // Errors only: ORT warns about initializers listed as inputs, which the legacy case has on purpose.
  const session = await createOrtSession(bytes, { logSeverityLevel: 3 });
  try {
    const x = uniformInputs(
      Array.from({ length: 4 }, () => [-2, 2] as const),
      64,
      5,
    );
    const ort = await session.run(x, 64);
    const reference = referenceForwardFp32(read.mlp, x, 64);
    for (let i = 0; i < ort.length; i++) {
      expect(Math.abs((ort[i] ?? NaN) - (reference[i] ?? NaN))).toBeLessThan(1e-5);
    }
  } finally {
    await session.release();
  }
  return read.mlp;
}

describe('readMlpOnnx on files that are not ONNX', () => {
  it.each([
    ['random bytes', Uint8Array.from({ length: 1000 }, testRngBytes(1))],
    ['a truncated model', writeMlpOnnx(mlp).slice(0, 300)],
    ['no bytes', new Uint8Array(0)],
    ['JSON text', new TextEncoder().encode('{"layers": [{"inFeatures": 4}]}')],
  ])('%s: NotAnOnnxModelError', (_, bytes) => {
    expect(() => readMlpOnnx(bytes)).toThrow(NotAnOnnxModelError);
    expect(() => readMlpOnnx(bytes)).toThrow(/not an ONNX model: .*not truncated/);
  });
});

function testRngBytes(seed: number): () => number {
  const rng = testRng(seed);
  return () => Math.floor(rng.next() * 256);
}

describe('readMlpOnnx on graphs it reads', () => {
  it('reads our 4-8-2 layout back', () => {
    expect(readMlpOnnx(bytesOf(graphWith())).mlp).toEqual(mlp);
  });

  it('reads Gemm with transB = 0 by transposing B, as ORT computes it', async () => {
    const transposed = new Float32Array(32);
    for (let j = 0; j < 8; j++)
      for (let i = 0; i < 4; i++) transposed[i * 8 + j] = first.weight[j * 4 + i]!;
    const graph = graphWith(({ nodes, inits }) => {
      nodes[0] = node('Gemm', 'g0', ['obs', 'w0', 'b0'], ['h0'], [intAttr('transB', 0)]);
      inits[0] = rawTensor('w0', [4, 8], transposed);
    });
    expect(await readAndCheckWithOrt(bytesOf(graph))).toEqual(mlp);
  });

  it('reads a Gemm without C as a zero bias, and a scalar C as a broadcast bias', async () => {
    const graph = graphWith(({ nodes, inits }) => {
      nodes[0] = node('Gemm', 'g0', ['obs', 'w0'], ['h0'], [intAttr('transB', 1)]);
      inits.splice(1, 1);
      inits[2] = rawTensor('b1', [], Float32Array.of(0.25));
    });
    const read = await readAndCheckWithOrt(bytesOf(graph));
    expect(read.layers[0]?.bias).toEqual(new Float32Array(8));
    expect(read.layers[1]?.bias).toEqual(Float32Array.of(0.25, 0.25));
  });

  it('reads legacy files: initializers listed as inputs, weights in Constant nodes, opset 11', async () => {
    const graph = graphWith(({ nodes, inits }) => {
      const w1 = inits.splice(2, 1)[0]!;
      nodes.unshift(node('Constant', 'c1', [], ['w1'], [tensorAttr('value', w1)]));
    });
    const legacy = {
      ...graph,
      input: [
        ...(graph.input ?? []),
        ...(graph.initializer ?? []).map((t) => floatValue(t.name ?? '', t.dims ?? [])),
      ],
    };
    expect(await readAndCheckWithOrt(encode(model(legacy, { opset: 11, irVersion: 6 })))).toEqual(
      mlp,
    );
  });

  it('reads a trailing Identity and a Relu repeated as no-ops', () => {
    const graph = graphWith(({ nodes }) => {
      nodes[2] = node('Gemm', 'g1', ['a0', 'w1', 'b1'], ['y'], [intAttr('transB', 1)]);
      nodes.splice(2, 0, node('Relu', 'r0b', ['a0'], ['a0b']));
      nodes[3] = node('Gemm', 'g1', ['a0b', 'w1', 'b1'], ['y'], [intAttr('transB', 1)]);
      nodes.push(node('Identity', 'id', ['y'], ['logits']));
    });
    const read = readMlpOnnx(bytesOf(graph));
    expect(read.mlp).toEqual(mlp);
    expect(read.notes).toEqual([expect.stringContaining("'r0b' (Relu) repeats a Relu")]);
  });
});

/** ORT's outputs of `bytes` on 64 inputs in [-2, 2]^4, batch 64. */
async function ortOutputs(bytes: Uint8Array): Promise<Float32Array> {
  const session = await createOrtSession(bytes);
  try {
    const box = Array.from({ length: 4 }, () => [-2, 2] as const);
    return await session.run(uniformInputs(box, 64, 9), 64);
  } finally {
    await session.release();
  }
}

describe('readMlpOnnx on a final Softmax', () => {
  it.each<[string, number, ReturnType<typeof intAttr>[]]>([
    ['opset 17, default axis (-1)', 17, []],
    ['opset 17, axis 1', 17, [intAttr('axis', 1)]],
    ['opset 11, default axis (1)', 11, []],
    ['opset 11, axis -1', 11, [intAttr('axis', -1)]],
  ])(
    '%s: reads it as the softmax head; re-written, ORT outputs the same bits',
    async (_, opset, axis) => {
      const graph = graphWith(({ nodes }) => {
        nodes[2] = node('Gemm', 'g1', ['a0', 'w1', 'b1'], ['y'], [intAttr('transB', 1)]);
        nodes.push(node('Softmax', 's', ['y'], ['logits'], axis));
      });
      const bytes = bytesOf(graph, opset);
      const read = readMlpOnnx(bytes);
      expect(read.mlp).toEqual({ ...mlp, head: 'softmax' });
      expect(read.notes).toEqual([]);
      const original = await ortOutputs(bytes);
      const rewritten = await ortOutputs(writeMlpOnnx(read.mlp));
      expect(new Uint32Array(rewritten.buffer)).toEqual(new Uint32Array(original.buffer));
      // The outputs are probabilities: each row sums to about 1.
      for (let r = 0; r < 64; r++) {
        expect(Math.abs(original[2 * r]! + original[2 * r + 1]! - 1)).toBeLessThan(1e-6);
      }
    },
  );
});

describe('readMlpOnnx on graphs it refuses', () => {
  it.each(['Sigmoid', 'Tanh', 'Conv'])(
    'an unsupported %s: UnsupportedNodeError naming the node',
    (opType) => {
      const graph = graphWith(({ nodes }) => {
        nodes[1] = node(opType, `/1/${opType}`, ['h0'], ['a0']);
      });
      const read = (): unknown => readMlpOnnx(bytesOf(graph));
      expect(read).toThrow(UnsupportedNodeError);
      expect(read).toThrow(`node '/1/${opType}' (${opType}) is not supported`);
      try {
        read();
      } catch (error) {
        expect(error).toMatchObject({ nodeName: `/1/${opType}`, opType });
      }
    },
  );

  it('an operator of another domain: UnsupportedNodeError', () => {
    const graph = graphWith(({ nodes }) => {
      nodes[1] = { ...node('FusedGemm', 'f', ['h0'], ['a0']), domain: 'com.microsoft' };
    });
    expect(() => readMlpOnnx(bytesOf(graph))).toThrow(/'f' \(FusedGemm\).*domain 'com.microsoft'/);
  });

  it.each([
    ['alpha = 0.5', [floatAttr('alpha', 0.5), intAttr('transB', 1)], /alpha = 0.5, beta = 1/],
    ['beta = 2', [floatAttr('beta', 2), intAttr('transB', 1)], /alpha = 1, beta = 2/],
    ['transA = 1', [intAttr('transA', 1), intAttr('transB', 1)], /transA = 1/],
  ])('a Gemm with %s: UnsupportedNodeError', (_, attributes, message) => {
    const graph = graphWith(({ nodes }) => {
      nodes[0] = node('Gemm', 'g0', ['obs', 'w0', 'b0'], ['h0'], attributes);
    });
    expect(() => readMlpOnnx(bytesOf(graph))).toThrow(UnsupportedNodeError);
    expect(() => readMlpOnnx(bytesOf(graph))).toThrow(message);
  });

  it('weights in external data: ExternalDataError naming the tensor', () => {
    const graph = graphWith(({ inits }) => {
      inits[2] = {
        name: 'w1',
        dims: [2, 8],
        data_type: 1,
        data_location: 1,
        external_data: [{ key: 'location', value: 'weights.bin' }],
      };
    });
    expect(() => readMlpOnnx(bytesOf(graph))).toThrow(ExternalDataError);
    expect(() => readMlpOnnx(bytesOf(graph))).toThrow(
      /tensor 'w1' keeps its data in an external file/,
    );
  });

  it.each<[string, (g: GraphProtoObject) => GraphProtoObject, RegExp]>([
    [
      'an input with 5 features for a 4-input layer',
      (g) => ({ ...g, input: [floatValue('obs', ['N', 5])] }),
      /layer 0 takes 4 features but the input 'obs' has 5/,
    ],
    [
      'an output declared with 3 features',
      (g) => ({ ...g, output: [floatValue('logits', ['N', 3])] }),
      /'logits' declares 3 features but the last layer has 2/,
    ],
    [
      'a 3-D input',
      (g) => ({ ...g, input: [floatValue('obs', ['N', 1, 4])] }),
      /input 'obs' has shape \[N, 1, 4\], not \[batch, features\]/,
    ],
    [
      'two inputs',
      (g) => ({ ...g, input: [floatValue('obs', ['N', 4]), floatValue('mask', ['N', 2])] }),
      /2 input\(s\) \('obs', 'mask'\)/,
    ],
    [
      'a float64 input',
      (g) => ({ ...g, input: [{ name: 'obs', type: { tensor_type: { elem_type: 11 } } }] }),
      /element type 11/,
    ],
    [
      'no linear layer',
      (g) => ({ ...g, node: [node('Identity', 'i', ['obs'], ['logits'])] }),
      /no Gemm or MatMul/,
    ],
  ])('%s: UnsupportedGraphError', (_, edit, message) => {
    const bytes = bytesOf(edit(graphWith()));
    expect(() => readMlpOnnx(bytes)).toThrow(UnsupportedGraphError);
    expect(() => readMlpOnnx(bytes)).toThrow(message);
  });

  it.each<
    [string, (parts: { nodes: NodeProtoObject[]; inits: TensorProtoObject[] }) => void, RegExp]
  >([
    [
      'a bias of the wrong length',
      ({ inits }) => void (inits[1] = rawTensor('b0', [7], new Float32Array(7))),
      /bias 'b0' has shape \[7\]/,
    ],
    [
      'a Softmax before the end',
      ({ nodes }) => void (nodes[1] = node('Softmax', 's', ['h0'], ['a0'])),
      /Softmax is read only as the last node/,
    ],
    [
      'a Softmax over the batch',
      ({ nodes }) => {
        nodes[2] = node('Gemm', 'g1', ['a0', 'w1', 'b1'], ['y'], [intAttr('transB', 1)]);
        nodes.push(node('Softmax', 's', ['y'], ['logits'], [intAttr('axis', 0)]));
      },
      /axis = 0 normalises over the batch/,
    ],
    [
      'a Flatten with axis 0',
      ({ nodes }) =>
        void nodes.unshift(node('Flatten', 'fl', ['obs'], ['obs2'], [intAttr('axis', 0)])),
      /axis = 0 mixes/,
    ],
    [
      'a Relu on the input',
      ({ nodes }) => void nodes.unshift(node('Relu', 'r', ['obs'], ['obs_r'])),
      /Relu is read only after a Gemm/,
    ],
    [
      'a side branch',
      ({ nodes }) => void nodes.splice(1, 0, node('Shape', 'sh', ['obs'], ['s'])),
      /'sh' \(Shape\).*does not take 'h0'/,
    ],
    [
      'a weight that is a graph input',
      ({ inits }) => void inits.splice(0, 1),
      /weight B 'w0' is not an initializer or Constant/,
    ],
    [
      'raw_data of the wrong length',
      ({ inits }) => void (inits[0] = { ...rawTensor('w0', [8, 4], first.weight), dims: [8, 5] }),
      /declares dims \[8, 5\] \(40 float32 values\) but its raw_data holds 128 bytes/,
    ],
  ])('%s: UnsupportedNodeError or UnsupportedGraphError', (_, edit, message) => {
    const bytes = bytesOf(graphWith(edit));
    expect(() => readMlpOnnx(bytes)).toThrow(message);
  });
});
