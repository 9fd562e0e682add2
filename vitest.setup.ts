import fc from 'fast-check';

// Property tests are seeded: FC_SEED fixes the seed (CI sets it), and every failure prints the
// seed and path that reproduce it. FC_NUM_RUNS scales the number of runs.
const seed = Number(process.env['FC_SEED'] ?? 20261125);
const numRuns = Number(process.env['FC_NUM_RUNS'] ?? 100);
fc.configureGlobal({ seed, numRuns, verbose: 1 });
