// Start-up of the built `quantproof` command against `node -e 0`, in the same run, interleaved
// round by round so that both see the same load on this shared machine.
// Run: pnpm --filter @quantproof/benchmarks bench:startup [-- --rounds N]
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median, timeNode } from './spawn-timing.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 20;
const bin = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const fixtures = fileURLToPath(
  new URL('../../packages/smt-verify/test/fixtures/vnncomp2022-rl/', import.meta.url),
);

const cases: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'quantproof --help', args: [bin, '--help'] },
  { name: 'quantproof vnnlib --help', args: [bin, 'vnnlib', '--help'] },
  {
    name: 'quantproof vnnlib cartpole_case_unsafe_0',
    args: [
      bin,
      'vnnlib',
      '--onnx',
      `${fixtures}onnx/cartpole.onnx`,
      '--vnnlib',
      `${fixtures}vnnlib/cartpole_case_unsafe_0.vnnlib`,
    ],
  },
];

const seconds = cases.map((): number[] => []);
const load = loadavg()[0]!;
for (let round = 0; round < rounds; round++) {
  cases.forEach((c, i) => {
    const run = timeNode(c.args);
    if (run.code !== 0) throw new Error(`${c.name} exited ${run.code}: ${run.stderr}`);
    seconds[i]!.push(run.seconds);
  });
}
const anchor = median(seconds[0]!);
console.log(
  `${rounds} interleaved rounds; Node ${process.version}; ${cpus()[0]?.model ?? '?'} × ${cpus().length}; load average ${load.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
);
console.log('command'.padEnd(42), 'median s'.padStart(9), 'min s'.padStart(7), '× node -e 0');
cases.forEach((c, i) => {
  const m = median(seconds[i]!);
  console.log(
    c.name.padEnd(42),
    m.toFixed(3).padStart(9),
    Math.min(...seconds[i]!)
      .toFixed(3)
      .padStart(7),
    (m / anchor).toFixed(2).padStart(11),
  );
});
