// Checkpoints of a region run: the whole state after a round, written atomically (temporary file,
// fsync, rename), and read back only when it describes the same networks, region and options.
import { createHash } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
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

/** Writes the state to `path` atomically. */
export async function writeCheckpoint(path: string, state: CheckpointState): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify({ format: FORMAT, version: VERSION, state }, replacer));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * The saved state at `path`, or null when there is none. Throws `SmtVerifyOptionsError` when the
 * file belongs to another run (other networks, region or options) or is not a checkpoint.
 */
export async function readCheckpoint(
  path: string,
  fingerprint: string,
): Promise<CheckpointState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: { format?: unknown; version?: unknown; state?: CheckpointState };
  try {
    parsed = JSON.parse(text, reviver) as typeof parsed;
  } catch {
    throw new SmtVerifyOptionsError(
      `${path} is not a region checkpoint (not JSON); delete it or choose another checkpoint path`,
    );
  }
  if (parsed.format !== FORMAT || parsed.version !== VERSION || parsed.state === undefined) {
    throw new SmtVerifyOptionsError(
      `${path} is not a version ${VERSION} region checkpoint; delete it or choose another checkpoint path`,
    );
  }
  if (parsed.state.fingerprint !== fingerprint) {
    throw new SmtVerifyOptionsError(
      `${path} belongs to another run (other models, region or options); resume with the same ones, or delete it to start afresh`,
    );
  }
  return parsed.state;
}

/** A store that keeps the checkpoint in one file, written atomically. */
export function fileCheckpointStore(path: string): RegionCheckpointStore {
  return {
    load: (fingerprint) => readCheckpoint(path, fingerprint),
    save: (state) => writeCheckpoint(path, state),
  };
}
