// The study's defaults, named: every number `quantproof run` uses that a flag does not set.

/** What `quantproof run` uses where no flag says otherwise. */
export const STUDY_DEFAULTS: {
  /** Seed of the whole study. */
  readonly seed: number;
  /** Greedy evaluation episodes per variant. */
  readonly episodes: number;
  /** Time budget of the region verification of each int8 variant, in seconds. */
  readonly verifySeconds: number;
  /** PPO step budget (training stops earlier once a greedy evaluation reaches 500). */
  readonly trainingTimesteps: number;
  /** Greedy FP32 episodes whose states calibrate the quantisers. */
  readonly calibrationEpisodes: number;
  /** Greedy FP32 episodes whose states measure agreement (disjoint seeds from the calibration's). */
  readonly agreementEpisodes: number;
  /** First reset seed of the agreement episodes. */
  readonly agreementSeedBase: number;
  /** Visited states kept for agreement and SQNR. */
  readonly agreementStates: number;
  /** Uniform operating-box samples for agreement. */
  readonly boxSamples: number;
  /** Uniform operating-box samples added to the calibration states with `--calibrate-on region`. */
  readonly regionCalibrationSamples: number;
} = {
  seed: 0,
  episodes: 100,
  verifySeconds: 20,
  trainingTimesteps: 100_000,
  calibrationEpisodes: 20,
  agreementEpisodes: 40,
  agreementSeedBase: 3_000_000,
  agreementStates: 10_000,
  boxSamples: 10_000,
  regionCalibrationSamples: 10_000,
};

/** Which states calibrate the quantisers: those the FP32 policy visits, or those plus the region. */
export type CalibrateOn = 'visited' | 'region';

/** The settings that fix a study's results: a resumed run continues with the same ones. */
export interface StudyConfig {
  readonly seed: number;
  readonly episodes: number;
  readonly verifySeconds: number;
  readonly calibrateOn: CalibrateOn;
}
