// Errors a caller can cause: a bad file, a graph outside what we read, a bad argument, a model that
// onnxruntime-node rejects. Each message says what was wrong and what to do about it.

/** Base class of every error this package throws for a bad model, file or argument. */
export class OnnxError extends Error {
  override readonly name: string = 'OnnxError';
}

/** The bytes are not an ONNX ModelProto (random, truncated, another format). */
export class NotAnOnnxModelError extends OnnxError {
  override readonly name: string = 'NotAnOnnxModelError';
  /** What the decoder found wrong. */
  readonly detail: string;

  constructor(detail: string, options?: ErrorOptions) {
    super(
      `not an ONNX model: ${detail}. Pass the bytes of a complete .onnx file (an onnx.ModelProto); ` +
        'if the file was copied or downloaded, check that it is not truncated.',
      options,
    );
    this.detail = detail;
  }
}

/** A node that the FP32 MLP reader cannot map onto an `Mlp` (operator, attribute or operand). */
export class UnsupportedNodeError extends OnnxError {
  override readonly name: string = 'UnsupportedNodeError';
  /** NodeProto.name ('' when the exporter left it empty). */
  readonly nodeName: string;
  /** NodeProto.op_type. */
  readonly opType: string;
  /** Why the node cannot be read. */
  readonly reason: string;

  constructor(
    node: { readonly name: string; readonly opType: string },
    reason: string,
    hint?: string,
  ) {
    super(
      `node '${node.name}' (${node.opType}) is not supported: ${reason}. ` +
        (hint ??
          'quantproof reads FP32 MLPs built from Gemm or MatMul + Add, Relu, Identity, Flatten and ' +
            'a final Softmax; re-export the network in that form.'),
    );
    this.nodeName = node.name;
    this.opType = node.opType;
    this.reason = reason;
  }
}

/** A graph-level shape the reader cannot bind: inputs, outputs, element types, tensor shapes. */
export class UnsupportedGraphError extends OnnxError {
  override readonly name: string = 'UnsupportedGraphError';
  /** What is wrong with the graph. */
  readonly reason: string;

  constructor(reason: string, hint: string) {
    super(`unsupported ONNX graph: ${reason}. ${hint}`);
    this.reason = reason;
  }
}

/** A tensor whose data lives in an external file, which this package does not read. */
export class ExternalDataError extends OnnxError {
  override readonly name: string = 'ExternalDataError';
  /** TensorProto.name of the tensor. */
  readonly tensorName: string;

  constructor(tensorName: string) {
    super(
      `tensor '${tensorName}' keeps its data in an external file, which quantproof does not read. ` +
        'Re-save the model with the weights inside the .onnx file (Python: ' +
        'onnx.save_model(onnx.load(path), out_path, save_as_external_data=False)).',
    );
    this.tensorName = tensorName;
  }
}

/** An `Mlp` that cannot be written: inconsistent sizes, no layers. */
export class InvalidMlpError extends OnnxError {
  override readonly name: string = 'InvalidMlpError';

  constructor(reason: string) {
    super(
      `cannot write this Mlp as ONNX: ${reason}. Each layer needs weight.length = outFeatures * ` +
        'inFeatures, bias.length = outFeatures and inFeatures equal to the previous outFeatures.',
    );
  }
}

/** Writer options that would produce an ambiguous or invalid graph (for example clashing names). */
export class InvalidWriteOptionsError extends OnnxError {
  override readonly name: string = 'InvalidWriteOptionsError';

  constructor(reason: string, writer = 'writeMlpOnnx') {
    super(
      `invalid options for ${writer}: ${reason}. Choose distinct, non-empty tensor names and ` +
        "metadata keys outside the 'quantproof.' namespace.",
    );
  }
}

/**
 * Quantisation parameters in an int8 model that no quantised network can have: a scale that is not
 * a positive finite float32, a zero point outside its element type, per-channel lengths that do
 * not match the channels, a bias zero point other than 0.
 */
export class InvalidQuantParamsError extends OnnxError {
  override readonly name: string = 'InvalidQuantParamsError';
  /** TensorProto.name of the offending scale or zero point. */
  readonly tensorName: string;
  /** What is wrong with it. */
  readonly reason: string;

  constructor(tensorName: string, reason: string) {
    super(
      `invalid quantisation parameter '${tensorName}': ${reason}. The file is corrupt or was ` +
        "edited by hand; re-quantise the FP32 model (onnxruntime's quantize_static / " +
        'quantize_dynamic, or @quantproof/quant) and write it again.',
    );
    this.tensorName = tensorName;
    this.reason = reason;
  }
}

/** ORT's message without its trailing full stop, to be embedded in a sentence. */
function sentence(message: string): string {
  return message.replace(/[.\s]+$/, '');
}

/** onnxruntime-node refused to create a session for the model. */
export class OrtSessionError extends OnnxError {
  override readonly name: string = 'OrtSessionError';
  /** onnxruntime-node's own message. */
  readonly ortMessage: string;

  constructor(source: string, ortMessage: string, options?: ErrorOptions) {
    super(
      `onnxruntime-node rejected the model (${source}): ${sentence(ortMessage)}. Check that the path or bytes ` +
        'hold a complete .onnx file that onnx.checker accepts, with operators of the default ' +
        'domain at an opset onnxruntime 1.30 supports.',
      options,
    );
    this.ortMessage = ortMessage;
  }
}

/** onnxruntime-node failed while running the model. */
export class OrtRunError extends OnnxError {
  override readonly name: string = 'OrtRunError';
  /** onnxruntime-node's own message. */
  readonly ortMessage: string;

  constructor(ortMessage: string, options?: ErrorOptions) {
    super(
      `onnxruntime-node failed to run the model: ${sentence(ortMessage)}. Check the input size and batch ` +
        "against the model's input shape (a model whose batch dimension is fixed at 1 must be run " +
        'one row at a time).',
      options,
    );
    this.ortMessage = ortMessage;
  }
}

/** An input to `OrtSession.run` that cannot be a [batch, features] float32 tensor. */
export class InvalidRunInputError extends OnnxError {
  override readonly name: string = 'InvalidRunInputError';

  constructor(reason: string) {
    super(
      `invalid input for OrtSession.run: ${reason}. Pass a Float32Array of batch * features ` +
        'values, rows one after another, and a positive integer batch.',
    );
  }
}

/** `run` was called on a session after `release`. */
export class SessionReleasedError extends OnnxError {
  override readonly name: string = 'SessionReleasedError';

  constructor() {
    super('this OrtSession was released. Create a new session with createOrtSession.');
  }
}
