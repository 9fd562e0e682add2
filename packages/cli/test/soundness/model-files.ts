// A generated FP32/int8 pair as the user has it: two .onnx files. The verifier gets what
// `readModelOnnx` reads from them; the ground truth is onnxruntime-node running the same bytes, in
// batches (one session per file, reused for every box of the pair).
import type { Mlp } from '@quantproof/nn';
import {
  createOrtSession,
  OnnxError,
  type OrtSession,
  readModelOnnx,
  writeMlpOnnx,
  writeQMlpOnnx,
} from '@quantproof/onnx';
import { decideOutputs, type QMlp, QuantError } from '@quantproof/quant';
import type { RuntimeReplay } from '@quantproof/smt-verify';

/** Rows per onnxruntime call (a batch of this many tiny-MLP rows takes a few milliseconds). */
const CHUNK = 65_536;

/** Outputs of both files at a batch of float32 inputs. */
export interface Evaluation {
  readonly rows: number;
  /** Outputs of each file as onnxruntime computes them (after any Softmax), row-major. */
  readonly fp32Outputs: Float32Array;
  readonly int8Outputs: Float32Array;
  /** The logits in front of the head (the outputs themselves for a `logits` head). */
  readonly fp32Logits: Float32Array;
  readonly int8Logits: Float32Array;
  /** quant's `decideOutputs` of each file's outputs. */
  readonly fp32Decisions: Int32Array;
  readonly int8Decisions: Int32Array;
}

/** The two files of a pair, what `readModelOnnx` made of them, and sessions on the bytes. */
export interface PairFiles {
  readonly fp32Bytes: Uint8Array;
  readonly int8Bytes: Uint8Array;
  /** What the user's-file path reads: the models the verifier is given. */
  readonly fp32: Mlp;
  readonly int8: QMlp;
  readonly inputs: number;
  readonly outputs: number;
  /** Runs `rows` inputs through both files (and their head-less logits). */
  evaluate(x: Float32Array, rows: number): Promise<Evaluation>;
  /** Runs the FP32 file only and decides (for boundary bisection). */
  fp32Decisions(x: Float32Array, rows: number): Promise<Int32Array>;
  /** A `RuntimeReplay` that runs the ORIGINAL bytes, one row at a time, whatever model it is given. */
  readonly replay: RuntimeReplay;
  release(): Promise<void>;
}

/** Why a pair could not be opened (a typed refusal of the writer or reader, not a soundness failure). */
export class PairRefusedError extends Error {
  override readonly name: string = 'PairRefusedError';
}

function headless<T extends { readonly head?: 'logits' | 'softmax' }>(model: T): T {
  const { head: _head, ...rest } = model;
  return rest as T;
}

async function runChunked(
  session: OrtSession,
  x: Float32Array,
  rows: number,
  outputs: number,
  rowByRow = false,
): Promise<Float32Array> {
  const inputs = x.length / rows;
  const out = new Float32Array(rows * outputs);
  const chunk = rowByRow ? 1 : CHUNK;
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    const y = await session.run(x.subarray(start * inputs, (start + n) * inputs), n);
    out.set(y, start * outputs);
  }
  return out;
}

function decisions(y: Float32Array, rows: number, outputs: number): Int32Array {
  const d = new Int32Array(rows);
  for (let r = 0; r < rows; r++) d[r] = decideOutputs(y.subarray(r * outputs, (r + 1) * outputs));
  return d;
}

/**
 * Writes both models with the onnx package's writers, reads the bytes back with `readModelOnnx`
 * and opens onnxruntime-node sessions on the bytes (default options: level `all`, one thread).
 * Throws `PairRefusedError` when the writer or reader refuses the pair with a typed error.
 */
export async function openPairFiles(fp32: Mlp, int8: QMlp): Promise<PairFiles> {
  let fp32Bytes: Uint8Array;
  let int8Bytes: Uint8Array;
  let fp32Read: Mlp;
  let int8Read: QMlp;
  try {
    fp32Bytes = writeMlpOnnx(fp32);
    int8Bytes = writeQMlpOnnx(int8);
    const a = readModelOnnx(fp32Bytes);
    const b = readModelOnnx(int8Bytes);
    if (a.kind !== 'fp32' || b.kind !== 'int8') {
      throw new Error(
        `readModelOnnx read the FP32 file as ${a.kind} and the int8 file as ${b.kind}`,
      );
    }
    fp32Read = a.mlp;
    int8Read = b.model;
  } catch (error) {
    if (error instanceof OnnxError || error instanceof QuantError) {
      throw new PairRefusedError(`${error.name}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const inputs = fp32.layers[0]!.inFeatures;
  const outputs = fp32.layers[fp32.layers.length - 1]!.outFeatures;
  const fp32Session = await createOrtSession(fp32Bytes);
  const int8Session = await createOrtSession(int8Bytes);
  // Head-less logits: the original file for a `logits` head, else the same model re-written
  // without its Softmax (only for the logits the exact margins and ε* compare with).
  const fp32LogitsSession =
    (fp32.head ?? 'logits') === 'logits'
      ? null
      : await createOrtSession(writeMlpOnnx(headless(fp32)));
  const int8LogitsSession =
    (int8.head ?? 'logits') === 'logits'
      ? null
      : await createOrtSession(writeQMlpOnnx(headless(int8)));
  // DynamicQuantizeLinear takes one scale for the whole input tensor, so a batch would quantise
  // every row with the batch's range: dynamic models run one row at a time, as a policy does.
  const rowByRow = int8.format === 'dynamic';
  const replay: RuntimeReplay = {
    name: 'onnxruntime-node',
    fp32: (_mlp, x) => fp32Session.run(Float32Array.from(x), 1),
    int8: (_model, x) => int8Session.run(Float32Array.from(x), 1),
  };
  return {
    fp32Bytes,
    int8Bytes,
    fp32: fp32Read,
    int8: int8Read,
    inputs,
    outputs,
    replay,
    async evaluate(x, rows) {
      const fp32Outputs = await runChunked(fp32Session, x, rows, outputs);
      const int8Outputs = await runChunked(int8Session, x, rows, outputs, rowByRow);
      const fp32Logits =
        fp32LogitsSession === null
          ? fp32Outputs
          : await runChunked(fp32LogitsSession, x, rows, outputs);
      const int8Logits =
        int8LogitsSession === null
          ? int8Outputs
          : await runChunked(int8LogitsSession, x, rows, outputs, rowByRow);
      return {
        rows,
        fp32Outputs,
        int8Outputs,
        fp32Logits,
        int8Logits,
        fp32Decisions: decisions(fp32Outputs, rows, outputs),
        int8Decisions: decisions(int8Outputs, rows, outputs),
      };
    },
    async fp32Decisions(x, rows) {
      return decisions(await runChunked(fp32Session, x, rows, outputs), rows, outputs);
    },
    async release() {
      for (const s of [fp32Session, int8Session, fp32LogitsSession, int8LogitsSession]) {
        if (s !== null) await s.release();
      }
    },
  };
}
