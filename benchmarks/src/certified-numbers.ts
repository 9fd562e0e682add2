// The issue's numbers for the study's `certified` variant, read from a run directory that
// `pnpm study` wrote: the theorem's coverage of visited states, sampled box agreement, ONNX size
// against FP32, greedy reward, and the study's wall time. Usage:
//   pnpm --filter @quantproof/benchmarks bench:certified -- <run directory> [wall seconds of pnpm study]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Metrics {
  readonly variants: readonly {
    readonly name: string;
    readonly onnxBytes: number;
    readonly agreementBox: number;
    readonly agreementVisited: number;
    readonly format: string;
    readonly reward: { readonly mean: number; readonly std: number; readonly episodes: number };
  }[];
}

interface Verify {
  readonly variants: readonly {
    readonly variant: string;
    readonly verdict: string;
    readonly flipMargin?: { readonly lower: number; readonly upper: number | null } | null;
    readonly errorBound?: { readonly lower: number; readonly upper: number | null } | null;
    readonly disagreement: { readonly lower: number; readonly upper: number };
    readonly flipMarginCoverage?: { readonly share: number; readonly states: number };
    readonly flipMarginTheorem?: string;
    readonly inputFloor?: { readonly flipMargin: number; readonly coverage: number };
    readonly repair?: {
      readonly targetDelta: number;
      readonly kind: string;
      readonly round: number;
      readonly rounds: readonly {
        readonly round: number;
        readonly flipMargin: { readonly lower: number; readonly upper: number | null } | null;
        readonly errorBound: { readonly lower: number; readonly upper: number | null } | null;
        readonly disagreement: { readonly lower: number; readonly upper: number };
        readonly boxes: number;
        readonly seconds: number;
      }[];
    };
  }[];
}

// pnpm passes a leading `--` through to the script: it separates nothing here.
const args = process.argv.slice(2).filter((a) => a !== '--');
const dir = args[0];
if (dir === undefined) {
  process.stderr.write('usage: node dist/certified-numbers.js <run directory> [wall seconds]\n');
  process.exit(2);
}
const wall = args[1] === undefined ? null : Number(args[1]);
const read = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
const metrics = read<Metrics>('metrics.json');
const verify = read<Verify>('verify.json');
const run = read<{ readonly timings: Readonly<Record<string, number>> }>('run.json');
const fp32 = metrics.variants.find((v) => v.name === 'fp32')!;
const row = metrics.variants.find((v) => v.name === 'certified')!;
const v = verify.variants.find((x) => x.variant === 'certified')!;
const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const bracket = (b: { lower: number; upper: number | null } | null | undefined): string =>
  b === null || b === undefined
    ? '—'
    : `[${b.lower.toPrecision(4)}, ${b.upper === null ? '∞' : b.upper.toPrecision(4)}]`;
const ok = (pass: boolean): string => (pass ? 'met' : 'NOT met');
const coverage = v.flipMarginCoverage?.share ?? 0;
const size = row.onnxBytes / fp32.onnxBytes;
const lines = [
  `theorem: ${v.flipMarginTheorem ?? '—'}`,
  '',
  '| number | target | measured | |',
  '| --- | --- | --- | --- |',
  `| visited states the theorem covers (FP32 margin > δ*'s upper end) | ≥ 99 % | ${pct(coverage)} of ${v.flipMarginCoverage?.states ?? 0} | ${ok(coverage >= 0.99)} |`,
  `| sampled operating-box agreement | ≥ 99.9 % | ${pct(row.agreementBox)} | ${ok(row.agreementBox >= 0.999)} |`,
  `| ONNX size against FP32 | ≤ 50 % | ${row.onnxBytes} / ${fp32.onnxBytes} B = ${pct(size)} | ${ok(size <= 0.5)} |`,
  `| greedy reward, ${row.reward.episodes} episodes | ≥ 475 | ${row.reward.mean.toFixed(1)} ± ${row.reward.std.toFixed(1)} | ${ok(row.reward.mean >= 475)} |`,
  `| study wall time (run.json total${wall === null ? '' : '; pnpm study as a whole'}) | ≤ 180 s | ${run.timings['total']!.toFixed(0)} s${wall === null ? '' : `; ${wall.toFixed(0)} s`} | ${ok((wall ?? run.timings['total']!) <= 180)} |`,
  '',
  v.inputFloor === undefined
    ? row.format === 'qdq+fp32'
      ? `no input quantisation floor: the certified variant keeps its first layer in float32, so its input is not quantised; its agreement with FP32 on the visited states (${pct(row.agreementVisited)}) bounds the coverage of any δ* theorem about it`
      : 'input quantisation floor: not recorded'
    : `input quantisation floor: every int8 model with the certified variant's input cells has δ* ≥ ${v.inputFloor.flipMargin.toPrecision(4)}, so the theorem can cover at most ${pct(v.inputFloor.coverage)} of the visited states without a finer input quantisation`,
  '',
  `verification of the certified variant: ${v.verdict}, δ* ∈ ${bracket(v.flipMargin)}, ε* ∈ ${bracket(v.errorBound)}, disagreeing share [${pct(v.disagreement.lower)}, ${pct(v.disagreement.upper)}]; agreement on visited states ${pct(row.agreementVisited)}`,
  '',
  `repair towards δ* ≤ ${v.repair?.targetDelta ?? '—'} (${v.repair?.kind ?? '—'}, kept round ${v.repair?.round ?? '—'}):`,
  '',
  '| round | δ* | ε* | disagreeing share | boxes | s |',
  '| ---: | --- | --- | --- | ---: | ---: |',
  ...(v.repair?.rounds ?? []).map(
    (r) =>
      `| ${r.round} | ${bracket(r.flipMargin)} | ${bracket(r.errorBound)} | [${pct(r.disagreement.lower)}, ${pct(r.disagreement.upper)}] | ${r.boxes} | ${r.seconds.toFixed(1)} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
