// Checkpoints of a region run: the whole state after a round, as text a store keeps (the cli keeps
// it in a file, written atomically), read back only when it describes the same networks, region
// and options. This package touches no file system: the store is injected.
import { createHash } from 'node:crypto';
import { SmtVerifyOptionsError } from '../errors.js';
import type { WorkerInit } from './jobs.js';
import type { RegionDriverSnapshot } from '@quantproof/interval';
import type { LeafState } from './leaf-state.js';

/** The best point found so far for δ* or ε*. */
export interface BestPoint {
  readonly lower: number;
  readonly witness: number[] | null;
}

/** Everything needed to continue a run. */
export interface CheckpointState {
  readonly fingerprint: string;
  readonly driver: RegionDriverSnapshot<LeafState>;
  /** Counterexample inputs, replayed again on resume. */
  readonly points: readonly (readonly number[])[];
  readonly flip: BestPoint;
  readonly error: BestPoint;
  /** The δ* witness the last climb started from (a resumed run does not climb from it again). */
  readonly climbedFrom: readonly number[] | null;
  readonly smtQueries: number;
  readonly smtSeconds: number;
  readonly elapsedSeconds: number;
  readonly decidedAtSeconds: number | null;
}

/**
 * Where a region run keeps its checkpoints (injected, like the runtime replay: the cli provides a
 * file; tests may keep it in memory). `load` returns the state saved under this fingerprint, or
 * null when there is none; it throws when what it holds belongs to another run.
 */
export interface RegionCheckpointStore {
  load(fingerprint: string): Promise<CheckpointState | null>;
  save(state: CheckpointState): Promise<void>;
}

/** JSON keeps ±Infinity (the δ* and ε* bounds) as strings. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === 'NaN') return NaN;
  return value;
}

const FORMAT = 'quantproof-region-checkpoint';
const VERSION = 2;

/** A hash of everything that determines a run's answer. */
export function regionFingerprint(init: WorkerInit, extra: object): string {
  return createHash('sha256').update(JSON.stringify({ init, extra })).digest('hex');
}

/** The checkpoint as text (JSON; ±Infinity kept). */
export function encodeCheckpoint(state: CheckpointState): string {
  return JSON.stringify({ format: FORMAT, version: VERSION, state }, replacer);
}

/**
 * The state in `text` (a store's content, `where` names it in messages). Throws
 * `SmtVerifyOptionsError` when it is not a checkpoint of this version or belongs to another run
 * (other networks, region or options).
 */
export function decodeCheckpoint(
  text: string,
  fingerprint: string,
  where: string,
): CheckpointState {
  let parsed: { format?: unknown; version?: unknown; state?: CheckpointState };
  try {
    parsed = JSON.parse(text, reviver) as typeof parsed;
  } catch {
    throw new SmtVerifyOptionsError(
      `${where} is not a region checkpoint (not JSON); delete it or choose another checkpoint path`,
    );
  }
  if (parsed.format !== FORMAT || parsed.version !== VERSION || parsed.state === undefined) {
    throw new SmtVerifyOptionsError(
      `${where} is not a version ${VERSION} region checkpoint; delete it or choose another checkpoint path`,
    );
  }
  if (parsed.state.fingerprint !== fingerprint) {
    throw new SmtVerifyOptionsError(
      `${where} belongs to another run (other models, region or options); resume with the same ones, or delete it to start afresh`,
    );
  }
  return parsed.state;
}

/** A store that keeps the checkpoint in memory (tests; runs that need no file). */
export function memoryCheckpointStore(): RegionCheckpointStore & { text: string | null } {
  const store = {
    text: null as string | null,
    load: async (fingerprint: string): Promise<CheckpointState | null> =>
      store.text === null ? null : decodeCheckpoint(store.text, fingerprint, 'the checkpoint'),
    save: async (state: CheckpointState): Promise<void> => {
      store.text = encodeCheckpoint(state);
    },
  };
  return store;
}
