import { describe, expect, test } from 'vitest';
import { InvalidSeedError } from './errors.js';
import { SeedSequence } from './seed-sequence.js';

// Oracle: numpy 2.4.6, `np.random.SeedSequence(e)`: `.pool`, `.generate_state(6)` and
// `.generate_state(3, np.uint64)`. The last seeds exercise two-word entropy and entropy longer
// than the pool (mixed in by the final loop of mix_entropy).
const NUMPY: readonly [bigint, number[], number[], string[]][] = [
  [
    0n,
    [4265667335, 1328953910, 1320288413, 3365567143],
    [2968811710, 3677149159, 745650761, 2884920346, 2642120001, 549907821],
    ['15793235383387715774', '12390638538380655177', '2361836109651742017'],
  ],
  [
    1n,
    [2704793989, 232979121, 2500767352, 1423772289],
    [1835504127, 1731038949, 1320224556, 2330041505, 321059914, 1226144109],
    ['7434755675892716031', '10007452063617845036', '5266248848659119178'],
  ],
  [
    2n ** 32n,
    [3774083058, 3704433742, 401706016, 2609690843],
    [3964924996, 1358922860, 3894904162, 2051610843, 908995353, 1006608236],
    ['5836529245451711556', '8811601478698894690', '4323349454413245209'],
  ],
  [
    2n ** 40n + 7n,
    [3471921077, 2386518146, 3093627787, 1793934184],
    [238885397, 226915041, 1322230113, 2599373530, 2212210947, 2577144891],
    ['974592680304384533', '11164224302760304993', '11068753026110695683'],
  ],
  [
    2n ** 53n - 1n,
    [1301629072, 3387832842, 2622825337, 218432523],
    [3367776697, 1170575226, 2422347966, 3181658150, 1605020015, 1122250651],
    ['5027582316545585593', '13665117703724210366', '4820029845564729711'],
  ],
  [
    2n ** 200n + 12345n,
    [1578158438, 104462638, 2959420289, 1845150323],
    [938170920, 1208035570, 2488449654, 415032310, 493279717, 1632898791],
    ['5188473266492889640', '1782550200721783414', '7013246905516218853'],
  ],
];

describe('SeedSequence', () => {
  test.each(NUMPY)('entropy %s matches numpy', (entropy, pool, state32, state64) => {
    const sequence = new SeedSequence(entropy);
    expect(Array.from(sequence.pool)).toEqual(pool);
    expect(Array.from(sequence.generateState(6))).toEqual(state32);
    expect(Array.from(sequence.generateState64(3), String)).toEqual(state64);
  });

  test('a number seed and the same bigint give the same pool', () => {
    expect(new SeedSequence(2 ** 40 + 7).pool).toEqual(new SeedSequence(2n ** 40n + 7n).pool);
  });

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -1n])(
    'rejects entropy %s with InvalidSeedError',
    (entropy) => {
      expect(() => new SeedSequence(entropy)).toThrow(InvalidSeedError);
    },
  );
});
