// The soak of the differential soundness suite: the CI slice's check on many more pairs, for a
// number of networks or seconds, with counts of everything it looked at. Network j of seed K is
// always the same pair (`soakPair`), so a failure is reproduced by its seed and index alone.
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { checkPair, type CheckOptions, type ClaimCounts, noClaims } from './check-pair.js';
import {
  buildPair,
  FOCI,
  type GeneratorOptions,
  pairSpec,
  type PairSpec,
  type SoundnessPair,
} from './generators.js';
import { type Condition, failureKind, formatFailure } from './failures.js';

/** What to soak. */
export interface SoakOptions {
  /** Networks (pairs) to check at most. */
  readonly networks: number;
  /** Wall-clock budget in seconds (the network in progress finishes). */
  readonly seconds: number;
  readonly seed: number;
  /** Check networks `shard`, `shard + shards`, … only (parallel processes). Default 0 of 1. */
  readonly shard?: number;
  readonly shards?: number;
  /** Check this one network only (a reproduction). */
  readonly only?: number;
  readonly generator: GeneratorOptions;
  readonly check: CheckOptions;
  /** Called before every network (its index) with the counts so far. */
  readonly onNetwork?: (stats: SoakStats, next: number) => void;
}

/** One failure of the soak, with how to reproduce it. */
export interface SoakFailure {
  readonly network: number;
  readonly condition: Condition;
  /** Its class (`failureKind`): failures of one class are one bug, usually. */
  readonly kind: string;
  readonly text: string;
  readonly spec: PairSpec;
}

/** Counts of a soak. */
export interface SoakStats {
  readonly seed: number;
  networks: number;
  /** Pairs quant refused to build (a typed refusal of the scheme), not counted as networks. */
  skipped: number;
  /** Pairs the writer or reader refused (typed), not counted as networks. */
  refused: number;
  boxes: number;
  cells: number;
  points: number;
  exactPoints: number;
  verifierCalls: number;
  /** The claims checked, by kind. */
  readonly claims: ClaimCounts;
  seconds: number;
  readonly failures: SoakFailure[];
}

/** The spec of network `index` of soak seed `seed` (its focus rotates through every focus). */
export function soakSpec(seed: number, index: number, generator: GeneratorOptions): PairSpec {
  const focus = FOCI[index % FOCI.length]!;
  const [spec] = fc.sample(pairSpec(generator, focus), {
    seed: (seed * 1_000_003 + index) | 0,
    numRuns: 1,
  });
  return spec!;
}

/** Network `index` of soak seed `seed`, or null when quant refuses its scheme. */
export function soakPair(
  seed: number,
  index: number,
  generator: GeneratorOptions,
): { spec: PairSpec; pair: SoundnessPair | null } {
  const spec = soakSpec(seed, index, generator);
  return { spec, pair: buildPair(spec, generator) };
}

/** Runs the soak; returns its counts and every failure. */
export async function runSoak(options: SoakOptions): Promise<SoakStats> {
  const started = performance.now();
  const stats: SoakStats = {
    seed: options.seed,
    networks: 0,
    skipped: 0,
    refused: 0,
    boxes: 0,
    cells: 0,
    points: 0,
    exactPoints: 0,
    verifierCalls: 0,
    claims: noClaims(),
    seconds: 0,
    failures: [],
  };
  const shard = options.shard ?? 0;
  const shards = options.shards ?? 1;
  const indices =
    options.only === undefined
      ? (function* (): Generator<number> {
          for (let j = shard; ; j += shards) yield j;
        })()
      : [options.only][Symbol.iterator]();
  for (const index of indices) {
    if (stats.networks >= options.networks) break;
    if ((performance.now() - started) / 1000 >= options.seconds) break;
    options.onNetwork?.(stats, index);
    const { spec, pair } = soakPair(options.seed, index, options.generator);
    if (pair === null) {
      stats.skipped++;
      continue;
    }
    const report = await checkPair(pair, { ...options.check, seed: options.seed + index });
    if (report.refused !== null) {
      stats.refused++;
      continue;
    }
    stats.networks++;
    stats.boxes += report.boxes;
    stats.cells += report.cells;
    stats.points += report.points;
    stats.exactPoints += report.exactPoints;
    stats.verifierCalls += report.verifierCalls;
    for (const key of Object.keys(stats.claims) as (keyof ClaimCounts)[]) {
      stats.claims[key] += report.claims[key];
    }
    for (const f of report.failures) {
      stats.failures.push({
        network: index,
        condition: f.condition,
        kind: failureKind(f),
        text: formatFailure(f),
        spec,
      });
    }
    stats.seconds = (performance.now() - started) / 1000;
  }
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

/** The soak's pairs: larger boxes and more of them than the CI slice. */
export const SOAK_GENERATOR: GeneratorOptions = {
  maxCellsPerDimension: 48,
  boxesPerPair: { min: 2, max: 4 },
};

/** The soak's budgets. */
export const SOAK_CHECK: CheckOptions = {
  seconds: 2,
  maxBoxes: 48,
  smtTimeoutSeconds: 0.5,
  agreementCells: 16,
  exactBudget: 600,
  pointChecks: 4,
  randomPerCell: 3,
  gridPerDimension: 32,
  bisections: 512,
  completeLimit: 4096,
  seed: 0,
};
