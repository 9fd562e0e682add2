// Region verification of the study's int8 variants by this tree and by an earlier build of the
// project, side by side in one run on the same machine: each variant is verified by both, one
// after the other (alternating which goes first), for the same wall-clock budget and workers; the
// table gives the certified bracket of the disagreeing share, its width, δ*, ε* and boxes.
//
//   pnpm --filter @quantproof/benchmarks bench:region-versus -- --baseline <dir> --run <dir>
//       [--variants qat,ptq-dynamic] [--seconds 120] [--workers 2]
//       [--centres "x,ẋ,θ,θ̇;…" --radius 1e-3]
//
// With `--centres`, each variant is verified on small regions instead of the operating box: around
// each centre, half-widths `radius` × the operating box's widths (local questions: does int8 keep
// FP32's decision near this state?). A row per variant and centre.
//
// `--baseline` is a checkout of the earlier commit with its packages built
// (`git worktree add --detach <dir> <commit> && cd <dir> && pnpm install --frozen-lockfile &&
// pnpm --filter @quantproof/smt-verify... build`); `--run` a study run directory whose models are
// verified (`pnpm study --out <dir>`, or bench:region's `quantproof run`). Markdown to stdout.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import type { Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import * as here from '@quantproof/smt-verify';
import { log, readModels, ROOT, VARIANTS } from './study-models.js';

/** The part of a verifier's result the table reads (the same in every version since the engine). */
interface Outcome {
  readonly verdict: string;
  readonly disagreement: { readonly lower: number; readonly upper: number };
  readonly flipMargin: { readonly lower: number; readonly upper: number } | null;
  readonly errorBound: { readonly lower: number; readonly upper: number } | null;
  readonly stats: { readonly boxes: number };
}

interface Verifier {
  verifyRegion(
    fp32: Mlp,
    int8: QMlp,
    box: typeof CARTPOLE_OPERATING_BOX,
    options: { readonly seconds: number; readonly workers: number },
  ): Promise<Outcome>;
  releaseZ3(): Promise<void>;
}

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    run: { type: 'string' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    seconds: { type: 'string', default: '120' },
    workers: { type: 'string', default: '2' },
    centres: { type: 'string' },
    radius: { type: 'string', default: '1e-3' },
  },
});
if (values.baseline === undefined || values.run === undefined) {
  process.stderr.write(
    'usage: bench:region-versus -- --baseline <built checkout> --run <study run directory> [--variants a,b] [--seconds 120] [--workers 2]\n',
  );
  process.exit(2);
}
const seconds = Number(values.seconds);
const workers = Number(values.workers);
const wanted = values.variants.split(',');
const radius = Number(values.radius);
/** The regions verified: the operating box, or one small box around each `--centres` state. */
const regions: { readonly label: string; readonly box: typeof CARTPOLE_OPERATING_BOX }[] =
  values.centres === undefined
    ? [{ label: '', box: CARTPOLE_OPERATING_BOX }]
    : values.centres.split(';').map((text) => {
        const c = text.split(',').map(Number);
        const { lower, upper } = CARTPOLE_OPERATING_BOX;
        if (c.length !== lower.length || c.some((v) => !Number.isFinite(v)) || !(radius > 0)) {
          process.stderr.write(
            `--centres takes ${lower.length} numbers per state, states separated by ';', and --radius a positive number; got "${text}", ${values.radius}\n`,
          );
          process.exit(2);
        }
        const half = (i: number): number => radius * (upper[i]! - lower[i]!);
        return {
          label: ` @ (${c.join(', ')}) ± ${radius}`,
          box: {
            ...CARTPOLE_OPERATING_BOX,
            lower: c.map((v, i) => v - half(i)),
            upper: c.map((v, i) => v + half(i)),
          },
        };
      });
const baselineDir = values.baseline;
const rev = (dir: string): string =>
  execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();

const baseline = (await import(
  pathToFileURL(join(baselineDir, 'packages/smt-verify/dist/index.js')).href
)) as Verifier;
const current = here as unknown as Verifier;
const { fp32, variants } = readModels(values.run);

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const bracket = (b: { lower: number; upper: number } | null): string =>
  b === null ? '—' : `[${b.lower.toPrecision(4)}, ${b.upper.toPrecision(4)}]`;
const rows: string[] = [];
let first = true;
for (const { name: variant, model } of variants.filter((v) => wanted.includes(v.name))) {
  for (const region of regions) {
    const name = `${variant}${region.label}`;
    const order: [string, Verifier][] = [
      ['before', baseline],
      ['now', current],
    ];
    if (!first) order.reverse();
    first = !first;
    const results = new Map<string, Outcome>();
    for (const [label, verifier] of order) {
      log(`${name}: ${label}, ${seconds} s …`);
      results.set(
        label,
        await verifier.verifyRegion(fp32, model, region.box, { seconds, workers }),
      );
    }
    for (const label of ['before', 'now']) {
      const r = results.get(label)!;
      const width = r.disagreement.upper - r.disagreement.lower;
      rows.push(
        `| ${name} | ${label} | ${r.verdict} | [${pct(r.disagreement.lower)}, ${pct(r.disagreement.upper)}] | ${(100 * width).toFixed(2)} pp | ${bracket(r.flipMargin)} | ${bracket(r.errorBound)} | ${r.stats.boxes} |`,
      );
    }
  }
}
await baseline.releaseZ3();
await current.releaseZ3();

const [load1] = loadavg();
process.stdout.write(
  [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, load average ${load1!.toFixed(2)} at the end; ${new Date().toISOString()}. Before: ${rev(baselineDir)}; now: ${rev(ROOT)}. ${seconds} s per variant and region, ${workers} workers, models from ${values.run}.`,
    '',
    '| variant | code | verdict | disagreeing share | width | δ* | ε* | boxes |',
    '| --- | --- | --- | --- | ---: | --- | --- | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
