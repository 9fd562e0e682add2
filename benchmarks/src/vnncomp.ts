// VNN-COMP 2022 rl_benchmarks (cartpole, lunarlander, dubinsrejoin) through @quantproof/smt-verify's
// verifyVnnlibProperty, one process, each instance with its competition time limit. Prints a table
// of result, expected (the competition's reported verdict) and seconds, and totals per benchmark.
// The wiring is the cli's `verifyVnnlib` (packages/cli/src/study/vnnlib.ts): onnx reads the network
// and parses the property, counterexamples are confirmed in onnxruntime-node on the original file.
// Run: pnpm --filter @quantproof/benchmarks bench:vnncomp [-- cartpole] [--cap SECONDS]
//        [--per-process] [--every K]
// (`--cap` lowers every instance's time limit to at most SECONDS, for quick runs; `--every K` runs
// every K-th instance only, for subsets while developing.)
//
// `--per-process` runs the built CLI once per instance, as VNN-COMP's harness does
// (`quantproof vnnlib --onnx … --vnnlib … --timeout T --out result.txt`), each followed by
// `node -e 0` so that start-up is measured under the same load; the verdict is the result file's
// first line, and every `sat` witness in it is replayed here in onnxruntime-node on the original
// file: it must lie in the box and meet the property, or it is counted wrong.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOrtSession, parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import {
  releaseZ3,
  type RuntimeFp32Replay,
  type VnnlibOptions,
  type VnnlibResult,
  verifyVnnlibProperty,
} from '@quantproof/smt-verify';
import { median, timeNode } from './spawn-timing.js';

/** onnxruntime-node on the original .onnx file, as the cli's `ortReplayOfOnnx`. */
function ortReplayOfOnnx(bytes: Uint8Array): RuntimeFp32Replay {
  return {
    name: 'onnxruntime-node',
    fp32: async (_mlp, input) => {
      const session = await createOrtSession(bytes);
      try {
        return await session.run(input, 1);
      } finally {
        await session.release();
      }
    },
  };
}

/** Reads the network, parses the property and decides it, as the cli's `verifyVnnlib`. */
function verifyVnnlib(
  onnxBytes: Uint8Array,
  vnnlibText: string,
  options: Omit<VnnlibOptions, 'replay'>,
): Promise<VnnlibResult> {
  const { mlp } = readMlpOnnx(onnxBytes);
  return verifyVnnlibProperty(mlp, parseVnnlib(vnnlibText), {
    ...options,
    replay: ortReplayOfOnnx(onnxBytes),
  });
}

const dir = new URL('../../packages/smt-verify/test/fixtures/vnncomp2022-rl/', import.meta.url);
const args = process.argv.slice(2).filter((a) => a !== '--');
const capAt = args.indexOf('--cap');
const cap = capAt >= 0 ? Number(args.splice(capAt, 2)[1]) : Infinity;
const everyAt = args.indexOf('--every');
const every = everyAt >= 0 ? Number(args.splice(everyAt, 2)[1]) : 1;
const perProcessAt = args.indexOf('--per-process');
const perProcess = perProcessAt >= 0;
if (perProcess) args.splice(perProcessAt, 1);
const only = args[0];
const expected = new Map(
  readFileSync(new URL('expected-results.csv', dir), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => row.split(',') as [string, string]),
);
const instances = readFileSync(new URL('instances.csv', dir), 'utf8')
  .trim()
  .split('\n')
  .map((row) => row.split(',') as [string, string, string])
  .filter(([onnx]) => only === undefined || onnx.includes(only))
  .filter((_, i) => i % every === 0);

interface Totals {
  correct: number;
  wrong: number;
  undecided: number;
  seconds: number;
  /** Per-process mode: each instance's wall seconds, and `node -e 0`'s beside it. */
  perInstance: number[];
  bareNode: number[];
  /** Per-process mode: instances whose process ran past the time limit. */
  overruns: number;
}
const totals = new Map<string, Totals>();
const models = new Map<string, Uint8Array>();
const bin = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'quantproof-vnncomp-'));

/** The VNN-COMP result file's witness, `(X_i v)`, as float32 inputs. */
function witnessInput(text: string, size: number): Float32Array {
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const match = new RegExp(`\\(X_${i} (\\S+)\\)`).exec(text);
    if (match === null) throw new Error(`the result file has no X_${i}`);
    x[i] = Number(match[1]);
  }
  return x;
}

const toNumber = (r: { numerator: bigint; denominator: bigint }): number =>
  Number(r.numerator) / Number(r.denominator);

/**
 * Replays a `sat` result file in onnxruntime-node on the original .onnx file: true when its input
 * lies in the property's box and onnxruntime's outputs meet one of the property's disjuncts.
 */
async function witnessHolds(
  bytes: Uint8Array,
  vnnlibText: string,
  result: string,
): Promise<boolean> {
  const property = parseVnnlib(vnnlibText);
  const x = witnessInput(result, property.inputSize);
  const inBox = property.lower.every(
    (b, i) => x[i]! >= b.value && x[i]! <= property.upper[i]!.value,
  );
  const session = await createOrtSession(bytes);
  let y: Float32Array;
  try {
    y = await session.run(x, 1);
  } finally {
    await session.release();
  }
  const meets = property.output.some((conjunction) =>
    conjunction.every((c) => {
      const lhs = c.terms.reduce((sum, t) => sum + toNumber(t.coefficient) * y[t.index]!, 0);
      const bound = toNumber(c.bound);
      return c.strict ? lhs < bound : lhs <= bound;
    }),
  );
  return inBox && meets;
}

console.log(
  perProcess
    ? `per process: node ${bin} vnnlib …, then node -e 0 (Node ${process.version})`
    : 'one process',
);
console.log(
  'instance'.padEnd(38),
  'result'.padEnd(8),
  'expected'.padEnd(9),
  'seconds',
  perProcess ? ' node -e 0' : '',
);
for (const [onnx, vnnlib, timeout] of instances) {
  const bytes = models.get(onnx) ?? readFileSync(new URL(onnx, dir));
  models.set(onnx, bytes);
  const benchmark = onnx.replace(/^onnx\/|\.onnx$/g, '');
  const t = totals.get(benchmark) ?? {
    correct: 0,
    wrong: 0,
    undecided: 0,
    seconds: 0,
    perInstance: [],
    bareNode: [],
    overruns: 0,
  };
  totals.set(benchmark, t);
  const limit = Math.min(Number(timeout), cap);
  const vnnlibText = readFileSync(new URL(vnnlib, dir), 'utf8');
  const want = expected.get(vnnlib) ?? 'unknown';
  const name = vnnlib.replace(/^vnnlib\/|\.vnnlib$/g, '');
  let kind: string;
  let seconds: number;
  let bare = NaN;
  let replayed = true;
  if (perProcess) {
    const out = join(scratch, 'result.txt');
    rmSync(out, { force: true });
    const run = timeNode(
      [
        bin,
        'vnnlib',
        '--onnx',
        fileURLToPath(new URL(onnx, dir)),
        '--vnnlib',
        fileURLToPath(new URL(vnnlib, dir)),
        '--timeout',
        String(limit),
        '--out',
        out,
      ],
      // The harness's hard stop: the limit plus a grace second; a later answer is no answer.
      limit + 1,
    );
    seconds = run.seconds;
    bare = timeNode(['-e', '0']).seconds;
    let text = '';
    try {
      text = readFileSync(out, 'utf8');
    } catch {
      // No result file: the process was killed or failed.
    }
    kind = text.split('\n')[0] || (run.code === null ? 'killed' : `exit ${run.code}`);
    if (run.code !== 0 && run.code !== null) process.stderr.write(`${name}: ${run.stderr}\n`);
    if (kind === 'sat') replayed = await witnessHolds(bytes, vnnlibText, text);
    if (seconds > limit) t.overruns++;
    t.perInstance.push(seconds);
    t.bareNode.push(bare);
  } else {
    const started = performance.now();
    const result = await verifyVnnlib(bytes, vnnlibText, { timeoutSeconds: limit });
    seconds = (performance.now() - started) / 1000;
    kind = result.kind;
  }
  t.seconds += seconds;
  if (kind === 'sat' || kind === 'unsat') {
    if (kind === want && replayed) t.correct++;
    else t.wrong++;
  } else t.undecided++;
  console.log(
    name.padEnd(38),
    `${kind}${replayed ? '' : ' (witness fails replay)'}`.padEnd(8),
    want.padEnd(9),
    seconds.toFixed(3),
    perProcess ? bare.toFixed(3).padStart(9) : '',
  );
}
rmSync(scratch, { recursive: true, force: true });
console.log(
  `\nbenchmark      decided correctly / total   wrong   undecided   total seconds${perProcess ? '   median s   over limit   node -e 0 total / median' : ''}`,
);
for (const [name, t] of totals) {
  const total = t.correct + t.wrong + t.undecided;
  console.log(
    name.padEnd(14),
    `${t.correct} / ${total}`.padEnd(27),
    String(t.wrong).padEnd(7),
    String(t.undecided).padEnd(11),
    t.seconds.toFixed(2).padEnd(15),
    perProcess
      ? `${median(t.perInstance).toFixed(3).padEnd(10)} ${String(t.overruns).padEnd(12)} ${t.bareNode
          .reduce((a, b) => a + b, 0)
          .toFixed(2)} / ${median(t.bareNode).toFixed(3)}`
      : '',
  );
}
await releaseZ3();
// A z3 instance abandoned at a limit may keep a WASM thread running that nothing waits for.
process.exit(0);
