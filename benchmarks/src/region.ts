// Region verification of the study's five int8 variants (seed 0) over the CartPole operating box,
// the rewritten `verifyRegion` (one branch-and-bound driver in @quantproof/interval, three-way
// leaves, a certified bracket of the disagreeing share) side by side with the code before the
// rewrite (commit dde65dd), in one run on the same machine:
//
//   1. new code, 20 s (the study's budget): bracket of the disagreeing share and its width, the
//      sampled estimate, volume by status, δ* and ε*, boxes, leaves;
//   2. old code, 20 s: volume consistent / inconsistent / unknown, δ*, ε*;
//   3. new code, 120 s: bracket width, δ* and ε*, and when both were certified within 1 %;
//   4. determinism: new code with maxBoxes 2000 on 0, 1 and 2 workers, answers compared;
//   5. lines of region code at dde65dd and at HEAD.
//
//   pnpm --filter @quantproof/benchmarks bench:region        (about 20 minutes on 2 cores)
//   pnpm --filter @quantproof/benchmarks bench:region -- --run runs/<dir> --baseline /tmp/<dir>
//
// The models are the study's own: `quantproof run --seed 0 --verify-seconds 1 --episodes 5` is
// run once as a process (about 2 minutes; `--run <dir>` reuses a run directory instead) and its
// models/*.onnx are read back with readModelOnnx. The old verifier is commit dde65dd built in a
// git worktree under the OS temp dir (about 1 minute; `--baseline <dir>` reuses a built worktree,
// `--no-baseline` skips the old code); the worktree is removed at the end unless it was reused.
// Markdown tables go to stdout, progress to stderr. The verification of the new code is that of
// the working tree (the machine line says when packages/ holds uncommitted changes).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import type { Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import {
  type Bracket,
  type InputBox,
  type RegionProgress,
  type RegionResult,
  releaseZ3,
  verifyRegion,
} from '@quantproof/smt-verify';
import { log, mustRun, readModels, ROOT, run, studyRun } from './study-models.js';

/** The commit before the region rewrite. */
const BASELINE = 'dde65dd';
const WORKERS = 2;
const SHORT_SECONDS = 20;
const LONG_SECONDS = 120;
const DETERMINISM_BOXES = 2000;
const PRECISION = 0.01;

/** The region files whose lines are counted: the owners of the region verifier before the rewrite. */
const REGION_PATHS = [
  'packages/interval/src/input-splitting.ts',
  'packages/interval/src/counterexample-search.ts',
  'packages/smt-verify/src/region/*.ts',
  'packages/smt-verify/src/fp32-attack.ts',
  'packages/smt-verify/src/internal-bounds.ts',
  'packages/smt-verify/src/vnnlib-verify.ts',
];
/** …and what the rewrite added. */
const REGION_PATHS_AFTER = [...REGION_PATHS, 'packages/interval/src/region/*.ts'];

/** The part of dde65dd's `verifyRegion` this benchmark reads. */
interface OldBracket {
  readonly lower: number;
  readonly upper: number;
  readonly certified: boolean;
  readonly boxes: number;
}
interface OldRegionResult {
  readonly verdict: string;
  readonly volume: {
    readonly consistent: number;
    readonly inconsistent: number;
    readonly unknown: number;
  };
  readonly flipMargin: OldBracket | null;
  readonly errorBound: OldBracket | null;
  readonly leaves: readonly unknown[];
  readonly stats: { readonly boxes: number; readonly seconds: number };
}
interface OldSmtVerify {
  verifyRegion(
    fp32: Mlp,
    int8: QMlp,
    box: InputBox,
    options: { readonly seconds: number; readonly workers: number },
  ): Promise<OldRegionResult>;
  releaseZ3(): Promise<void>;
}

interface LongRun {
  readonly result: RegionResult;
  readonly flipAt: number | null;
  readonly errorAt: number | null;
  readonly bothAt: number | null;
}

interface Determinism {
  readonly runs: readonly {
    readonly workers: number;
    readonly result: RegionResult;
    readonly seconds: number;
  }[];
  readonly same: {
    readonly flip: boolean;
    readonly error: boolean;
    readonly disagreement: boolean;
    readonly leaves: boolean;
  };
}

interface VariantRow {
  readonly name: string;
  readonly short: RegionResult;
  readonly old: OldRegionResult | null;
  readonly long: LongRun;
  readonly determinism: Determinism;
}

function git(args: readonly string[]): string {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The old verifier: dde65dd built in a git worktree (or the one given). */
async function baseline(
  dir: string | undefined,
): Promise<{ module: OldSmtVerify; remove: () => void }> {
  let worktree = dir;
  let remove = (): void => {};
  if (worktree === undefined) {
    const parent = mkdtempSync(join(tmpdir(), 'qp-bench-region-baseline-'));
    const created = join(parent, `quantproof-${BASELINE}`);
    worktree = created;
    mustRun('git', ['worktree', 'add', '--detach', created, BASELINE], ROOT);
    remove = (): void => {
      run('git', ['worktree', 'remove', '--force', created], ROOT);
      rmSync(parent, { recursive: true, force: true });
    };
    try {
      if (!run('pnpm', ['install', '--frozen-lockfile', '--offline'], created)) {
        mustRun('pnpm', ['install', '--frozen-lockfile'], created);
      }
      mustRun('pnpm', ['--filter', '@quantproof/smt-verify...', 'build'], created);
    } catch (error) {
      remove();
      throw error;
    }
  }
  const entry = join(worktree, 'packages', 'smt-verify', 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build ${BASELINE} there first`);
  const module = (await import(pathToFileURL(entry).href)) as OldSmtVerify;
  return { module, remove };
}

const within = (b: { readonly lower: number; readonly upper: number } | null): boolean =>
  b !== null && b.upper <= (1 + PRECISION) * b.lower;

async function longRun(fp32: Mlp, int8: QMlp): Promise<LongRun> {
  let flipAt: number | null = null;
  let errorAt: number | null = null;
  let bothAt: number | null = null;
  const onProgress = (p: RegionProgress): void => {
    const flip = within(p.flipMargin);
    const error = within(p.errorBound);
    if (flip) flipAt ??= p.seconds;
    if (error) errorAt ??= p.seconds;
    if (flip && error) bothAt ??= p.seconds;
  };
  const result = await verifyRegion(fp32, int8, CARTPOLE_OPERATING_BOX, {
    seconds: LONG_SECONDS,
    workers: WORKERS,
    onProgress,
  });
  return { result, flipAt, errorAt, bothAt };
}

async function determinism(fp32: Mlp, int8: QMlp): Promise<Determinism> {
  const runs: Determinism['runs'][number][] = [];
  for (const workers of [0, 1, 2]) {
    const t0 = performance.now();
    const result = await verifyRegion(fp32, int8, CARTPOLE_OPERATING_BOX, {
      seconds: 3600,
      maxBoxes: DETERMINISM_BOXES,
      workers,
    });
    runs.push({ workers, result, seconds: (performance.now() - t0) / 1000 });
  }
  const same = (pick: (r: RegionResult) => unknown): boolean => {
    const first = JSON.stringify(pick(runs[0]!.result));
    return runs.every((r) => JSON.stringify(pick(r.result)) === first);
  };
  return {
    runs,
    same: {
      flip: same((r) => r.flipMargin),
      error: same((r) => r.errorBound),
      disagreement: same((r) => r.disagreement),
      leaves: same((r) => r.leaves),
    },
  };
}

/** Non-blank lines of the files matching `patterns` (a `*.ts` tail is a glob) at `rev`. */
function regionLines(rev: string, patterns: readonly string[]): Map<string, number> {
  const files = git(['ls-tree', '-r', '--name-only', rev, 'packages']).split('\n');
  const lines = new Map<string, number>();
  for (const pattern of patterns) {
    const glob = pattern.endsWith('/*.ts') ? pattern.slice(0, -'*.ts'.length) : null;
    for (const f of files) {
      const match =
        glob === null
          ? f === pattern
          : f.startsWith(glob) && !f.slice(glob.length).includes('/') && f.endsWith('.ts');
      if (!match || f.endsWith('.test.ts')) continue;
      const text = git(['show', `${rev}:${f}`]);
      lines.set(f, text.split('\n').filter((l) => l.trim() !== '').length);
    }
  }
  return lines;
}

// Formatting.
const pct = (f: number): string => `${(100 * f).toFixed(2)} %`;
const pp = (f: number): string => `${(100 * f).toFixed(2)} pp`;
const num = (v: number): string => (Number.isFinite(v) ? v.toPrecision(4) : String(v));
const seconds = (s: number | null): string => (s === null ? '—' : `${s.toFixed(1)} s`);
const yes = (b: boolean): string => (b ? 'yes' : '**no**');

function bracketText(
  b: { readonly lower: number; readonly upper: number; readonly certified: boolean } | null,
): string {
  if (b === null) return '— (no disagreement)';
  return `[${num(b.lower)}, ${num(b.upper)}] ${b.certified ? '✓' : '✗'}`;
}

function estimateText(e: RegionResult['disagreement']['estimate']): string {
  if (e === null) return '— (nothing mixed or open)';
  return `${pct(e.value)} (${pct(e.low)} – ${pct(e.high)})`;
}

function table(
  header: readonly string[],
  align: string,
  rows: readonly (readonly string[])[],
): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(
    `| ${align
      .split('')
      .map((a) => (a === 'r' ? '---:' : '---'))
      .join(' | ')} |`,
  );
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log('');
}

function certifiedCell(b: Bracket | OldBracket | null): string {
  return b === null ? 'n/a' : b.certified ? '✓' : '✗';
}

function print(rows: readonly VariantRow[], machine: string, withOld: boolean): void {
  console.log("## Region verification of the study's int8 variants (`src/region.ts`)\n");
  console.log(machine + '\n');

  console.log(
    `### New code, ${SHORT_SECONDS} s per variant (the study's budget), ${WORKERS} workers\n`,
  );
  console.log(
    "Disagreeing share: certified bracket [lower, upper] of the share of the box where the int8 decision differs from FP32's; estimate: sampled in the mixed and open leaves, with its 95 % interval (no proof). ✓ = bracket within 1 %.\n",
  );
  table(
    [
      'variant',
      'verdict',
      'disagreeing share',
      'width',
      'estimate (95 %)',
      'agree',
      'disagree',
      'mixed',
      'open',
      'δ*',
      'ε*',
      'boxes',
      'leaves',
    ],
    'lllrlrrrrllrr',
    rows.map((r) => {
      const s = r.short;
      return [
        r.name,
        s.verdict,
        `[${pct(s.disagreement.lower)}, ${pct(s.disagreement.upper)}]`,
        pp(s.disagreement.upper - s.disagreement.lower),
        estimateText(s.disagreement.estimate),
        pct(s.volume.agree),
        pct(s.volume.disagree),
        pct(s.volume.mixed),
        pct(s.volume.open),
        bracketText(s.flipMargin),
        bracketText(s.errorBound),
        String(s.stats.boxes),
        String(s.leaves.length),
      ];
    }),
  );

  if (withOld) {
    console.log(`### Old code (${BASELINE}), ${SHORT_SECONDS} s per variant, ${WORKERS} workers\n`);
    console.log(
      'The old verifier certifies no lower bound of the disagreeing share: what it proves is [0, inconsistent + unknown]. Boxes: leaves, δ* and ε* searches together.\n',
    );
    table(
      [
        'variant',
        'verdict',
        'consistent',
        'inconsistent',
        'unknown',
        'disagreeing share',
        'width',
        'δ*',
        'ε*',
        'boxes',
        'leaves',
      ],
      'llrrrlrllrr',
      rows.map((r) => {
        const o = r.old!;
        const upper = o.volume.inconsistent + o.volume.unknown;
        const boxes = o.stats.boxes + (o.flipMargin?.boxes ?? 0) + (o.errorBound?.boxes ?? 0);
        return [
          r.name,
          o.verdict,
          pct(o.volume.consistent),
          pct(o.volume.inconsistent),
          pct(o.volume.unknown),
          `[0, ${pct(upper)}]`,
          pp(upper),
          bracketText(o.flipMargin),
          bracketText(o.errorBound),
          String(boxes),
          String(o.leaves.length),
        ];
      }),
    );
  }

  console.log(`### New code, ${LONG_SECONDS} s per variant, ${WORKERS} workers\n`);
  console.log(
    'Certified at: the first round after which upper ≤ 1.01 · lower (`onProgress`); — = not within the budget.\n',
  );
  table(
    [
      'variant',
      'disagreeing share',
      'width',
      'δ*',
      'ε*',
      'δ* certified at',
      'ε* certified at',
      'both certified at',
      'boxes',
      'leaves',
    ],
    'llrllrrrrr',
    rows.map((r) => {
      const s = r.long.result;
      return [
        r.name,
        `[${pct(s.disagreement.lower)}, ${pct(s.disagreement.upper)}]`,
        pp(s.disagreement.upper - s.disagreement.lower),
        bracketText(s.flipMargin),
        bracketText(s.errorBound),
        seconds(r.long.flipAt),
        seconds(r.long.errorAt),
        seconds(r.long.bothAt),
        String(s.stats.boxes),
        String(s.leaves.length),
      ];
    }),
  );

  console.log('### Side by side\n');
  const oldWidth = (o: OldRegionResult | null): string =>
    o === null ? '—' : pp(o.volume.inconsistent + o.volume.unknown);
  const width = (s: RegionResult): string => pp(s.disagreement.upper - s.disagreement.lower);
  const certified = (o: Bracket | OldBracket | null | undefined): string =>
    o === undefined ? '—' : certifiedCell(o);
  table(
    [
      'variant',
      `bracket width, old ${SHORT_SECONDS} s`,
      `new ${SHORT_SECONDS} s`,
      `new ${LONG_SECONDS} s`,
      `δ* ✓ old / new ${SHORT_SECONDS} s / new ${LONG_SECONDS} s`,
      `ε* ✓ old / new ${SHORT_SECONDS} s / new ${LONG_SECONDS} s`,
    ],
    'lrrrll',
    rows.map((r) => [
      r.name,
      oldWidth(r.old),
      width(r.short),
      width(r.long.result),
      `${certified(r.old?.flipMargin)} / ${certifiedCell(r.short.flipMargin)} / ${certifiedCell(r.long.result.flipMargin)}`,
      `${certified(r.old?.errorBound)} / ${certifiedCell(r.short.errorBound)} / ${certifiedCell(r.long.result.errorBound)}`,
    ]),
  );

  console.log(`### Determinism: new code, maxBoxes ${DETERMINISM_BOXES}, workers 0, 1 and 2\n`);
  console.log('Identical = the same JSON on all three runs.\n');
  table(
    [
      'variant',
      'boxes',
      'leaves',
      'δ* identical',
      'ε* identical',
      'disagreement identical',
      'leaves identical',
      'time w0 / w1 / w2',
    ],
    'lrrlllll',
    rows.map((r) => {
      const d = r.determinism;
      const first = d.runs[0]!.result;
      return [
        r.name,
        String(first.stats.boxes),
        String(first.leaves.length),
        yes(d.same.flip),
        yes(d.same.error),
        yes(d.same.disagreement),
        yes(d.same.leaves),
        d.runs.map((x) => `${x.seconds.toFixed(1)} s`).join(' / '),
      ];
    }),
  );
}

function printLines(): void {
  const before = regionLines(BASELINE, REGION_PATHS);
  const after = regionLines('HEAD', REGION_PATHS_AFTER);
  const files = [...new Set([...before.keys(), ...after.keys()])].sort();
  console.log(`### Lines of region code (non-blank, tests excluded), ${BASELINE} → HEAD\n`);
  const cell = (m: Map<string, number>, f: string): string => String(m.get(f) ?? '—');
  const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  table(['file', BASELINE, 'HEAD'], 'lrr', [
    ...files.map((f) => [`\`${f.replace(/^packages\//, '')}\``, cell(before, f), cell(after, f)]),
    ['**total**', `**${total(before)}**`, `**${total(after)}**`],
  ]);
}

function machineLine(runDir: string | undefined): string {
  const head = git(['rev-parse', '--short', 'HEAD']).trim();
  const dirty = git(['status', '--porcelain', '--', 'packages'])
    .split('\n')
    .filter((l) => l !== '');
  const cpu = cpus();
  return [
    `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version};`,
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${loadavg()[0]!.toFixed(2)} at the start.`,
    `New code: HEAD ${head}${dirty.length === 0 ? '' : ` with ${dirty.length} uncommitted change(s) under packages/`};`,
    `old code: ${BASELINE}. Models: \`quantproof run --seed 0\`'s five int8 variants${runDir === undefined ? '' : ` (from ${runDir})`} read back with readModelOnnx;`,
    `region CARTPOLE_OPERATING_BOX; counterexamples are not replayed in onnxruntime-node here.`,
  ].join(' ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      run: { type: 'string' },
      baseline: { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
    },
  });
  const started = performance.now();
  const machine = machineLine(values.run);
  const study = studyRun(values.run);
  let old: { module: OldSmtVerify; remove: () => void } | null = null;
  const rows: VariantRow[] = [];
  try {
    const { fp32, variants } = readModels(study.dir);
    if (!values['no-baseline']) old = await baseline(values.baseline);
    for (const { name, model } of variants) {
      log(`${name}: new ${SHORT_SECONDS} s`);
      const short = await verifyRegion(fp32, model, CARTPOLE_OPERATING_BOX, {
        seconds: SHORT_SECONDS,
        workers: WORKERS,
      });
      let oldResult: OldRegionResult | null = null;
      if (old !== null) {
        log(`${name}: old ${SHORT_SECONDS} s`);
        oldResult = await old.module.verifyRegion(fp32, model, CARTPOLE_OPERATING_BOX, {
          seconds: SHORT_SECONDS,
          workers: WORKERS,
        });
      }
      log(`${name}: new ${LONG_SECONDS} s`);
      const long = await longRun(fp32, model);
      log(`${name}: determinism (maxBoxes ${DETERMINISM_BOXES}, workers 0, 1, 2)`);
      rows.push({ name, short, old: oldResult, long, determinism: await determinism(fp32, model) });
    }
    print(rows, machine, old !== null);
    printLines();
    console.log(
      `Whole benchmark: ${((performance.now() - started) / 60_000).toFixed(1)} min (study run and baseline build included), load average ${loadavg()[0]!.toFixed(2)} at the end.`,
    );
  } finally {
    await releaseZ3();
    if (old !== null) {
      await old.module.releaseZ3();
      old.remove();
    }
    if (study.temporary) rmSync(study.dir, { recursive: true, force: true });
  }
}

await main();
