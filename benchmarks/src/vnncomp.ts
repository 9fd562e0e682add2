// VNN-COMP 2022 rl_benchmarks (cartpole, lunarlander, dubinsrejoin) through @quantproof/smt-verify's
// verifyVnnlibProperty, one process, each instance with its competition time limit. Prints a table
// of result, expected (the competition's reported verdict) and seconds, and totals per benchmark.
// The wiring is the cli's `verifyVnnlib` (packages/cli/src/study/vnnlib.ts): onnx reads the network
// and parses the property, counterexamples are confirmed in onnxruntime-node on the original file.
// Run: pnpm --filter @quantproof/benchmarks bench:vnncomp [-- cartpole] [--cap SECONDS]
// (`--cap` lowers every instance's time limit to at most SECONDS, for quick runs.)
import { readFileSync } from 'node:fs';
import { createOrtSession, parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import {
  releaseZ3,
  type RuntimeFp32Replay,
  type VnnlibOptions,
  type VnnlibResult,
  verifyVnnlibProperty,
} from '@quantproof/smt-verify';

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
  .filter(([onnx]) => only === undefined || onnx.includes(only));

interface Totals {
  correct: number;
  wrong: number;
  undecided: number;
  seconds: number;
}
const totals = new Map<string, Totals>();
const models = new Map<string, Uint8Array>();
console.log('instance'.padEnd(38), 'result'.padEnd(8), 'expected'.padEnd(9), 'seconds');
for (const [onnx, vnnlib, timeout] of instances) {
  const bytes = models.get(onnx) ?? readFileSync(new URL(onnx, dir));
  models.set(onnx, bytes);
  const benchmark = onnx.replace(/^onnx\/|\.onnx$/g, '');
  const t = totals.get(benchmark) ?? { correct: 0, wrong: 0, undecided: 0, seconds: 0 };
  totals.set(benchmark, t);
  const started = performance.now();
  const result = await verifyVnnlib(bytes, readFileSync(new URL(vnnlib, dir), 'utf8'), {
    timeoutSeconds: Math.min(Number(timeout), cap),
  });
  const seconds = (performance.now() - started) / 1000;
  const want = expected.get(vnnlib) ?? 'unknown';
  t.seconds += seconds;
  if (result.kind === 'sat' || result.kind === 'unsat') {
    if (result.kind === want) t.correct++;
    else t.wrong++;
  } else t.undecided++;
  const name = vnnlib.replace(/^vnnlib\/|\.vnnlib$/g, '');
  console.log(name.padEnd(38), result.kind.padEnd(8), want.padEnd(9), seconds.toFixed(3));
}
console.log('\nbenchmark      decided correctly / total   wrong   undecided   total seconds');
for (const [name, t] of totals) {
  const total = t.correct + t.wrong + t.undecided;
  console.log(
    name.padEnd(14),
    `${t.correct} / ${total}`.padEnd(27),
    String(t.wrong).padEnd(7),
    String(t.undecided).padEnd(11),
    t.seconds.toFixed(2),
  );
}
await releaseZ3();
