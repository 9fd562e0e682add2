// SeedSequence, PCG64 and numpy's Generator against numpy 2.4.6's check values (seed 42) and the
// reset draws Gymnasium made for every golden episode.

import { describe, expect, test } from 'vitest';
import { NpRandom } from '../src/np-random.js';
import { Pcg64 } from '../src/pcg64.js';
import { SeedSequence } from '../src/seed-sequence.js';
import { f64Hex } from './support/float-bits.js';
import { GOLDEN, GOLDEN_EPISODES } from './support/golden.js';

const check = GOLDEN.rng_check;

describe('SeedSequence(42)', () => {
  const sequence = new SeedSequence(check.seed);

  test('mixes the entropy pool like numpy', () => {
    expect(Array.from(sequence.pool)).toEqual(check.seedsequence_pool);
  });

  test('generate_state(4, uint32) matches numpy', () => {
    expect(Array.from(sequence.generateState(4))).toEqual(
      check.seedsequence_generate_state_4xuint32,
    );
  });

  test('generate_state(2, uint64) matches numpy', () => {
    const words = sequence.generateState64(2);
    const uint32 = sequence.generateState(4);
    // JSON holds these uint64 values as doubles: compare through the same rounding, and check the
    // exact words against the uint32 draw they are made of.
    expect(Array.from(words, (w) => Number(w))).toEqual(check.seedsequence_generate_state_2xuint64);
    expect(words[0]).toBe((BigInt(uint32[1] as number) << 32n) | BigInt(uint32[0] as number));
    expect(words[1]).toBe((BigInt(uint32[3] as number) << 32n) | BigInt(uint32[2] as number));
  });
});

describe('PCG64(SeedSequence(42))', () => {
  test('is seeded with numpy’s state and increment', () => {
    const { state, inc } = Pcg64.fromSeed(check.seed).state;
    expect(state).toBe(BigInt(check.pcg64_initial_state.state));
    expect(inc).toBe(BigInt(check.pcg64_initial_state.inc));
    expect(`0x${state.toString(16)}`).toBe(check.pcg64_initial_state.state_hex);
    expect(`0x${inc.toString(16)}`).toBe(check.pcg64_initial_state.inc_hex);
  });

  test('random_raw gives numpy’s first 20 outputs', () => {
    const generator = Pcg64.fromSeed(check.seed);
    const raw = Array.from({ length: 20 }, () => generator.nextUint64());
    expect(raw.map(String)).toEqual(check.pcg64_random_raw_20);
    expect(raw.map((r) => `0x${r.toString(16).padStart(16, '0')}`)).toEqual(
      check.pcg64_random_raw_20_hex,
    );
  });

  test('Generator.random() gives numpy’s first 20 doubles bit for bit', () => {
    const generator = NpRandom.fromSeed(check.seed);
    const doubles = Array.from({ length: 20 }, () => f64Hex(generator.random()));
    expect(doubles).toEqual(check.generator_random_20_hex);
  });

  test('random() is (raw >> 11) * 2^-53 of the same draw', () => {
    const raw = Pcg64.fromSeed(check.seed);
    const doubles = Pcg64.fromSeed(check.seed);
    for (let i = 0; i < 1000; i++) {
      expect(doubles.nextDouble()).toBe(Number(raw.nextUint64() >> 11n) * 2 ** -53);
    }
  });
});

describe('the reset draws of every golden episode', () => {
  test.each(GOLDEN_EPISODES.map((e) => [e.seed, e.policy, e] as const))(
    'seed %i (%s): the first four next_double() are Gymnasium’s',
    (seed, _policy, episode) => {
      const generator = NpRandom.fromSeed(seed);
      const draws = Array.from({ length: 4 }, () => f64Hex(generator.random()));
      expect(draws).toEqual(episode.reset_next_double_4_hex);
    },
  );
});
