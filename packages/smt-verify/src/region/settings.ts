// The decision settings of a region run, from its options: one function, so that a coordinator and
// a queue worker on another machine derive the same settings (and fingerprint) from the same flags.
import type { CpuSemantics, QMlp } from '@quantproof/quant';
import { int8ExactlyEncoded } from '../disagreement-query.js';
import { SmtVerifyOptionsError } from '../errors.js';
import type { DecisionSettings } from './evaluate.js';

/** `value` when it is a number ≥ `min`, else the typed options error naming `name`. */
export function positive(name: string, value: number, min: number): number {
  if (!(value >= min) || Number.isNaN(value)) {
    throw new SmtVerifyOptionsError(`${name} must be a number ≥ ${min}; got ${value}`);
  }
  return value;
}

/** The options that decide how a leaf is evaluated (a subset of `RegionOptions`, same defaults). */
export interface DecisionOptions {
  readonly tieTolerance?: number;
  readonly cpuSemantics?: CpuSemantics;
  readonly smtTimeoutSeconds?: number;
  readonly cellLimit?: number;
  readonly smtCellLimit?: number;
  readonly smtUnstableLimit?: number;
  readonly samples?: number;
  readonly margins?: boolean;
  readonly marginPrecision?: number;
}

/** The settings every leaf evaluation of a run shares, with `RegionOptions`' defaults. */
export function decisionSettings(int8: QMlp, options: DecisionOptions): DecisionSettings {
  const cpu: CpuSemantics = options.cpuSemantics ?? 'vnni-exact';
  const precision = positive('marginPrecision', options.marginPrecision ?? 0.01, 0);
  return {
    tieToleranceFloor: positive('tieTolerance', options.tieTolerance ?? 0, 0),
    cpu,
    cellLimit: positive('cellLimit', options.cellLimit ?? 16, 0),
    smtCellLimit: positive('smtCellLimit', options.smtCellLimit ?? 16, 0),
    smtUnstableLimit: positive('smtUnstableLimit', options.smtUnstableLimit ?? 12, 0),
    smtTimeoutSeconds: positive('smtTimeoutSeconds', options.smtTimeoutSeconds ?? 1, 0.001),
    samples: Math.floor(positive('samples', options.samples ?? 16, 0)),
    margins: options.margins !== false && int8ExactlyEncoded(int8, cpu),
    precision,
  };
}
