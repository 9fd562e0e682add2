// `quantproof run`: the whole study on built-in defaults — train, quantise every way, compare.

import { cpus, platform, release } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mlpFromJson, mlpToJson } from '@quantproof/nn';
import { expectedOrtLevel, writeQMlpOnnx } from '@quantproof/onnx';
import { qmlpFromJson, qmlpToJson } from '@quantproof/quant';
import { LEAF_STATUSES, REPORT_SCHEMA_VERSION, type VerifyJson } from '@quantproof/web-report';
import { Command } from 'commander';
import { writeFileAtomic } from '../files.js';
import { formatTable } from '../format-table.js';
import { UsageError } from '../errors.js';
import { integerFlag, MAX_EPISODES } from '../options.js';
import { type ProgressTarget, startProgress } from '../progress.js';
import { detectCpuSemantics, pinnedCpuSemantics } from '../study/cpu-semantics.js';
import { compareModels, type Variant, type VariantMetrics } from '../study/compare-models.js';
import { decisionMaps } from '../study/decision-maps.js';
import { quantizeModel, type QuantizeModelOptions } from '../study/quantize-model.js';
import {
  bracketText,
  estimateText,
  PROGRESS_FIELDS,
  progressFields,
  shareText,
} from '../study/verification-text.js';
import { verifyVariant, type VariantVerification } from '../study/verify-region.js';
import { stepStore } from '../study/step-store.js';
import { visitedStates } from '../study/visited-states.js';
import { boxSamples } from './eval.js';
import { writeRunReport } from './report.js';
import { runTrain, type TrainReport } from './train.js';

/** Options of the run command after parsing. */
export interface RunOptions {
  readonly seed: number;
  readonly out?: string;
  readonly json?: boolean;
  readonly episodes: number;
  readonly verifySeconds: number;
  readonly workers?: number;
  readonly resume?: string;
}

/** The int8 variants of the study: name → method and scheme. */
export const STUDY_VARIANTS: readonly {
  readonly name: string;
  readonly options: Omit<QuantizeModelOptions, 'seed'>;
}[] = [
  {
    name: 'ptq-dynamic',
    options: {
      method: 'ptq-dynamic',
      format: 'qdq',
      activations: 'int8',
      perChannel: false,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.999,
    },
  },
  {
    name: 'ptq-static-qdq',
    options: {
      method: 'ptq-static',
      format: 'qdq',
      activations: 'int8',
      perChannel: false,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.999,
    },
  },
  {
    name: 'ptq-static-qoperator',
    options: {
      method: 'ptq-static',
      format: 'qoperator',
      activations: 'uint8',
      perChannel: false,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.999,
    },
  },
  {
    name: 'qat',
    options: {
      method: 'qat',
      format: 'qdq',
      activations: 'int8',
      perChannel: false,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.999,
    },
  },
  {
    name: 'mixed',
    options: {
      method: 'mixed',
      format: 'qdq',
      activations: 'int8',
      perChannel: true,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.99,
    },
  },
];

function timestamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function formatBracket(b: VariantVerification['flipMargin']): string {
  if (b === null) return '—';
  const upper = b.upper === null ? '∞' : b.upper.toPrecision(4);
  return `[${b.lower.toPrecision(4)}, ${upper}]${b.certified ? '' : '*'}`;
}

function summary(rows: readonly VariantMetrics[]): string {
  const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
  return formatTable({
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
    rows: rows.map((r) => [
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
  });
}

/** The `run` command. */
export function runCommand(
  print: (text: string) => void,
  log: (text: string) => void,
  progressTarget: (json: boolean) => ProgressTarget,
): Command {
  return new Command('run')
    .description(
      'Run the whole study on built-in defaults: train a PPO policy, quantise it (PTQ dynamic, PTQ static QDQ and QOperator, QAT, mixed precision), and compare size, latency, reward and decision agreement.',
    )
    .option('--seed <n>', 'seed of the whole study', integerFlag('--seed', 0), 0)
    .option('--out <dir>', 'run directory (default runs/<timestamp>-<seed>)')
    .option(
      '--episodes <n>',
      'greedy evaluation episodes per variant',
      integerFlag('--episodes', 1, MAX_EPISODES),
      100,
    )
    .option(
      '--verify-seconds <n>',
      'time budget of the region verification of each int8 variant over the operating box',
      integerFlag('--verify-seconds', 1),
      20,
    )
    .option(
      '--workers <n>',
      'verification worker threads, one z3 each (default: one per core)',
      integerFlag('--workers', 0, 256),
    )
    .option(
      '--resume <dir>',
      'continue a killed run in <dir>: finished steps are read back, the verification continues from its checkpoint',
    )
    .option('--json', 'print metrics.json to stdout instead of a table')
    .addHelpText(
      'after',
      '\nExamples:\n  $ quantproof run\n  $ quantproof run --seed 3 --out runs/seed3 --json > metrics.json\n  $ quantproof run --resume runs/seed3      # after the run above was killed',
    )
    .action(async (opts: RunOptions) => {
      const started = performance.now();
      if (opts.resume !== undefined && opts.out !== undefined && opts.resume !== opts.out) {
        throw new UsageError('give the run directory once: --resume <dir> or --out <dir>');
      }
      const dir = opts.resume ?? opts.out ?? join('runs', `${timestamp()}-${opts.seed}`);
      const store = stepStore(dir, opts.resume !== undefined);
      const config = {
        seed: opts.seed,
        episodes: opts.episodes,
        verifySeconds: opts.verifySeconds,
      };
      if (opts.resume !== undefined) {
        const saved = await store.load<typeof config>('config');
        if (saved === null) {
          throw new UsageError(
            `--resume ${opts.resume} holds no run that can be continued (no .state/config.json); start one with --out ${opts.resume}`,
          );
        }
        if (JSON.stringify(saved) !== JSON.stringify(config)) {
          throw new UsageError(
            `--resume ${opts.resume} was started with ${JSON.stringify(saved)}; resume it with the same --seed, --episodes and --verify-seconds`,
          );
        }
        log(`resuming ${dir}`);
      }
      await store.save('config', config);
      const timings: Record<string, number> = {};
      const step = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
        const t0 = performance.now();
        log(`[${name}]`);
        const result = await work();
        timings[name] = (performance.now() - t0) / 1000;
        return result;
      };
      const fp32Path = join(dir, 'models', 'fp32.onnx');
      const {
        policy,
        onnx: fp32Onnx,
        report: training,
      } = await step('train', async () => {
        const saved = await store.load<{ policy: unknown; report: TrainReport }>('train');
        if (saved !== null) {
          const restored = mlpFromJson(saved.policy).mlp;
          return { policy: restored, report: saved.report, onnx: await readFile(fp32Path) };
        }
        const trained = await runTrain(
          { algo: 'ppo', seed: opts.seed, timesteps: 100_000, out: fp32Path },
          progressTarget(opts.json === true),
        );
        await store.save('train', { policy: mlpToJson(trained.policy), report: trained.report });
        return trained;
      });
      const calibration = visitedStates(policy, 20);
      const visited = visitedStates(policy, 40, 3_000_000).subarray(0, 10_000 * 4);
      const box = boxSamples(10_000, opts.seed + 1);
      const variants: Variant[] = [{ name: 'fp32', kind: 'fp32', mlp: policy, onnx: fp32Onnx }];
      const warnings: Record<string, readonly string[]> = {};
      await step('quantize', async () => {
        for (const v of STUDY_VARIANTS) {
          log(`  ${v.name}`);
          const saved = await store.load<{ model: unknown; warnings: string[]; details: unknown }>(
            `quantize-${v.name}`,
          );
          const {
            model,
            warnings: w,
            details,
          } = saved === null
            ? quantizeModel(policy, calibration, { ...v.options, seed: opts.seed })
            : { ...saved, model: qmlpFromJson(saved.model).model };
          if (saved === null) {
            await store.save(`quantize-${v.name}`, {
              model: qmlpToJson(model),
              warnings: w,
              details,
            });
          }
          const onnx = writeQMlpOnnx(model, {
            metadata: { 'source.method': v.name, 'source.details': JSON.stringify(details) },
          });
          await writeFileAtomic(join(dir, 'models', `${v.name}.onnx`), onnx);
          warnings[v.name] = w;
          variants.push({ name: v.name, kind: 'int8', model, onnx });
        }
      });
      const rows = await step('compare', async () => {
        const saved = await store.load<VariantMetrics[]>('compare');
        if (saved !== null) return saved;
        const compared = await compareModels(
          policy,
          variants,
          { visited, box, episodes: opts.episodes },
          (name) => log(`  ${name}`),
        );
        await store.save('compare', compared);
        return compared;
      });
      const verification = await step('verify', async () => {
        const results: VariantVerification[] = [];
        const cpuSemantics = await pinnedCpuSemantics();
        for (const v of variants) {
          if (v.kind !== 'int8') continue;
          log(`  ${v.name}`);
          const saved = await store.load<VariantVerification>(`verify-${v.name}`);
          // A step saved by a quantproof before schema version 2 has no disagreement: verify again.
          if (saved !== null && saved.disagreement !== undefined) {
            results.push(saved);
            continue;
          }
          const checkpoint = `verify-${v.name}.checkpoint.json`;
          const progress = startProgress(
            progressTarget(opts.json === true),
            `verify ${v.name}`,
            opts.verifySeconds,
            PROGRESS_FIELDS,
          );
          let result: VariantVerification;
          try {
            // The replay runs the files this run wrote: the study's deliverables.
            const files = {
              fp32: { path: fp32Path, bytes: fp32Onnx, level: 'all' as const },
              int8: {
                path: join(dir, 'models', `${v.name}.onnx`),
                bytes: v.onnx,
                level: expectedOrtLevel(v.model.executionPath),
              },
            };
            result = await verifyVariant(
              v.name,
              { fp32: policy, int8: v.model, files },
              {
                cpuSemantics,
                seconds: opts.verifySeconds,
                seed: opts.seed,
                checkpoint: store.path(checkpoint),
                resume: opts.resume !== undefined,
                ...(opts.workers === undefined ? {} : { workers: opts.workers }),
                onProgress: (p) => progress.update(p.seconds, progressFields(p)),
              },
            );
          } finally {
            progress.stop();
          }
          await store.save(`verify-${v.name}`, result);
          await store.discard(checkpoint);
          results.push(result);
        }
        return results;
      });
      const verifyJson: VerifyJson = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        semantics:
          'onnxruntime-node 1.30.0 CPU, vnni-exact int8 accumulation; FP32 in real and float32 arithmetic',
        variants: verification,
      };
      await writeFileAtomic(join(dir, 'verify.json'), `${JSON.stringify(verifyJson, null, 2)}\n`);
      const metrics = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        seed: opts.seed,
        variants: rows,
        warnings,
      };
      await writeFileAtomic(join(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
      // The report's decision maps and weight histograms: network evaluations a browser cannot do.
      const maps = await step('maps', () =>
        decisionMaps(
          policy,
          variants.flatMap((v) => (v.kind === 'int8' ? [{ name: v.name, model: v.model }] : [])),
        ),
      );
      await writeFileAtomic(join(dir, 'maps.json'), `${JSON.stringify(maps)}\n`);
      const cpuSemantics = await detectCpuSemantics();
      const run = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        seed: opts.seed,
        training: { ...training, history: undefined },
        versions: { node: process.version, onnxruntime: '1.30.0' },
        cpuSemantics,
        machine: {
          cpu: cpus()[0]?.model ?? 'unknown',
          cores: cpus().length,
          platform: platform(),
          release: release(),
        },
        timings: { ...timings, total: (performance.now() - started) / 1000 },
        trainingCurve: training.history,
      };
      await writeFileAtomic(join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
      await writeRunReport(dir);
      if (opts.json === true) {
        print(JSON.stringify(metrics, null, 2));
        return;
      }
      print(
        [
          `quantproof study, seed ${opts.seed}: FP32 PPO policy ${training.evaluation.mean.toFixed(1)} ± ${training.evaluation.std.toFixed(1)} after ${training.steps} steps (${training.seconds.toFixed(1)} s)`,
          '',
          summary(rows),
          '',
          `region verification over the operating box (${opts.verifySeconds} s per variant: bounds, boundary-cell search and z3 per leaf; disagreeing volume = share of the box where int8's decision differs from FP32's, certified: at least the disagree volume, at most disagree + mixed + open; the sampled estimate is not a proof; δ* = largest FP32 margin at which int8 still disagrees, ε* = max |FP32 − int8| logit, * = bracket not within 1 % in the budget; counterexamples replayed in onnxruntime-node):`,
          formatTable({
            header: [
              'variant',
              'verdict',
              'disagreeing volume',
              'sampled estimate',
              'agree',
              'disagree',
              'mixed',
              'open',
              'leaves',
              'decided at',
              'δ*',
              'ε*',
              'counterexamples',
            ],
            rows: verification.map((v) => [
              v.variant,
              v.verdict,
              bracketText(v.disagreement, 2),
              estimateText(v.disagreement, 2)?.replace(/^sampled estimate /, '') ?? '—',
              ...LEAF_STATUSES.map((status) => shareText(v.volume[status], 2)),
              String(v.leaves.length),
              v.decidedAtSeconds === null || v.volume.open > 0
                ? '—'
                : `${v.decidedAtSeconds.toFixed(1)} s`,
              formatBracket(v.flipMargin),
              formatBracket(v.errorBound),
              String(v.counterexamplesFound),
            ]),
          }),
          '',
          `agreement: greedy action equal to FP32's on ${visited.length / 4} visited states and ${box.length / 4} uniform operating-box samples; latency: onnxruntime-node, 1 thread`,
          cpuSemantics === null
            ? 'int8 semantics: the executor models onnxruntime 1.30.0 with exact int32 accumulation (vnni-exact); this CPU could not be identified'
            : `int8 semantics: this CPU runs ${cpuSemantics.kernel} (${cpuSemantics.semantics}); the executor and verifier model ${cpuSemantics.modelled}${cpuSemantics.matches ? '' : ' — WARNING: they differ, results do not describe onnxruntime on this machine'}`,
          `run directory: ${dir} (models/*.onnx, metrics.json, verify.json, maps.json, run.json, report.html); ${((performance.now() - started) / 1000) | 0} s`,
        ].join('\n'),
      );
    });
}
