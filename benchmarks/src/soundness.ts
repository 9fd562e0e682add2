// The soak of the differential soundness suite (packages/cli/test/soundness): random adversarial
// FP32/int8 pairs written to ONNX and read back, every box verified (verifyRegion, checkAgreement)
// on what was read, every claim checked against onnxruntime-node on both files and the FP32
// network's exact real logits, over every input-quantisation cell each box meets. The CI slice of
// the same check is packages/cli/test/soundness/soundness.diff.test.ts.
//
//   pnpm --filter @quantproof/benchmarks bench:soundness -- --networks 1000 --seconds 3600 --seed 1
//
// The suite's oracle lives with the cli's tests (it needs nothing a user installs), so this script
// runs it there: one vitest process per shard (default: one per core), each soaking networks
// shard, shard + shards, …, then sums their counts. `--network J` re-runs network J of the seed
// alone (a failure's reproduction). Exits with code 1 on any failure.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** What one shard writes (packages/cli/test/soundness/soak.ts `SoakStats`). */
interface ShardStats {
  readonly seed: number;
  readonly networks: number;
  readonly skipped: number;
  readonly refused: number;
  readonly boxes: number;
  readonly cells: number;
  readonly points: number;
  readonly exactPoints: number;
  readonly verifierCalls: number;
  readonly claims: Readonly<Record<ClaimKind, number>>;
  readonly seconds: number;
  /** The network being checked when the counts were written (a shard stopped early). */
  readonly inProgress?: number;
  readonly failures: readonly { network: number; condition: string; kind: string; text: string }[];
}

/** The claims a shard counts (packages/cli/test/soundness/check-pair.ts `ClaimCounts`). */
type ClaimKind =
  | 'consistentRegions'
  | 'inconsistentRegions'
  | 'unknownRegions'
  | 'agreeLeaves'
  | 'disagreeLeaves'
  | 'counterexamples'
  | 'flipBrackets'
  | 'errorBrackets'
  | 'agreementConsistent'
  | 'agreementInconsistent';

const CLI_DIR = fileURLToPath(new URL('../../packages/cli/', import.meta.url));
const SOAK_FILE = 'test/soundness/soundness.soak.test.ts';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer; got ${value}`);
    process.exit(2);
  }
  return n;
}

/** What a shard left: its counts (null: none written) and whether it ran past the budget. */
interface ShardResult {
  readonly stats: ShardStats | null;
  readonly overran: boolean;
}

function runShard(
  env: Record<string, string>,
  statsFile: string,
  log: string[],
  deadlineSeconds: number,
): Promise<ShardResult> {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['exec', 'vitest', 'run', SOAK_FILE, '--reporter=dot'], {
      cwd: CLI_DIR,
      env: { ...process.env, ...env, SOUNDNESS_SOAK_STATS: statsFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let overran = false;
    // A network that runs far past the budget is itself a finding (a verifier call that ignores
    // its time budget): stop the shard's process group and report the network in progress.
    const timer = setTimeout(() => {
      overran = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, deadlineSeconds * 1000);
    child.stdout.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => log.push(d.toString()));
    child.on('close', () => {
      clearTimeout(timer);
      let stats: ShardStats | null = null;
      try {
        stats = JSON.parse(readFileSync(statsFile, 'utf8')) as ShardStats;
      } catch {
        stats = null;
      }
      resolve({ stats, overran });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      networks: { type: 'string' },
      seconds: { type: 'string' },
      seed: { type: 'string' },
      shards: { type: 'string' },
      network: { type: 'string' },
    },
  });
  const networks = positiveInteger('networks', values.networks, 1000);
  const seconds = positiveInteger('seconds', values.seconds, 3600);
  const seed = positiveInteger('seed', values.seed, 1);
  const only = values.network === undefined ? null : positiveInteger('network', values.network, 0);
  const shards =
    only !== null ? 1 : positiveInteger('shards', values.shards, availableParallelism());
  console.log('## Differential soundness soak (`src/soundness.ts`)\n');
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ` +
      `1-minute load average ${loadavg()[0]!.toFixed(2)}; seed ${seed}, ` +
      (only !== null
        ? `network ${only} alone.\n`
        : `at most ${networks} networks in ${seconds} s over ${shards} shards.\n`),
  );
  const dir = mkdtempSync(join(tmpdir(), 'qp-soundness-'));
  const started = performance.now();
  const logs: string[][] = [];
  let results: ShardResult[];
  try {
    results = await Promise.all(
      Array.from({ length: shards }, (_, shard) => {
        const log: string[] = [];
        logs.push(log);
        const env: Record<string, string> = {
          SOUNDNESS_SOAK_NETWORKS: String(only !== null ? 1 : Math.ceil(networks / shards)),
          SOUNDNESS_SOAK_SECONDS: String(seconds),
          SOUNDNESS_SOAK_SEED: String(seed),
          SOUNDNESS_SOAK_SHARD: String(shard),
          SOUNDNESS_SOAK_SHARDS: String(shards),
          ...(only !== null ? { SOUNDNESS_SOAK_ONLY: String(only) } : {}),
        };
        return runShard(env, join(dir, `shard-${shard}.json`), log, seconds + 600);
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const wall = (performance.now() - started) / 1000;
  const broken = results.flatMap((r, shard) => (r.stats === null ? [shard] : []));
  for (const shard of broken) {
    console.error(`shard ${shard} wrote no counts; its output:\n${logs[shard]!.join('')}`);
  }
  const overran = results.flatMap((r, shard) =>
    r.overran ? [`shard ${shard}: network ${r.stats?.inProgress ?? '?'} ran past the budget`] : [],
  );
  const ok = results.flatMap((r) => (r.stats === null ? [] : [r.stats]));
  const sum = (key: Exclude<keyof ShardStats, 'failures' | 'claims' | 'inProgress'>): number =>
    ok.reduce((s, r) => s + r[key], 0);
  const claims = (key: ClaimKind): string =>
    ok.reduce((s, r) => s + r.claims[key], 0).toLocaleString('en-US');
  const failures = ok.flatMap((r) => r.failures);
  const byCondition = new Map<string, number>();
  for (const f of failures) byCondition.set(f.condition, (byCondition.get(f.condition) ?? 0) + 1);
  const rows: [string, string][] = [
    ['networks (pairs checked)', sum('networks').toLocaleString('en-US')],
    ['boxes', sum('boxes').toLocaleString('en-US')],
    ['input-quantisation cells enumerated', sum('cells').toLocaleString('en-US')],
    ['float32 points run through both files', sum('points').toLocaleString('en-US')],
    ['points judged in exact arithmetic', sum('exactPoints').toLocaleString('en-US')],
    ['verifier calls', sum('verifierCalls').toLocaleString('en-US')],
    [
      'region verdicts checked: consistent / inconsistent / unknown',
      `${claims('consistentRegions')} / ${claims('inconsistentRegions')} / ${claims('unknownRegions')}`,
    ],
    ['agree leaves checked', claims('agreeLeaves')],
    ['disagree leaves checked', claims('disagreeLeaves')],
    ['counterexamples replayed on both files', claims('counterexamples')],
    ['δ* / ε* brackets checked', `${claims('flipBrackets')} / ${claims('errorBrackets')}`],
    [
      'checkAgreement verdicts checked: consistent / inconsistent',
      `${claims('agreementConsistent')} / ${claims('agreementInconsistent')}`,
    ],
    ['pairs quant refused to build / the reader refused', `${sum('skipped')} / ${sum('refused')}`],
    [
      'failures',
      failures.length === 0
        ? '0'
        : `${failures.length} (${[...byCondition].map(([c, n]) => `(${c}) ${n}`).join(', ')})`,
    ],
    ['networks stopped past the budget (+600 s)', overran.length === 0 ? '0' : overran.join('; ')],
    ['wall time', `${wall.toFixed(0)} s`],
  ];
  console.log('| count | value |\n| --- | ---: |');
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
  if (failures.length > 0) {
    const kinds = new Map<string, { count: number; networks: Set<number>; first: string }>();
    for (const f of failures) {
      const k = kinds.get(f.kind) ?? { count: 0, networks: new Set<number>(), first: '' };
      if (k.count === 0) k.first = `network ${f.network}:\n${f.text}`;
      k.count++;
      k.networks.add(f.network);
      kinds.set(f.kind, k);
    }
    const sorted = [...kinds].sort((a, b) => b[1].count - a[1].count);
    console.log(`\nFailures by class (reproduce one with --seed ${seed} --network J):\n`);
    console.log('| class | failures | networks | first networks |\n| --- | ---: | ---: | --- |');
    for (const [kind, k] of sorted) {
      console.log(
        `| ${kind.replace(/\|/g, '/')} | ${k.count} | ${k.networks.size} | ${[...k.networks]
          .sort((a, b) => a - b)
          .slice(0, 8)
          .join(', ')} |`,
      );
    }
    console.log('\nThe first failure of each class:\n');
    for (const [, k] of sorted) console.log(`${k.first}\n`);
  }
  if (failures.length > 0 || broken.length > 0 || overran.length > 0) process.exitCode = 1;
}

await main();
