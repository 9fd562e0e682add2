import type * as OnnxRuntime from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

type OrtModule = typeof OnnxRuntime;
let ortModule: Promise<OrtModule> | null = null;

/** onnxruntime-node, loaded on the first session: reading or writing .onnx files never loads it. */
function ort(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node');
  return ortModule;
}
import {
  InvalidRunInputError,
  OrtRunError,
  OrtSessionError,
  SessionReleasedError,
  UnsupportedGraphError,
} from './errors.js';

/** onnxruntime's graph optimisation levels (ORT_DISABLE_ALL … ORT_ENABLE_ALL). */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Options of `createOrtSession`. Every field is optional and has the default stated on it. */
export interface OrtSessionOptions {
  /** Graph optimisations applied when the session is created. Default `'all'` (ORT's default). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Threads of the intra-op pool. Default 1: deterministic, and fastest for tiny MLPs. */
  readonly intraOpNumThreads?: number;
  /** Where ORT saves the graph it actually runs, after optimisation. Default: not saved. */
  readonly optimizedModelFilePath?: string;
  /** Least severe ORT log message printed: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal. Default 2. */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** A CPU onnxruntime-node session over a model with one float32 input and one float32 output. */
export interface OrtSession {
  /** Name of the model's input. */
  readonly inputName: string;
  /** Name of the model's output. */
  readonly outputName: string;
  /** Feature count of the input when the model fixes it, else null (taken from each call). */
  readonly inputFeatures: number | null;
  /** Runs `batch` rows stored one after another in `input`; resolves to the output rows likewise. */
  run(input: Float32Array, batch: number): Promise<Float32Array>;
  /** Frees the native session; later `run` calls throw `SessionReleasedError`. */
  release(): Promise<void>;
}

/** Creates a CPU onnxruntime-node session from .onnx bytes or a file path. */
export async function createOrtSession(
  model: Uint8Array | string,
  options: OrtSessionOptions = {},
): Promise<OrtSession> {
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    intraOpNumThreads: options.intraOpNumThreads ?? 1,
    logSeverityLevel: options.logSeverityLevel ?? 2,
    ...(options.optimizedModelFilePath === undefined
      ? {}
      : { optimizedModelFilePath: options.optimizedModelFilePath }),
  };
  const source = typeof model === 'string' ? `file '${model}'` : `${model.length} bytes`;
  const { InferenceSession, Tensor } = await ort();
  let session: InferenceSession;
  try {
    session =
      typeof model === 'string'
        ? await InferenceSession.create(model, sessionOptions)
        : await InferenceSession.create(model, sessionOptions);
  } catch (error) {
    throw new OrtSessionError(source, messageOf(error), { cause: error });
  }
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  if (
    session.inputNames.length !== 1 ||
    session.outputNames.length !== 1 ||
    inputName === undefined ||
    outputName === undefined
  ) {
    await session.release();
    throw new UnsupportedGraphError(
      `the model (${source}) has ${session.inputNames.length} inputs and ` +
        `${session.outputNames.length} outputs`,
      'OrtSession runs models with one float32 input [batch, features] and one output.',
    );
  }
  return new CpuOrtSession(session, Tensor, inputName, outputName, fixedFeatures(session));
}

function fixedFeatures(session: InferenceSession): number | null {
  const meta = session.inputMetadata[0];
  if (meta === undefined || !meta.isTensor) return null;
  const features = meta.shape[1];
  return meta.shape.length === 2 && typeof features === 'number' && features > 0 ? features : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class CpuOrtSession implements OrtSession {
  readonly inputName: string;
  readonly outputName: string;
  readonly inputFeatures: number | null;
  private session: InferenceSession | null;
  private readonly tensor: OrtModule['Tensor'];

  constructor(
    session: InferenceSession,
    tensor: OrtModule['Tensor'],
    inputName: string,
    outputName: string,
    inputFeatures: number | null,
  ) {
    this.session = session;
    this.tensor = tensor;
    this.inputName = inputName;
    this.outputName = outputName;
    this.inputFeatures = inputFeatures;
  }

  async run(input: Float32Array, batch: number): Promise<Float32Array> {
    const session = this.session;
    if (session === null) throw new SessionReleasedError();
    if (!Number.isSafeInteger(batch) || batch < 1) {
      throw new InvalidRunInputError(`batch = ${batch} is not a positive integer`);
    }
    if (input.length % batch !== 0 || input.length === 0) {
      throw new InvalidRunInputError(
        `${input.length} values do not split into ${batch} non-empty rows`,
      );
    }
    const features = input.length / batch;
    if (this.inputFeatures !== null && features !== this.inputFeatures) {
      throw new InvalidRunInputError(
        `${input.length} values in ${batch} rows give ${features} features per row, but the ` +
          `model's input '${this.inputName}' has ${this.inputFeatures}`,
      );
    }
    let result: InferenceSession.ReturnType;
    try {
      const feed: Tensor = new this.tensor('float32', input, [batch, features]);
      result = await session.run({ [this.inputName]: feed });
    } catch (error) {
      throw new OrtRunError(messageOf(error), { cause: error });
    }
    const output = result[this.outputName];
    if (output === undefined || !(output.data instanceof Float32Array)) {
      throw new OrtRunError(`output '${this.outputName}' is not a float32 tensor`);
    }
    return output.data;
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session !== null) await session.release();
  }
}
