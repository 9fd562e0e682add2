// `quantproof run`: the whole study on built-in defaults — train, quantise every way, compare,
// verify. This command parses flags, settles what a resumed run continues with, runs the study
// pipeline (study/run-study.ts) and prints its answer.

import { join } from 'node:path';
import {
  type BracketJson,
  diagnoseVariant,
  LEAF_STATUSES,
  type PrecisionFrontJson,
  type VariantDiagnosis,
} from '@quantproof/web-report';
import { Command, Option } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { UsageError } from '../errors.js';
import { checkOutputDirectory } from '../files.js';
import { formatTable } from '../format-table.js';
import { setInterruptHint } from '../interrupt.js';
import { integerFlag, MAX_EPISODES } from '../options.js';
import type { ProgressTarget } from '../progress.js';
import { CALIBRATE_ON_CHOICES } from '../study/calibration.js';
import { type CalibrateOn, STUDY_DEFAULTS, type StudyConfig } from '../study/defaults.js';
import { ORT_VERSION } from '../study/ort-replay.js';
import { runStudy, type StudyOutcome } from '../study/run-study.js';
import { stepStore } from '../study/step-store.js';
import { bracketText, estimateText, shareText } from '../study/verification-text.js';

/** Options of the run command after parsing. */
export interface RunOptions {
  readonly seed: number;
  readonly out?: string;
  readonly json?: boolean;
  readonly episodes: number;
  readonly verifySeconds: number;
  readonly calibrateOn: CalibrateOn;
  readonly workers?: number;
  readonly resume?: string;
}

/** The flags that fix a study's results, with the config key each sets. */
const CONFIG_FLAGS: readonly { readonly key: keyof StudyConfig; readonly flag: string }[] = [
  { key: 'seed', flag: '--seed' },
  { key: 'episodes', flag: '--episodes' },
  { key: 'verifySeconds', flag: '--verify-seconds' },
  { key: 'calibrateOn', flag: '--calibrate-on' },
];

function timestamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * The config a run continues with: a new run's flags; a resumed run's saved config, where a flag
 * given on the command line must match it (flags left out are taken from the saved run).
 */
async function settleConfig(
  opts: RunOptions,
  given: (key: keyof StudyConfig) => boolean,
  saved: Partial<StudyConfig> | null,
  dir: string,
): Promise<StudyConfig> {
  const flags: StudyConfig = {
    seed: opts.seed,
    episodes: opts.episodes,
    verifySeconds: opts.verifySeconds,
    calibrateOn: opts.calibrateOn,
  };
  if (saved === null) return flags;
  // A run saved before --calibrate-on existed calibrated on visited states.
  const previous: StudyConfig = { ...flags, calibrateOn: 'visited', ...saved };
  const differing = CONFIG_FLAGS.filter(
    ({ key }) => given(key) && previous[key] !== flags[key],
  ).map(({ key, flag }) => `${flag} ${String(flags[key])} (it used ${String(previous[key])})`);
  if (differing.length > 0) {
    throw new UsageError(
      `--resume ${dir} was started with other settings: ${differing.join(', ')}; leave those flags out to continue it, or start a new run with --out`,
    );
  }
  return previous;
}

function formatBracket(b: BracketJson | null | undefined): string {
  if (b === null || b === undefined) return '—';
  const upper = b.upper === null ? '∞' : b.upper.toPrecision(4);
  return `[${b.lower.toPrecision(4)}, ${upper}]${b.certified === false ? '*' : ''}`;
}

/** The answer first: per variant the verdict sentence, the findings and the next step. */
function answerText(diagnoses: readonly VariantDiagnosis[]): string {
  return diagnoses
    .map((d) =>
      [d.sentence, ...d.findings.map((f) => `  - ${f}`), `  next step: ${d.nextStep}`].join('\n'),
    )
    .join('\n\n');
}

/** The certified mixed-precision front in a few lines (none when the run has none). */
function precisionFrontText(front: PrecisionFrontJson | undefined): string[] {
  if (front === undefined) return [];
  const full = front.points[0]?.sizeBits ?? 1;
  return [
    '',
    `certified mixed precision (the certified variant's scheme at uniform weight bit widths; δ* and the disagreeing share certified over the operating box; Pareto front marked *):`,
    formatTable({
      header: [
        'bits per layer',
        'weight bits',
        'of 8-bit',
        'δ*',
        'int8 ≠ FP32',
        `δ* ≤ ${front.targetDelta}`,
      ],
      rows: front.points.map((p, i) => [
        `[${p.bits.join(', ')}]${front.front.includes(i) ? ' *' : ''}`,
        String(p.sizeBits),
        `${((100 * p.sizeBits) / full).toFixed(1)} %`,
        formatBracket(p.flipMargin),
        bracketText(p.disagreement, 2),
        p.meetsTarget ? 'yes' : 'no',
      ]),
    }),
  ];
}

/** What `run` prints on a terminal: the answer, then the tables, then the facts. */
function studyText(outcome: StudyOutcome, config: StudyConfig, dir: string): string {
  const { training, metrics, verify, run } = outcome;
  const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
  const diagnoses = verify.variants.map((v) =>
    diagnoseVariant(v, {
      warnings: metrics.warnings[v.variant] ?? [],
      dynamic: metrics.variants.some((m) => m.name === v.variant && m.format === 'dynamic'),
      dimensions: outcome.maps.box.dimensions,
      actions: outcome.maps.actions,
    }),
  );
  const cpu = run.cpuSemantics;
  return [
    `quantproof study, seed ${config.seed}: FP32 PPO policy ${training.evaluation.mean.toFixed(1)} ± ${training.evaluation.std.toFixed(1)} after ${training.steps} steps (${training.seconds.toFixed(1)} s)`,
    '',
    answerText(diagnoses),
    '',
    `region verification over the operating box (${config.verifySeconds} s per variant; int8 ≠ FP32 = share of the box where int8's decision differs from FP32's, certified: at least the disagree volume, at most disagree + mixed + open; the sampled estimate is not a proof; δ* = largest FP32 margin at which int8 still disagrees, ε* = max |FP32 − int8| logit, * = bracket not within 1 % in the budget; counterexamples replayed in onnxruntime-node):`,
    formatTable({
      header: [
        'variant',
        'verdict',
        'int8 ≠ FP32',
        'sampled estimate',
        'agree',
        'disagree',
        'mixed',
        'open',
        'leaves',
        'δ*',
        'ε*',
        'visited margin > δ*',
        'counterexamples',
      ],
      rows: verify.variants.map((v) => [
        v.variant,
        v.verdict,
        bracketText(v.disagreement, 2),
        estimateText(v.disagreement, 2)?.replace(/^sampled estimate /, '') ?? '—',
        ...LEAF_STATUSES.map((status) => shareText(v.volume[status], 2)),
        String(v.leaves.length),
        formatBracket(v.flipMargin),
        formatBracket(v.errorBound),
        v.flipMarginCoverage === undefined ? '—' : shareText(v.flipMarginCoverage.share, 2),
        String(v.counterexamplesFound),
      ]),
    }),
    ...verify.variants.flatMap((v) =>
      v.flipMarginTheorem === undefined
        ? []
        : [
            `${v.variant} (made by counterexample-guided repair towards δ* ≤ ${v.repair?.targetDelta ?? '?'}, ${v.repair === undefined ? '' : `${v.repair.rounds.length - 1} ${v.repair.rounds.length === 2 ? 'round' : 'rounds'}, kept round ${v.repair.round}`}): ${v.flipMarginTheorem}`,
          ],
    ),
    ...precisionFrontText(verify.precisionFront),
    '',
    formatTable({
      header: [
        'variant',
        'format',
        'onnx B',
        'params B',
        'b1 p50 µs',
        'b256 p50 µs',
        'reward',
        'agree visited',
        'agree box',
        'max |Δlogit|',
      ],
      rows: metrics.variants.map((r) => [
        r.name,
        r.format,
        String(r.onnxBytes),
        String(r.parameterBytes),
        r.latencyBatch1.p50.toFixed(1),
        r.latencyBatch256.p50.toFixed(1),
        `${r.reward.mean.toFixed(1)} ± ${r.reward.std.toFixed(1)}`,
        pct(r.agreementVisited),
        pct(r.agreementBox),
        r.maxLogitDifference.toPrecision(3),
      ]),
    }),
    '',
    `agreement: greedy action equal to FP32's on ${outcome.agreementCounts.visited} visited states and ${outcome.agreementCounts.box} uniform operating-box samples; latency: onnxruntime-node, 1 thread`,
    cpu === null
      ? `int8 semantics: the executor models onnxruntime ${ORT_VERSION} with exact int32 accumulation (vnni-exact); this CPU could not be identified`
      : `int8 semantics: this CPU runs ${cpu.kernel} (${cpu.semantics}); the executor and verifier model ${cpu.modelled}${cpu.matches ? '' : ' — WARNING: they differ, results do not describe onnxruntime on this machine'}`,
    `run directory: ${dir} (models/*.onnx, metrics.json, verify.json, maps.json, run.json, report.html); ${outcome.seconds | 0} s`,
  ].join('\n');
}

/** The `run` command. */
export function runCommand(
  print: (text: string) => void,
  log: (text: string) => void,
  progressTarget: (json: boolean) => ProgressTarget,
): Command {
  return new Command('run')
    .description(COMMAND_DESCRIPTIONS.run)
    .option('--seed <n>', 'seed of the whole study', integerFlag('--seed', 0), STUDY_DEFAULTS.seed)
    .option('--out <dir>', 'run directory (default runs/<timestamp>-<seed>)')
    .option(
      '--episodes <n>',
      'greedy evaluation episodes per variant',
      integerFlag('--episodes', 1, MAX_EPISODES),
      STUDY_DEFAULTS.episodes,
    )
    .option(
      '--verify-seconds <n>',
      'time budget of the region verification of each int8 variant over the operating box',
      integerFlag('--verify-seconds', 1),
      STUDY_DEFAULTS.verifySeconds,
    )
    .addOption(
      new Option(
        '--calibrate-on <states>',
        'states that calibrate the quantisers: those the FP32 policy visits, or those plus uniform samples of the whole operating box (no input saturates inside it)',
      )
        .choices([...CALIBRATE_ON_CHOICES])
        .default('visited'),
    )
    .option(
      '--workers <n>',
      'verification worker threads, one z3 each (default: one per core)',
      integerFlag('--workers', 0, 256),
    )
    .option(
      '--resume <dir>',
      'continue a killed run in <dir> with the settings it was started with: finished steps are read back, the verification continues from its checkpoint',
    )
    .option('--json', 'print metrics.json to stdout instead of the answer and tables')
    .addHelpText(
      'after',
      '\nExamples:\n  $ quantproof run\n  $ quantproof run --seed 3 --out runs/seed3 --json > metrics.json\n  $ quantproof run --resume runs/seed3      # after the run above was killed\n  $ quantproof run --calibrate-on region    # calibrate on the whole operating box',
    )
    .action(async (opts: RunOptions, command: Command) => {
      if (opts.resume !== undefined && opts.out !== undefined && opts.resume !== opts.out) {
        throw new UsageError('give the run directory once: --resume <dir> or --out <dir>');
      }
      const resume = opts.resume !== undefined;
      const dir = opts.resume ?? opts.out ?? join('runs', `${timestamp()}-${opts.seed}`);
      // Outputs are checked before any work: a directory that cannot be written fails now.
      await checkOutputDirectory(dir, resume ? '--resume' : '--out');
      const store = stepStore(dir, resume);
      let saved: Partial<StudyConfig> | null = null;
      if (resume) {
        saved = await store.load<Partial<StudyConfig>>('config');
        if (saved === null) {
          throw new UsageError(
            `--resume ${dir} holds no run that can be continued (no .state/config.json); start one with --out ${dir}`,
          );
        }
      }
      const given = (key: keyof StudyConfig): boolean =>
        command.getOptionValueSource(key) === 'cli';
      const config = await settleConfig(opts, given, saved, dir);
      if (resume)
        log(
          `resuming ${dir} (${CONFIG_FLAGS.map(({ key, flag }) => `${flag} ${String(config[key])}`).join(' ')})`,
        );
      setInterruptHint(`continue it with: quantproof run --resume ${dir}`);
      let outcome: StudyOutcome;
      try {
        outcome = await runStudy(
          config,
          { dir, store, resume },
          {
            log,
            progress: progressTarget(opts.json === true),
            ...(opts.workers === undefined ? {} : { workers: opts.workers }),
          },
        );
      } finally {
        setInterruptHint(null);
      }
      if (opts.json === true) {
        print(JSON.stringify(outcome.metrics, null, 2));
        return;
      }
      print(studyText(outcome, config, dir));
    });
}
