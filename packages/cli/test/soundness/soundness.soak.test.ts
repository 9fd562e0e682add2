// The soak's entry point. `bench:soundness` (benchmarks/src/soundness.ts) runs this file in one
// process per core with SOUNDNESS_SOAK_* set and sums what they write to SOUNDNESS_SOAK_STATS.
// Without SOUNDNESS_SOAK_NETWORKS it is a smoke test of the soak itself: two networks, counted.
import { writeFileSync } from 'node:fs';
import { releaseZ3 } from '@quantproof/smt-verify';
import { afterAll, expect, it } from 'vitest';
import { runSoak, SOAK_CHECK, SOAK_GENERATOR } from './soak.js';

afterAll(releaseZ3);

const env = (name: string): number | undefined => {
  const v = process.env[`SOUNDNESS_SOAK_${name}`];
  return v === undefined || v === '' ? undefined : Number(v);
};

const networks = env('NETWORKS');
const seconds = env('SECONDS') ?? 3600;
const soak = networks !== undefined;

it(
  soak ? 'soak: every claim holds on both files' : 'the soak counts what it checks',
  async () => {
    const only = env('ONLY');
    const file = process.env['SOUNDNESS_SOAK_STATS'];
    const stats = await runSoak({
      networks: networks ?? 2,
      seconds,
      seed: env('SEED') ?? Number(process.env['FC_SEED'] ?? 1),
      shard: env('SHARD') ?? 0,
      shards: env('SHARDS') ?? 1,
      ...(only === undefined ? {} : { only }),
      generator: SOAK_GENERATOR,
      check: SOAK_CHECK,
      // The counts so far after every network, and the network in progress: a soak stopped early
      // (or one network that takes too long) still says what it did.
      onNetwork: (so, next) => {
        if (file !== undefined) writeFileSync(file, JSON.stringify({ ...so, inProgress: next }));
      },
    });
    if (file !== undefined) writeFileSync(file, JSON.stringify(stats));
    if (soak) {
      expect(stats.failures.map((f) => `network ${f.network}: ${f.text}`)).toEqual([]);
    } else {
      expect(stats.networks).toBe(2);
      expect(stats.boxes).toBeGreaterThanOrEqual(4);
      expect(stats.points).toBeGreaterThan(0);
      expect(stats.verifierCalls).toBeGreaterThanOrEqual(stats.boxes);
    }
  },
  (seconds + 600) * 1000,
);
